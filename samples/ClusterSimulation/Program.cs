using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ManagedActors;
using ManagedActors.Dicts;

// A multi-node simulation: an epidemic on a grid of regions, each region a durable managed dict, spread by Cluster
// Sharding over three host processes on 127.0.0.1. Worker processes run the steps: infections inside a region and
// travellers between neighbouring regions, every change one atomic increment. Midway one host is SIGKILLed; its
// regions come back on the other hosts from the shared journal, the workers' calls go on through the hosts left, and
// at the end every acknowledged increment is found in the final state.
//   dotnet run --project samples/ClusterSimulation [-- --steps 40 --grid 4 --workers 3 --journal "Host=...;Database=..."]
// The journal is a SQLite file in a temporary folder unless --journal names a PostgreSQL database.
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "");
string Opt(string key, string fallback) => options.TryGetValue(key, out var v) ? v : fallback;
int Int(string key, int fallback) => int.Parse(Opt(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

return Opt("role", "main") switch
{
    "host" => await Simulation.HostAsync(Opt("cluster-port", "0"), Opt("seed", ""), Opt("store", "")),
    "worker" => await Simulation.WorkerAsync(Opt("hosts", "").Split(','), Int("index", 0), Int("workers", 3), Int("grid", 4), Int("steps", 40)),
    _ => await Simulation.MainAsync(Int("grid", 4), Int("steps", 40), Int("workers", 3), Opt("journal", "")),
};

internal static class Simulation
{
    private const string AuthVariable = "SIMULATION_AUTHKEY", ClusterVariable = "SIMULATION_CLUSTER_KEY";
    private const int Population = 1000;

    public static async Task<int> MainAsync(int grid, int steps, int workers, string journal)
    {
        Console.WriteLine($"parent main (pid {Environment.ProcessId})");
        var folder = Directory.CreateTempSubdirectory("cluster-simulation-");
        var environment = new Dictionary<string, string>
        {
            [AuthVariable] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
            [ClusterVariable] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
        };
        var seedPort = FreePort();
        var children = new List<Process>();
        try
        {
            var hosts = new List<string>();
            foreach (var clusterPort in new[] { seedPort, 0, 0 })
            {
                var store = journal.Length > 0 ? journal : Path.Combine(folder.FullName, "journal.db");
                var host = Start(["--role", "host", "--cluster-port", Str(clusterPort), "--seed", $"127.0.0.1:{seedPort}", "--store", store], environment);
                children.Add(host);
                hosts.Add(await ReadAddressAsync(host));
            }
            Console.WriteLine($"3 hosts in one cluster: {string.Join(", ", hosts)}");
            Console.WriteLine($"shared journal: {(journal.Length > 0 ? "PostgreSQL" : "SQLite")}");
            await using var client = await Manager.ConnectAsync(hosts, Convert.FromHexString(environment[AuthVariable]),
                new ClientOptions { CallTimeout = TimeSpan.FromSeconds(90), HandshakeTimeout = TimeSpan.FromSeconds(30) });
            var regions = new List<IManagedDict<string, int>>();
            foreach (var name in RegionNames(grid))
            {
                var region = await client.DictAsync<string, int>(name);
                await region.SetAsync("susceptible", Population);
                await region.SetAsync("infected", name == "region-0-0" ? 10 : 0);
                regions.Add(region);
            }
            var progress = await client.DictAsync<string, int>("progress");
            await progress.SetAsync("steps", 0);
            Console.WriteLine($"objects per host before: {await PerHostAsync(client, hosts, grid * grid)}");

            // Each worker starts on another host (its list rotated), so one of them talks to the host that will die.
            var workerProcesses = Enumerable.Range(0, workers).Select(i => Start(
                ["--role", "worker", "--hosts", string.Join(',', hosts.Skip(i % 3).Concat(hosts.Take(i % 3))), "--index", Str(i), "--workers", Str(workers),
                 "--grid", Str(grid), "--steps", Str(steps)], environment)).ToList();
            children.AddRange(workerProcesses);
            var reports = workerProcesses.Select(w => w.StandardOutput.ReadToEndAsync()).ToList();

            // Midway, the host that runs some regions dies without a word.
            while (await progress.GetAsync("steps") < workers * steps / 2)
            {
                await Task.Delay(100);
            }
            var killed = hosts[2];
            children[2].Kill(entireProcessTree: true);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(regions.Select(r => r.GetAsync("infected")));
            Console.WriteLine($"host {killed} killed (SIGKILL) at step {steps / 2}; its regions answered again after {clock.Elapsed.TotalSeconds:0.0} s");

            var acknowledged = new Dictionary<(string Region, string Key), long>();
            long calls = 0;
            foreach (var report in await Task.WhenAll(reports))
            {
                foreach (var line in report.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith("ACK ", StringComparison.Ordinal)))
                {
                    var parts = line.Split(' ');
                    acknowledged[(parts[1], parts[2])] = acknowledged.GetValueOrDefault((parts[1], parts[2])) + long.Parse(parts[3], CultureInfo.InvariantCulture);
                    calls += long.Parse(parts[4], CultureInfo.InvariantCulture);
                }
            }
            foreach (var worker in workerProcesses)
            {
                await worker.WaitForExitAsync();
                Console.WriteLine($"worker (pid {worker.Id}) exited with {worker.ExitCode}");
            }
            Console.WriteLine($"objects per host after: {await PerHostAsync(client, hosts.Take(2).ToList(), grid * grid)}");

            // Every acknowledged increment is in the final state: each counter is its start plus what was acknowledged.
            var names = RegionNames(grid).ToList();
            long people = 0, recovered = 0;
            var exact = 0;
            var counters = 0;
            for (var i = 0; i < regions.Count; i++)
            {
                foreach (var key in new[] { "susceptible", "infected", "recovered" })
                {
                    var start = key switch { "susceptible" => Population, "infected" => names[i] == "region-0-0" ? 10 : 0, _ => 0 };
                    var value = await regions[i].GetOrDefaultAsync(key);
                    people += value;
                    recovered += key == "recovered" ? value : 0;
                    counters++;
                    var expected = start + acknowledged.GetValueOrDefault((names[i], key));
                    exact += value == expected ? 1 : 0;
                    if (value != expected)
                    {
                        Console.WriteLine($"{names[i]} {key}: {value}, expected {expected}");
                    }
                }
            }
            Console.WriteLine($"people: {people} of {Population * regions.Count + 10} (recovered: {recovered})");
            Console.WriteLine($"acknowledged updates present: {(exact == counters ? calls : 0)} of {calls} ({exact} of {counters} counters exact)");
            return exact == counters ? 0 : 1;
        }
        finally
        {
            foreach (var child in children.Where(c => !c.HasExited))
            {
                child.Kill(entireProcessTree: true);
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>A host process: a manager in the cluster, durable by default, until SIGTERM or a kill.</summary>
    public static async Task<int> HostAsync(string clusterPort, string seed, string store)
    {
        var stop = new TaskCompletionSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.TrySetResult();
        });
        await using var manager = await Manager.StartAsync(new ManagerOptions
        {
            AuthKey = Convert.FromHexString(Environment.GetEnvironmentVariable(AuthVariable)!),
            ClusterKey = Convert.FromHexString(Environment.GetEnvironmentVariable(ClusterVariable)!),
            ClusterPort = int.Parse(clusterPort, CultureInfo.InvariantCulture),
            Seeds = [seed],
            DurableStore = store,
            DefaultDurability = Durability.Durable,
        });
        Console.WriteLine("ADDRESS " + manager.Address);
        await stop.Task;
        return 0;
    }

    /// <summary>
    /// A worker process: its share of the regions, step after step. Each change is an atomic increment; the worker sums
    /// what was acknowledged and prints it at the end (ACK region key delta calls).
    /// </summary>
    public static async Task<int> WorkerAsync(string[] hosts, int index, int workers, int grid, int steps)
    {
        // Generous timeouts: a failover on a loaded machine (every process of the run shares its cores) takes seconds.
        await using var client = await Manager.ConnectAsync(hosts, Convert.FromHexString(Environment.GetEnvironmentVariable(AuthVariable)!),
            new ClientOptions { CallTimeout = TimeSpan.FromSeconds(90), HandshakeTimeout = TimeSpan.FromSeconds(30) });
        var progress = await client.DictAsync<string, int>("progress");
        var names = RegionNames(grid).ToList();
        var mine = names.Where((_, i) => i % workers == index).ToList();
        var regions = new Dictionary<string, IManagedDict<string, int>>();
        foreach (var name in names)
        {
            regions[name] = await client.DictAsync<string, int>(name);
        }
        var deltas = new Dictionary<(string, string), (long Delta, long Calls)>();
        async Task Change(string region, string key, int delta)
        {
            if (delta == 0)
            {
                return;
            }
            await regions[region].IncrementAsync(key, delta);
            var (sum, calls) = deltas.GetValueOrDefault((region, key));
            deltas[(region, key)] = (sum + delta, calls + 1);
        }
        var random = new Random(index);
        for (var step = 0; step < steps; step++)
        {
            foreach (var name in mine)
            {
                var region = regions[name];
                var infected = await region.GetOrDefaultAsync("infected");
                var susceptible = await region.GetOrDefaultAsync("susceptible");
                var newly = Math.Min(susceptible, infected * susceptible / (Population * 4) + (infected > 0 ? 1 : 0));
                var healed = infected / 5;
                await Change(name, "susceptible", -newly);
                await Change(name, "infected", newly - healed);
                await Change(name, "recovered", healed);
                // Travellers: a few infected people move to a neighbouring region.
                var travellers = Math.Min(infected - healed, random.Next(0, 3));
                if (travellers > 0)
                {
                    var neighbour = Neighbour(name, grid, random);
                    await Change(name, "infected", -travellers);
                    await Change(neighbour, "infected", travellers);
                }
            }
            await progress.IncrementAsync("steps", 1);
        }
        foreach (var ((region, key), (delta, calls)) in deltas)
        {
            Console.WriteLine($"ACK {region} {key} {delta} {calls}");
        }
        return 0;
    }

    private static IEnumerable<string> RegionNames(int grid) =>
        Enumerable.Range(0, grid * grid).Select(i => $"region-{i / grid}-{i % grid}");

    private static string Neighbour(string name, int grid, Random random)
    {
        var parts = name.Split('-');
        var (x, y) = (int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
        var (dx, dy) = random.Next(4) switch { 0 => (1, 0), 1 => (-1, 0), 2 => (0, 1), _ => (0, -1) };
        return $"region-{(x + dx + grid) % grid}-{(y + dy + grid) % grid}";
    }

    private static async Task<string> PerHostAsync(ManagerClient client, IReadOnlyList<string> hosts, int expected)
    {
        // The status is collected every 2 s: wait until it shows every region.
        for (var attempt = 0; ; attempt++)
        {
            var regions = (await client.StatusAsync()).Objects.Where(o => o.Name?.StartsWith("region-", StringComparison.Ordinal) == true).ToList();
            if (regions.Count == expected || attempt == 50)
            {
                return string.Join(", ", hosts.Select((h, i) => $"host {i + 1} {regions.Count(o => o.Host == h)}"));
            }
            await Task.Delay(200);
        }
    }

    private static Process Start(string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) is "dotnet")
        {
            start.ArgumentList.Add(typeof(Simulation).Assembly.Location);
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        return Process.Start(start)!;
    }

    private static async Task<string> ReadAddressAsync(Process host)
    {
        while (await host.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line)
        {
            if (line.StartsWith("ADDRESS ", StringComparison.Ordinal))
            {
                // The rest of the host's output (its log) is read and dropped, so a full pipe never stalls it.
                _ = host.StandardOutput.ReadToEndAsync();
                return line["ADDRESS ".Length..];
            }
        }
        throw new InvalidOperationException("A host exited before it listened.");
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
