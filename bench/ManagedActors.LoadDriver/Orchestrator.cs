using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace ManagedActors.LoadDriver;

/// <summary>Runs every workload with a host process and client processes and prints one JSON line per figure.</summary>
internal static class Orchestrator
{
    public static async Task<int> RunAsync(Options options)
    {
        var seconds = options.Double("seconds", 3);
        var inFlight = options.Int("inflight", 64);
        var clientCounts = options.Get("clients", "1,2,4,8").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var only = options.Get("only", "raw,steps,latency,flood,dict,list,queue,incr,incr-seq,durability").Split(',').ToHashSet(StringComparer.Ordinal);
        // Each ManagedActors workload runs once per call transport; the direct lane is the default and keeps the plain name.
        var transports = options.Get("transports", "direct,akka-remote").Split(',');
        var key = RandomNumberGenerator.GetBytes(32);
        var store = Directory.CreateTempSubdirectory("loaddriver-store-");
        var environment = new Dictionary<string, string>
        {
            [Roles.KeyVariable] = Convert.ToHexString(key),
            [Roles.StoreVariable] = Path.Combine(store.FullName, "objects.db"),
        };
        try
        {
            await RunAllAsync(options, only, transports, clientCounts, inFlight, seconds, key, environment);
        }
        finally
        {
            store.Delete(recursive: true);
        }
        return 0;
    }

    private static async Task RunAllAsync(
        Options options, HashSet<string> only, string[] transports, int[] clientCounts, int inFlight, double seconds, byte[] key, Dictionary<string, string> environment)
    {

        await WithHost("socket-host", environment, (socketAddress, _) => WithHost("raw-host", environment, (rawAddress, _) => WithHost("host", environment, async (address, hostProcess) =>
        {
            if (only.Contains("latency"))
            {
                // Rounds alternate between the floors and the library on each transport, every host up, so drift on the
                // machine touches all alike; each figure is the median of its rounds.
                var rounds = new Dictionary<string, List<(double, double)>>(StringComparer.Ordinal);
                void Add(string name, string result) => (rounds.TryGetValue(name, out var list) ? list : rounds[name] = []).Add(ParseLatency(result));
                for (var round = 0; round < options.Int("latency-rounds", 3); round++)
                {
                    Add("socket-echo", (await Clients("socket-client", socketAddress, environment, 1, [])).Single());
                    Add("akka-raw-echo", (await Clients("raw-client", rawAddress, environment, 1, ["--workload", "latency"])).Single());
                    foreach (var transport in transports)
                    {
                        Add(Impl(transport), (await Clients("client", address, environment, 1, ["--workload", "latency", "--transport", transport])).Single());
                    }
                }
                foreach (var (name, figures) in rounds)
                {
                    var (p50, p99) = Median(figures);
                    Emit(new Figure(name, name.StartsWith("managedactors", StringComparison.Ordinal) ? "dict_set_sequential" : "sequential_latency", 1, 1, 1e6 / p50, p50, p99));
                }
            }
            if (only.Contains("raw"))
            {
                foreach (var n in clientCounts)
                {
                    var results = await Measured("raw-client", rawAddress, environment, n, ["--workload", "throughput", "--inflight", Str(inFlight), "--seconds", Str(seconds)]);
                    Emit(new Figure("akka-raw-echo", "echo", n, inFlight, Aggregate(results)));
                }
            }
            if (only.Contains("steps"))
            {
                // The steps from Akka's defaults to the library's call path, at 4 client processes.
                foreach (var variant in (string[])["ask-json", "ask"])
                {
                    var results = await Measured("raw-client", rawAddress, environment, 4, ["--workload", "throughput", "--variant", variant, "--inflight", Str(inFlight), "--seconds", Str(seconds)]);
                    Emit(new Figure("akka-raw-" + variant, "echo", 4, inFlight, Aggregate(results)));
                }
            }
            if (only.Contains("flood"))
            {
                // One client fires a million calls without awaiting them: both processes' memory must stay bounded.
                const int calls = 1_000_000;
                var parts = (await Clients("client", address, environment, 1, ["--workload", "flood", "--count", Str(calls)])).Single().Split(' ');
                hostProcess.Refresh();
                var wallMs = double.Parse(parts[0], CultureInfo.InvariantCulture);
                Emit(new Figure("managedactors", "flood", 1, 0, calls / (wallMs / 1000), WallMs: wallMs,
                    ClientMb: double.Parse(parts[1], CultureInfo.InvariantCulture), HostMb: hostProcess.PeakWorkingSet64 / 1048576.0));
            }
            foreach (var transport in transports)
            {
                await Workloads(only, transport, address, environment, clientCounts, inFlight, seconds, key);
            }
            if (only.Contains("durability"))
            {
                await Durabilities(address, environment, inFlight, seconds, ["none", "memory", "durable"], "");
            }
        })));
        if (only.Contains("durability") && Environment.GetEnvironmentVariable(Roles.PostgresVariable) is { Length: > 0 } postgres)
        {
            // The durable rows again, on a host whose store is the PostgreSQL server.
            var onPostgres = new Dictionary<string, string>(environment) { [Roles.StoreVariable] = postgres };
            await WithHost("host", onPostgres, (address, _) => Durabilities(address, onPostgres, inFlight, seconds, ["durable"], "_postgres"));
        }
    }

    /// <summary>What journaling costs: acknowledged sets with calls in flight, and one sequential client, per durability.</summary>
    private static async Task Durabilities(string address, Dictionary<string, string> environment, int inFlight, double seconds, string[] durabilities, string store)
    {
        foreach (var durability in durabilities)
        {
            var results = await Measured("client", address, environment, 4,
                ["--workload", "dict-set", "--durability", durability, "--inflight", Str(inFlight), "--seconds", Str(seconds)]);
            Emit(new Figure("managedactors", "dict_set_" + durability + store, 4, inFlight, Aggregate(results)));
            var (p50, p99) = ParseLatency((await Clients("client", address, environment, 1, ["--workload", "latency", "--durability", durability, "--count", "3000"])).Single());
            Emit(new Figure("managedactors", "dict_set_sequential_" + durability + store, 1, 1, 1e6 / p50, p50, p99));
        }
    }

    private static string Impl(string transport) => transport switch
    {
        "direct" => "managedactors",
        "direct-sealed" => "managedactors-sealed",
        _ => "managedactors-akka",
    };

    private static async Task Workloads(
        HashSet<string> only, string transport, string address, Dictionary<string, string> environment, int[] clientCounts, int inFlight, double seconds, byte[] key)
    {
        var impl = Impl(transport);
        string[] With(params string[] args) => [.. args, "--transport", transport];
        if (only.Contains("dict"))
        {
            foreach (var n in clientCounts)
            {
                var results = await Measured("client", address, environment, n, With("--workload", "dict", "--inflight", Str(inFlight), "--seconds", Str(seconds)));
                Emit(new Figure(impl, "dict_set_get", n, inFlight, Aggregate(results)));
            }
        }
        if (only.Contains("list"))
        {
            foreach (var n in clientCounts)
            {
                var results = await Measured("client", address, environment, n, With("--workload", "list", "--inflight", Str(inFlight), "--seconds", Str(seconds)));
                Emit(new Figure(impl, "list_append", n, inFlight, Aggregate(results)));
            }
        }
        if (only.Contains("queue"))
        {
            const int items = 200_000;
            var startAt = StartAt();
            var producer = Client("client", address, environment, 0, With("--workload", "queue-put", "--inflight", Str(inFlight), "--count", Str(items), "--start-at", startAt));
            var consumer = Client("client", address, environment, 1, With("--workload", "queue-get", "--inflight", Str(inFlight), "--count", Str(items), "--start-at", startAt));
            var results = await Task.WhenAll(producer, consumer);
            Emit(new Figure(impl, "queue_put_get", 2, inFlight, double.Parse(results[1], CultureInfo.InvariantCulture)));
        }
        if (only.Contains("incr"))
        {
            const int perClient = 20_000;
            var counter = "bench-incr-" + transport;
            var results = await Clients("client", address, environment, 4, With("--workload", "incr", "--inflight", Str(inFlight), "--count", Str(perClient), "--counter", counter));
            var total = await Roles.ReadIncrementsAsync(address, key, counter);
            Emit(new Figure(impl, "increment_4_processes", 4, inFlight, Aggregate(results), Lost: 4L * perClient - total));
        }
        if (only.Contains("incr-seq"))
        {
            // What a user writes first: one awaited IncrementAsync after another, 10,000 of them; the wall time.
            var result = (await Clients("client", address, environment, 1, With("--workload", "incr-seq", "--count", "10000"))).Single();
            var wallMs = double.Parse(result, CultureInfo.InvariantCulture);
            Emit(new Figure(impl, "increment_sequential", 1, 1, 10_000 / (wallMs / 1000), WallMs: wallMs));
        }
    }

    /// <summary>All clients' operations over the union of their measurement windows.</summary>
    internal static double Aggregate(string[] results)
    {
        var windows = results.Select(r => r.Split(' ').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var seconds = (windows.Max(w => w[2]) - windows.Min(w => w[1])) / 1000.0;
        return windows.Sum(w => w[0]) / seconds;
    }

    private static (double, double) Median(List<(double P50, double P99)> rounds)
    {
        var p50 = rounds.Select(r => r.P50).Order().ToList();
        var p99 = rounds.Select(r => r.P99).Order().ToList();
        return (p50[p50.Count / 2], p99[p99.Count / 2]);
    }

    private static string Str(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>When the measurement window opens: after every client process started, connected and warmed up under load.</summary>
    private static string StartAt(int clients = 1) =>
        DateTimeOffset.UtcNow.AddSeconds(4 + 0.75 * clients).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static void Emit(Figure figure) => Console.WriteLine(figure.ToJson());

    private static (double P50, double P99) ParseLatency(string result)
    {
        var parts = result.Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static async Task WithHost(string role, Dictionary<string, string> environment, Func<string, Process, Task> body)
    {
        using var host = Child.Start(role, [], environment);
        try
        {
            var address = await Child.ReadLineStartingAsync(host, "ADDRESS ", TimeSpan.FromSeconds(60));
            await body(address, host);
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    internal static async Task<string[]> Clients(string role, string address, Dictionary<string, string> environment, int count, string[] args)
    {
        var startAt = StartAt(count);
        return await Task.WhenAll(Enumerable.Range(0, count).Select(i => Client(role, address, environment, i, [.. args, "--start-at", startAt])));
    }

    /// <summary>
    /// Throughput clients: each prints READY once warm under load; when all have, each is told to open its window a
    /// second later (<see cref="Window"/>).
    /// </summary>
    private static Task<string[]> Measured(string role, string address, Dictionary<string, string> environment, int count, string[] args) =>
        Measured(role, [address], environment, count, args);

    /// <summary>Throughput clients spread over <paramref name="addresses"/>: client i talks to address i mod n.</summary>
    internal static async Task<string[]> Measured(string role, IReadOnlyList<string> addresses, Dictionary<string, string> environment, int count, string[] args)
    {
        var processes = Enumerable.Range(0, count)
            .Select(i => Child.Start(role, ["--address", addresses[i % addresses.Count], "--index", Str(i), .. args], environment)).ToList();
        try
        {
            await Task.WhenAll(processes.Select(p => Child.ReadLineStartingAsync(p, "READY", TimeSpan.FromMinutes(2))));
            var opens = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            foreach (var process in processes)
            {
                await process.StandardInput.WriteLineAsync("GO " + opens);
                await process.StandardInput.FlushAsync();
            }
            var results = await Task.WhenAll(processes.Select(p => Child.ReadLineStartingAsync(p, "RESULT ", TimeSpan.FromMinutes(2))));
            await Task.WhenAll(processes.Select(p => p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30))));
            return results;
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
                process.Dispose();
            }
        }
    }

    private static async Task<string> Client(string role, string address, Dictionary<string, string> environment, int index, string[] args)
    {
        using var process = Child.Start(role, ["--address", address, "--index", Str(index), .. args], environment);
        var result = await Child.ReadLineStartingAsync(process, "RESULT ", TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return result;
    }
}
