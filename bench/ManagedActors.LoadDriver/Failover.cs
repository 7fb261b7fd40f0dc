using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ManagedActors.LoadDriver;

/// <summary>
/// Failover of a three-host cluster on 127.0.0.1 (the shipped loopback profile, one SQLite journal, or PostgreSQL with
/// <c>--store</c> naming a connection string): a client connected to the second host places 30 named durable dicts and
/// 4 durable locks over the cluster and holds the locks, a host is stopped (SIGKILL of the oldest, the first started,
/// or of the third; SIGTERM of the third for a graceful leave), and the clock runs from the signal until the process is
/// gone and every object has answered again, those of the stopped host from another. Each round starts three new host
/// processes; the figure is the median of the rounds. <c>--trace on</c> prints the hosts' cluster log against the same clock.
/// </summary>
internal static class Failover
{
    private const int Objects = 30;
    private const int Locks = 4;

    public static async Task<int> RunAsync(Options options)
    {
        var rounds = options.Int("rounds", 5);
        var trace = options.Get("trace", "off") == "on";
        var store = options.Get("store", "");
        foreach (var (signal, victim) in new[] { ("sigkill", 0), ("sigkill", 2), ("sigterm", 2) })
        {
            var name = signal + (victim == 0 ? "_oldest" : "_other");
            var times = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                times.Add(await RoundAsync(signal == "sigterm", victim, store, trace));
                Console.Error.WriteLine($"failover {name} round {round + 1}: {times[^1]:0} ms");
            }
            times.Sort();
            var median = times[times.Count / 2];
            Console.WriteLine(new Figure("managedactors", "cluster_failover_" + name, 3, 1, 1000 / median, WallMs: median).ToJson());
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
            Config = Environment.GetEnvironmentVariable(ClusterHosts.ConfigVariable),
        }))
        {
            Console.WriteLine("ADDRESS " + manager.Address);
            await stop.Task;
        }
        return 0;
    }

    private static async Task<double> RoundAsync(bool graceful, int victim, string store, bool trace)
    {
        // Each round on a journal of its own: a PostgreSQL store gets a new database (a new SQLite file comes with the folder).
        store = store.Length == 0 ? store : await FreshDatabaseAsync(store);
        var clock = new Stopwatch();
        Action<int, string>? log = trace ? (host, line) => Console.Error.WriteLine($"{clock.ElapsedMilliseconds,7} h{host} {line}") : null;
        await using var cluster = await ClusterHosts.StartAsync(3, trace ? TraceConfig : null, log, store);
        await using var client = await Manager.ConnectAsync([cluster.Addresses[1], cluster.Addresses[0], cluster.Addresses[2]], cluster.AuthKey);
        var dicts = new List<ManagedActors.Dicts.IManagedDict<string, int>>();
        for (var i = 0; i < Objects; i++)
        {
            var dict = await client.DictAsync<string, int>("region-" + i.ToString(CultureInfo.InvariantCulture));
            await dict.SetAsync("population", i);
            dicts.Add(dict);
        }
        var locks = new List<ManagedActors.Synchronization.IManagedLock>();
        for (var i = 0; i < Locks; i++)
        {
            var vault = await client.LockAsync("vault-" + i.ToString(CultureInfo.InvariantCulture));
            await vault.AcquireAsync();
            locks.Add(vault);
        }
        var stopped = cluster.Processes[victim];
        clock.Start();
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
        // once it is gone and they answer from the others. A lock answers by telling its holder that it still holds it.
        await stopped.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var answers = await Task.WhenAll(dicts.Select(async d =>
        {
            var value = await d.GetAsync("population");
            log?.Invoke(-1, "answered " + value.ToString(CultureInfo.InvariantCulture));
            return value;
        }));
        var held = await Task.WhenAll(locks.Select(l => l.IsLockedAsync()));
        var elapsed = clock.Elapsed.TotalMilliseconds;
        return answers.SequenceEqual(Enumerable.Range(0, Objects)) && held.All(h => h)
            ? elapsed
            : throw new InvalidOperationException("An object came back without its acknowledged value, or a lock without its hold.");
    }

    /// <summary>A new, empty database on the PostgreSQL server of <paramref name="connectionString"/>; its connection string.</summary>
    private static async Task<string> FreshDatabaseAsync(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var name = "failover_" + Guid.NewGuid().ToString("N");
        await using (var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        builder.Database = name;
        return builder.ConnectionString;
    }

    /// <summary>The members' cluster events at INFO, for <c>--trace on</c>.</summary>
    private const string TraceConfig = """
        akka { loglevel = INFO, stdout-loglevel = INFO, cluster.log-info = on }
        """;
}

/// <summary>
/// Host processes of one cluster on 127.0.0.1 (this program in the <c>cluster-host</c> role), durable objects by default
/// on one SQLite journal in a temporary folder; disposing kills what still runs and deletes the folder.
/// </summary>
internal sealed class ClusterHosts : IAsyncDisposable
{
    /// <summary>The environment variable that hands the hosts extra HOCON.</summary>
    public const string ConfigVariable = "LOADDRIVER_HOCON";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("loaddriver-cluster-");
    private readonly List<Task> _pumps = [];

    public byte[] AuthKey { get; } = RandomNumberGenerator.GetBytes(32);

    public List<Process> Processes { get; } = [];

    /// <summary>The hosts' client addresses, in the order they started (the first is the seed).</summary>
    public List<string> Addresses { get; } = [];

    /// <summary>
    /// Starts <paramref name="count"/> hosts, with <paramref name="config"/> as extra HOCON, their journal on
    /// <paramref name="store"/> (a SQLite file in the folder when empty); what they print after their address goes to
    /// <paramref name="log"/> with the host's index.
    /// </summary>
    public static async Task<ClusterHosts> StartAsync(int count, string? config = null, Action<int, string>? log = null, string store = "")
    {
        var cluster = new ClusterHosts();
        try
        {
            var environment = new Dictionary<string, string> { [Roles.KeyVariable] = Convert.ToHexString(cluster.AuthKey) };
            if (config is not null)
            {
                environment[ConfigVariable] = config;
            }
            if (store.Length == 0)
            {
                store = Path.Combine(cluster._folder.FullName, "objects.db");
            }
            var seedPort = FreePort();
            for (var i = 0; i < count; i++)
            {
                var host = Child.Start("cluster-host",
                [
                    "--cluster-key", Convert.ToHexString(SHA256.HashData(cluster.AuthKey)),
                    "--cluster-port", (i == 0 ? seedPort : 0).ToString(CultureInfo.InvariantCulture),
                    "--seed", $"127.0.0.1:{seedPort}", "--store", store,
                ], environment);
                cluster.Processes.Add(host);
                cluster.Addresses.Add(await Child.ReadLineStartingAsync(host, "ADDRESS ", TimeSpan.FromSeconds(60)));
                var index = i;
                cluster._pumps.Add(Task.Run(async () =>
                {
                    while (await host.StandardOutput.ReadLineAsync() is { } line)
                    {
                        log?.Invoke(index, line);
                    }
                }));
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
        }
        await Task.WhenAll(_pumps);
        foreach (var host in Processes)
        {
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
