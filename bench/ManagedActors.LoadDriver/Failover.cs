using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ManagedActors.LoadDriver;

/// <summary>
/// Failover of a three-host cluster on 127.0.0.1 (the shipped loopback profile, one SQLite journal): a client
/// connected to the first host places 30 named durable dicts over the cluster, the third host is stopped (SIGKILL, or
/// SIGTERM for a graceful leave), and the clock runs from the signal until the process is gone and every object has
/// answered again, those of the stopped host from another. Each round starts three new host processes; the figure is the median of the rounds.
/// </summary>
internal static class Failover
{
    private const int Objects = 30;

    public static async Task<int> RunAsync(Options options)
    {
        var rounds = options.Int("rounds", 5);
        foreach (var signal in new[] { "sigkill", "sigterm" })
        {
            var times = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                times.Add(await RoundAsync(signal == "sigterm"));
                Console.Error.WriteLine($"failover {signal} round {round + 1}: {times[^1]:0} ms");
            }
            times.Sort();
            var median = times[times.Count / 2];
            Console.WriteLine(new Figure("managedactors", "cluster_failover_" + signal, 3, 1, 1000 / median, WallMs: median).ToJson());
        }
        return 0;
    }

    /// <summary>A host of the cluster, started by <see cref="RoundAsync"/> in this program's <c>cluster-host</c> role.</summary>
    public static async Task<int> HostAsync(Options options)
    {
        var stop = new TaskCompletionSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.TrySetResult();
        });
        await using (var manager = await Manager.StartAsync(new ManagerOptions
        {
            AuthKey = Convert.FromHexString(Environment.GetEnvironmentVariable(Roles.KeyVariable)!),
            ClusterKey = Convert.FromHexString(options.Get("cluster-key", "")),
            ClusterPort = options.Int("cluster-port", 0),
            Seeds = [options.Get("seed", "")],
            DurableStore = options.Get("store", ""),
            DefaultDurability = Durability.Durable,
        }))
        {
            Console.WriteLine("ADDRESS " + manager.Address);
            await stop.Task;
        }
        return 0;
    }

    private static async Task<double> RoundAsync(bool graceful)
    {
        var folder = Directory.CreateTempSubdirectory("loaddriver-failover-");
        var authKey = RandomNumberGenerator.GetBytes(32);
        var environment = new Dictionary<string, string> { [Roles.KeyVariable] = Convert.ToHexString(authKey) };
        var seedPort = FreePort();
        string[] Args(int clusterPort) =>
        [
            "--cluster-key", Convert.ToHexString(SHA256.HashData(authKey)), "--cluster-port", clusterPort.ToString(CultureInfo.InvariantCulture),
            "--seed", $"127.0.0.1:{seedPort}", "--store", Path.Combine(folder.FullName, "objects.db"),
        ];
        var hosts = new List<Process>();
        try
        {
            var addresses = new List<string>();
            foreach (var clusterPort in new[] { seedPort, 0, 0 })
            {
                var host = Child.Start("cluster-host", Args(clusterPort), environment);
                hosts.Add(host);
                addresses.Add(await Child.ReadLineStartingAsync(host, "ADDRESS ", TimeSpan.FromSeconds(60)));
            }
            await using var client = await Manager.ConnectAsync(addresses, authKey);
            var dicts = new List<ManagedActors.Dicts.IManagedDict<string, int>>();
            for (var i = 0; i < Objects; i++)
            {
                var dict = await client.DictAsync<string, int>("region-" + i.ToString(CultureInfo.InvariantCulture));
                await dict.SetAsync("population", i);
                dicts.Add(dict);
            }
            var clock = Stopwatch.StartNew();
            if (graceful)
            {
                using var kill = Process.Start("kill", ["-TERM", hosts[2].Id.ToString(CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
            }
            else
            {
                hosts[2].Kill(entireProcessTree: true);
            }
            // The stopped host serves until it has left (SIGTERM hands its objects off first): the objects count as back
            // once it is gone and they answer from the others.
            await hosts[2].WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var answers = await Task.WhenAll(dicts.Select(d => d.GetAsync("population")));
            var elapsed = clock.Elapsed.TotalMilliseconds;
            return answers.SequenceEqual(Enumerable.Range(0, Objects))
                ? elapsed
                : throw new InvalidOperationException("An object came back without its acknowledged value.");
        }
        finally
        {
            foreach (var host in hosts)
            {
                if (!host.HasExited)
                {
                    host.Kill(entireProcessTree: true);
                }
                await host.WaitForExitAsync();
                host.Dispose();
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
