using System.Security.Cryptography;
using ManagedActors.Tests.Journaling;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Telemetry;

/// <summary>
/// The <c>ManagedActors</c> meter, read as an exporter reads it: each test builds its host and client on a meter factory
/// of its own (<see cref="MeterCapture"/>), so what it counts is what its own calls did.
/// </summary>
public sealed class MetricsSpec : IDisposable
{
    private readonly MeterCapture _meters = new();
    private readonly TempStore _store = new();

    public void Dispose()
    {
        _meters.Dispose();
        _store.Dispose();
    }

    private Task<Manager> StartAsync(ManagerOptions? options = null) =>
        Manager.StartAsync((options ?? new ManagerOptions()) with { MeterFactory = _meters.Factory });

    private Task<ManagerClient> ConnectAsync(Manager manager, CallTransport transport = CallTransport.Direct) =>
        Manager.ConnectAsync(manager.Address, manager.AuthKey, new ClientOptions { MeterFactory = _meters.Factory, Transport = transport });

    [Theory]
    [InlineData(CallTransport.Direct)]
    [InlineData(CallTransport.AkkaRemote)]
    public async Task Every_call_is_one_client_and_one_server_duration_in_seconds_named_by_kind_and_method(CallTransport transport)
    {
        await using var manager = await StartAsync();
        await using var client = await ConnectAsync(manager, transport);
        var dict = await client.DictAsync<string, int>("secret-basket-7");
        await Task.WhenAll(Enumerable.Range(0, 1001).Select(i => dict.SetAsync("k" + (i % 10), i)));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => dict.GetAsync("missing"));

        var sets = _meters.Of("rpc.client.call.duration").Where(m => Method(m) == "dict/Set").ToList();
        Assert.Equal(1001, sets.Count);
        Assert.All(sets, m =>
        {
            Assert.Equal("managed_actors", m.Tags["rpc.system.name"]);
            Assert.False(m.Tags.ContainsKey("error.type"));
            Assert.InRange(m.Value, 0, 60);
        });
        Assert.Equal("s", _meters.Published["rpc.client.call.duration"].Unit);
        Assert.Equal("s", _meters.Published["rpc.server.call.duration"].Unit);
        var failed = Assert.Single(_meters.Of("rpc.client.call.duration"), m => Method(m) == "dict/Get");
        Assert.Equal(typeof(KeyNotFoundException).FullName, failed.Tags["error.type"]);

        // The host ends a call's measurement once its answer is on its way: the last may come after the client's.
        var served = await Bounded.UntilAsync(
            _ => Task.FromResult(_meters.Of("rpc.server.call.duration")), all => all.Count(m => Method(m) == "dict/Get") == 1, "the host's measurements");
        Assert.Equal(1001, served.Count(m => Method(m) == "dict/Set" && !m.Tags.ContainsKey("error.type")));
        Assert.Contains("KeyNotFoundException", (string)served.Single(m => Method(m) == "dict/Get").Tags["error.type"]!, StringComparison.Ordinal);

        // Bounded cardinality: no attribute names an object or an address.
        Assert.DoesNotContain(_meters.All.SelectMany(m => m.Tags.Values), v => v is string s && (s.Contains("secret-basket", StringComparison.Ordinal) || s.Contains("127.0.0.1", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Objects_by_kind_sessions_and_parked_calls_are_observed_as_they_come_and_go()
    {
        await using var manager = await StartAsync();
        await using var client = await ConnectAsync(manager);
        await client.DictAsync<string, int>("d");
        await client.ListAsync<int>("l");
        var queue = await client.QueueAsync<int>("q");
        var objects = _meters.Observe("managedactors.objects").ToDictionary(m => (string)m.Tags["managedactors.object.kind"]!, m => m.Value);
        Assert.Equal(1, objects["dict"]);
        Assert.Equal(1, objects["list"]);
        Assert.Equal(1, objects["queue"]);
        // The embedded manager's own session and the client's.
        Assert.Equal(2, Assert.Single(_meters.Observe("managedactors.sessions")).Value);

        var waiting = queue.GetAsync(TimeSpan.FromSeconds(20));
        await Bounded.UntilAsync(_ => Task.FromResult(Parked()), parked => parked == 1, "the get to park");
        await queue.PutAsync(5);
        Assert.Equal(5, await waiting.Within());
        await Bounded.UntilAsync(_ => Task.FromResult(Parked()), parked => parked == 0, "the get to leave");
        Assert.Single(_meters.Of("managedactors.call.wait.duration"));

        Assert.True(await client.DeleteAsync("l"));
        await Bounded.UntilAsync(
            _ => Task.FromResult(_meters.Observe("managedactors.objects")), all => all.Single(m => (string)m.Tags["managedactors.object.kind"]! == "list").Value == 0,
            "the deleted list to leave the count");
    }

    [Fact]
    public async Task Lane_frames_journal_writes_and_restarts_are_counted()
    {
        await using var manager = await StartAsync(new ManagerOptions { DurableStore = _store.PathOf("objects.db") }
            .Register<IMeter, Journaling.Meter>("Meter", () => new Journaling.Meter(), fatal: [typeof(PoisonedInputException)]));
        await using var client = await ConnectAsync(manager);
        var meter = await client.CreateAsync<IMeter>("Meter", "meter", durability: Durability.Durable);
        await meter.RecordAsync(1);
        await meter.RecordAsync(2);
        await Assert.ThrowsAsync<ManagedObjectRestartedException>(() => meter.RecordAsync(-1));
        Assert.Equal(3, await meter.TotalAsync());

        foreach (var direction in new[] { "transmit", "receive" })
        {
            var frames = _meters.Of("managedactors.lane.frames").Where(m => (string)m.Tags["network.io.direction"]! == direction).Sum(m => m.Value);
            var bytes = _meters.Of("managedactors.lane.bytes").Where(m => (string)m.Tags["network.io.direction"]! == direction).Sum(m => m.Value);
            // Both ends of the lane are in this process: each frame is counted once written and once read.
            Assert.InRange(frames, 8, 1000);
            Assert.True(bytes > frames * 6, $"{bytes} bytes for {frames} frames {direction}");
        }
        Assert.Equal("By", _meters.Published["managedactors.lane.bytes"].Unit);
        // Each recorded value is a batch of its own, journaled before its answer (the fatal call is not journaled).
        Assert.Equal(2, _meters.Of("managedactors.journal.write.duration").Count);
        var restart = Assert.Single(_meters.Of("managedactors.object.restarts"));
        Assert.Equal("Meter", restart.Tags["managedactors.object.kind"]);
    }

    [Fact]
    public async Task Two_hosts_on_one_meter_give_one_point_per_attribute_set()
    {
        await using var first = await StartAsync();
        await using var second = await StartAsync();
        await first.DictAsync<string, int>("a");
        await second.DictAsync<string, int>("b");
        // Each host's own session, summed; the dicts of both under one kind.
        Assert.Equal(2, Assert.Single(_meters.Observe("managedactors.sessions")).Value);
        Assert.Equal(2, Assert.Single(_meters.Observe("managedactors.objects"), m => (string)m.Tags["managedactors.object.kind"]! == "dict").Value);
    }

    [Fact]
    public async Task Cluster_members_are_observed_by_status()
    {
        var port = HostProcess.FreePort();
        await using var manager = await StartAsync(new ManagerOptions
        {
            Seeds = [$"127.0.0.1:{port}"],
            ClusterPort = port,
            ClusterKey = RandomNumberGenerator.GetBytes(32),
        });
        var members = Assert.Single(_meters.Observe("managedactors.cluster.members"));
        Assert.Equal("up", members.Tags["managedactors.member.status"]);
        Assert.Equal(1, members.Value);
    }

    private double Parked() => _meters.Of("managedactors.calls.parked").Sum(m => m.Value);

    private static string? Method(Measured m) => m.Tags.GetValueOrDefault("rpc.method") as string;
}
