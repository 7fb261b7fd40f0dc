using System.Diagnostics;
using System.Globalization;
using ManagedActors.Dicts;

namespace ManagedActors.LoadDriver;

/// <summary>The host and client processes of a ManagedActors run.</summary>
internal static class Roles
{
    public const string KeyVariable = "LOADDRIVER_AUTHKEY";

    public const string StoreVariable = "LOADDRIVER_STORE";

    /// <summary>A PostgreSQL connection string (bench/postgres.sh): the durable rows run again on it.</summary>
    public const string PostgresVariable = "LOADDRIVER_POSTGRES";

    public static async Task<int> HostAsync()
    {
        var key = Convert.FromHexString(Environment.GetEnvironmentVariable(KeyVariable)!);
        // A durable store for the durability figures; objects are Durable only when a client asks.
        await using var manager = await Manager.StartAsync(new ManagerOptions { AuthKey = key, DurableStore = Environment.GetEnvironmentVariable(StoreVariable) });
        Console.WriteLine("ADDRESS " + manager.Address);
        await Task.Delay(Timeout.Infinite); // until the orchestrator kills it
        return 0;
    }

    public static async Task<int> ClientAsync(Options options)
    {
        var key = Convert.FromHexString(Environment.GetEnvironmentVariable(KeyVariable)!);
        await using var client = await Manager.ConnectAsync(options.Get("address", ""), key, new ClientOptions
        {
            CallTimeout = TimeSpan.FromSeconds(60),
            Transport = options.Get("transport", "direct") == "akka-remote" ? CallTransport.AkkaRemote : CallTransport.Direct,
            // "direct-sealed": the lane with every frame sealed, as it is by default between machines (docs/security.md).
            Config = options.Get("transport", "direct") == "direct-sealed" ? "managed-actors.direct.seal = on" : null,
        });
        var workload = options.Get("workload", "dict");
        var inFlight = options.Int("inflight", 64);
        var seconds = options.Double("seconds", 3);
        var startAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(options.Get("start-at", "0"), CultureInfo.InvariantCulture));
        var index = options.Int("index", 0);
        Durability? durability = options.Get("durability", "") is { Length: > 0 } kept ? Enum.Parse<Durability>(kept, ignoreCase: true) : null;
        var result = workload switch
        {
            "dict" => await Throughput(client, inFlight, seconds, index, DictSetGet),
            "list" => await Throughput(client, inFlight, seconds, index, ListAppend),
            "cluster-dict" => await Throughput(client, inFlight, seconds, index, ClusterDicts),
            "latency" => await Latency(client, options.Int("count", 20000), startAt, durability),
            "dict-set" => await Throughput(client, inFlight, seconds, index, (session, _, _) => DictSet(session, durability)),
            "incr" => await Increments(client, options.Get("counter", "bench-incr"), inFlight, options.Int("count", 10000), startAt),
            "incr-seq" => await SequentialIncrements(client, options.Int("count", 10000)),
            "flood" => await Flood(client, options.Int("count", 1_000_000)),
            "queue-put" => await QueuePut(client, inFlight, options.Int("count", 100000), startAt),
            "queue-get" => await QueueGet(client, inFlight, options.Int("count", 100000), startAt),
            _ => throw new ArgumentException("unknown workload " + workload),
        };
        Console.WriteLine("RESULT " + result);
        return 0;
    }

    private static async Task<Func<int, Task<int>>> DictSetGet(ManagerSession session, int index, Window window)
    {
        var dict = await session.DictAsync<string, int>("bench-dict");
        return async i =>
        {
            var key = "k" + (i & 1023).ToString(CultureInfo.InvariantCulture);
            await dict.SetAsync(key, i);
            await dict.GetAsync(key);
            return 2;
        };
    }

    /// <summary>A set and a get on each of the cluster's objects in turn.</summary>
    private static async Task<Func<int, Task<int>>> ClusterDicts(ManagerSession session, int index, Window window)
    {
        var dicts = new IManagedDict<string, int>[ClusterThroughput.Objects];
        for (var k = 0; k < dicts.Length; k++)
        {
            dicts[k] = await session.DictAsync<string, int>(ClusterThroughput.NameOf(k));
        }
        return async i =>
        {
            var dict = dicts[i % dicts.Length];
            var key = "k" + (i & 1023).ToString(CultureInfo.InvariantCulture);
            await dict.SetAsync(key, i);
            await dict.GetAsync(key);
            return 2;
        };
    }

    private static async Task<Func<int, Task<int>>> DictSet(ManagerSession session, Durability? durability)
    {
        var dict = await session.DictAsync<string, int>("bench-set-" + durability, durability);
        return async i =>
        {
            await dict.SetAsync("k" + (i & 1023).ToString(CultureInfo.InvariantCulture), i);
            return 1;
        };
    }

    private static async Task<Func<int, Task<int>>> ListAppend(ManagerSession session, int index, Window window)
    {
        var list = await session.ListAsync<int>("bench-list-" + index.ToString(CultureInfo.InvariantCulture));
        return async i =>
        {
            await list.AppendAsync(i);
            // Until the window opens the list is cleared now and then: the measured appends start from a short list
            // however long the warm-up took (as Python's clients start from an empty one).
            if (!window.Opened && (i & 65535) == 0)
            {
                await list.ClearAsync();
            }
            return 1;
        };
    }

    /// <summary>
    /// Runs <paramref name="inFlight"/> loops of the operation from the moment the client is connected until the window
    /// closes, and counts the operations finished within the window (<see cref="Window"/>): every client of the run is
    /// already under load, and its code compiled by the JIT's second tier, when the window opens.
    /// </summary>
    private static async Task<string> Throughput(ManagerSession session, int inFlight, double seconds, int index,
        Func<ManagerSession, int, Window, Task<Func<int, Task<int>>>> prepare)
    {
        var window = Window.Start(seconds);
        var op = await prepare(session, index, window);
        return await window.MeasureAsync(inFlight, op);
    }

    /// <summary>"operations start-unix-ms end-unix-ms": the orchestrator divides the sum by the union of the windows.</summary>
    internal static string WindowResult(long done, DateTimeOffset began, Stopwatch stopwatch) =>
        string.Create(CultureInfo.InvariantCulture, $"{done} {began.ToUnixTimeMilliseconds()} {began.AddTicks(stopwatch.Elapsed.Ticks).ToUnixTimeMilliseconds()}");

    private static async Task<string> Latency(ManagerSession session, int count, DateTimeOffset startAt, Durability? durability)
    {
        var dict = await session.DictAsync<string, int>("bench-latency-" + durability, durability);
        for (var i = 0; i < 2000; i++)
        {
            await dict.SetAsync("k", i);
        }
        await WaitUntil(startAt);
        var value = 0;
        return await SampleLatency(count, () => dict.SetAsync("k", value++));
    }

    /// <summary>Times <paramref name="count"/> sequential calls; "p50 p99" in microseconds.</summary>
    internal static async Task<string> SampleLatency(int count, Func<Task> call)
    {
        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        return string.Create(CultureInfo.InvariantCulture, $"{samples[count / 2]:F1} {samples[(int)(count * 0.99)]:F1}");
    }

    /// <summary>
    /// Fires <paramref name="count"/> sets without awaiting any, then awaits one get that is answered after all of them;
    /// "wall-ms peak-working-set-mb". The cap on calls in flight is what keeps the client's memory bounded.
    /// </summary>
    private static async Task<string> Flood(ManagerSession session, int count)
    {
        var dict = await session.DictAsync<string, int>("bench-flood");
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            _ = dict.SetAsync("k" + (i & 1023).ToString(CultureInfo.InvariantCulture), i);
        }
        var last = await dict.GetAsync("k" + ((count - 1) & 1023).ToString(CultureInfo.InvariantCulture));
        if (last != count - 1)
        {
            throw new InvalidOperationException($"The last set was not applied last ({last}).");
        }
        var wall = stopwatch.Elapsed.TotalMilliseconds;
        using var self = Process.GetCurrentProcess();
        return string.Create(CultureInfo.InvariantCulture, $"{wall:F1} {self.PeakWorkingSet64 / 1048576.0:F0}");
    }

    private static async Task<string> SequentialIncrements(ManagerSession session, int count)
    {
        var dict = await session.DictAsync<string, int>("bench-incr-seq-" + Guid.NewGuid().ToString("N"));
        for (var i = 0; i < 1000; i++)
        {
            await dict.IncrementAsync("warm-up", 1);
        }
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await dict.IncrementAsync("hits", 1);
        }
        var wall = stopwatch.Elapsed.TotalMilliseconds;
        if (await dict.GetAsync("hits") != count)
        {
            throw new InvalidOperationException("The counter lost increments.");
        }
        return wall.ToString("F1", CultureInfo.InvariantCulture);
    }

    private static async Task<string> Increments(ManagerSession session, string counter, int inFlight, int count, DateTimeOffset startAt)
    {
        var dict = await session.DictAsync<string, int>(counter);
        await WaitUntil(startAt);
        var began = DateTimeOffset.UtcNow;
        var stopwatch = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                await dict.IncrementAsync("hits", 1);
            }
        }));
        return WindowResult(count, began, stopwatch);
    }

    private static async Task<string> QueuePut(ManagerSession session, int inFlight, int count, DateTimeOffset startAt)
    {
        var queue = await session.QueueAsync<int>("bench-queue");
        await WaitUntil(startAt);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await queue.PutAsync(i);
            }
        }));
        return "0";
    }

    private static async Task<string> QueueGet(ManagerSession session, int inFlight, int count, DateTimeOffset startAt)
    {
        var queue = await session.QueueAsync<int>("bench-queue");
        await WaitUntil(startAt);
        var stopwatch = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                await queue.GetAsync(TimeSpan.FromSeconds(30));
            }
        }));
        return (count / stopwatch.Elapsed.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture);
    }

    internal static async Task WaitUntil(DateTimeOffset startAt)
    {
        var wait = startAt - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    /// <summary>Reads the final counter after the increment workload: the number of lost updates is what is missing.</summary>
    public static async Task<long> ReadIncrementsAsync(string address, byte[] key, string counter)
    {
        await using var client = await Manager.ConnectAsync(address, key);
        var dict = await client.DictAsync<string, int>(counter);
        return await dict.GetOrDefaultAsync("hits", 0);
    }
}
