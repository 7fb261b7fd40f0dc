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
        await using var cluster = await ClusterHosts.StartAsync(3);
        await using var client = await Manager.ConnectAsync(cluster.Addresses, cluster.AuthKey);
        var dicts = new List<ManagedActors.Dicts.IManagedDict<string, int>>();
        for (var i = 0; i < Objects; i++)
        {
            var dict = await client.DictAsync<string, int>("region-" + i.ToString(CultureInfo.InvariantCulture));
            await dict.SetAsync("population", i);
            dicts.Add(dict);
        }
        var stopped = cluster.Processes[2];
        var clock = Stopwatch.StartNew();
        if (graceful)
        {
            using var kill = Process.Start("kill", ["-TERM", stopped.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }
        else
        {
            stopped.Kill(entireProcessTree: true);
        }
        // The stopped host serves until it has left (SIGTERM hands its objects off first): the objects count as back
        // once it is gone and they answer from the others.
        await stopped.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var answers = await Task.WhenAll(dicts.Select(d => d.GetAsync("population")));
        var elapsed = clock.Elapsed.TotalMilliseconds;
        return answers.SequenceEqual(Enumerable.Range(0, Objects))
            ? elapsed
            : throw new InvalidOperationException("An object came back without its acknowledged value.");
    }
}

/// <summary>
/// Host processes of one cluster on 127.0.0.1 (this program in the <c>cluster-host</c> role), durable objects by default
/// on one SQLite journal in a temporary folder; disposing kills what still runs and deletes the folder.
/// </summary>
internal sealed class ClusterHosts : IAsyncDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("loaddriver-cluster-");

    public byte[] AuthKey { get; } = RandomNumberGenerator.GetBytes(32);

    public List<Process> Processes { get; } = [];

    /// <summary>The hosts' client addresses, in the order they started (the first is the seed).</summary>
    public List<string> Addresses { get; } = [];

    public static async Task<ClusterHosts> StartAsync(int count)
    {
        var cluster = new ClusterHosts();
        try
        {
            var environment = new Dictionary<string, string> { [Roles.KeyVariable] = Convert.ToHexString(cluster.AuthKey) };
            var seedPort = FreePort();
            for (var i = 0; i < count; i++)
            {
                var host = Child.Start("cluster-host",
                [
                    "--cluster-key", Convert.ToHexString(SHA256.HashData(cluster.AuthKey)),
                    "--cluster-port", (i == 0 ? seedPort : 0).ToString(CultureInfo.InvariantCulture),
                    "--seed", $"127.0.0.1:{seedPort}", "--store", Path.Combine(cluster._folder.FullName, "objects.db"),
                ], environment);
                cluster.Processes.Add(host);
                cluster.Addresses.Add(await Child.ReadLineStartingAsync(host, "ADDRESS ", TimeSpan.FromSeconds(60)));
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Processes)
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }
            await host.WaitForExitAsync();
            host.Dispose();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
