using System.Text;
using Akka.Actor;
using Akka.Dispatch.SysMsg;
using Akka.Serialization;
using ManagedActors.Hosting;
using ManagedActors.Protocol;
using ManagedActors.Sessions;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Security;

/// <summary>A peer that never did the handshake, and knows the host's port and the library's wire format.</summary>
public sealed class WireFirewallSpec : IAsyncLifetime
{
    private Manager _manager = null!;
    private RawPeer _attacker = null!;

    public async Task InitializeAsync()
    {
        _manager = await Manager.StartAsync(SessionFixture.Options);
        _attacker = RawPeer.Start(_manager.AuthKey, """
            akka.actor.serializers.raw-json = "ManagedActors.Tests.Security.RawJsonSerializer, ManagedActors.Tests"
            akka.actor.serialization-bindings { "ManagedActors.Tests.Security.JsonGadget, ManagedActors.Tests" = raw-json }
            """);
    }

    public async Task DisposeAsync()
    {
        await _attacker.DisposeAsync();
        await _manager.DisposeAsync();
    }

    /// <summary>
    /// Messages from one peer are read in order on its association, so once a handshake of the same peer is answered,
    /// everything it sent before has been read (and refused, or delivered).
    /// </summary>
    private async Task BarrierAsync()
    {
        await _attacker.HandshakeAsync(_manager.Address, _manager.AuthKey).Within(what: "a handshake after the attack");
    }

    [Fact]
    public async Task The_in_process_session_request_from_the_network_opens_no_session()
    {
        var gatekeeper = _attacker.System.ActorSelection(RawPeer.GatekeeperPath(_manager.Address));
        var attempt = gatekeeper.Ask<object>(new Gatekeeper.OpenLocalSession(_attacker.Inbox), TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<AskTimeoutException>(() => attempt);
        var status = await _manager.StatusAsync();
        Assert.DoesNotContain(status.Clients, c => c.Address.Contains(_attacker.Inbox.Path.Address.Port?.ToString() ?? "-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_json_type_gadget_is_never_built_and_the_host_survives_a_collection()
    {
        var before = GadgetProbe.Created;
        var items = await _manager.ListAsync<string>();
        await items.AppendAsync("kept");
        foreach (var target in new[] { RawPeer.GatekeeperPath(_manager.Address), Wire.PathOf(items), _manager.Address + "/user/nothing-here" })
        {
            _attacker.Resolve(target).Tell(new JsonGadget("""{"$type":"ManagedActors.Tests.Security.GadgetProbe, ManagedActors.Tests","Value":1}"""));
            _attacker.Resolve(target).Tell(new JsonGadget("""{"$type":"System.Threading.TimerHolder, System.Private.CoreLib"}"""));
            _attacker.System.ActorSelection(RawPeer.GatekeeperPath(_manager.Address))
                .Tell(new JsonGadget("""{"$type":"ManagedActors.Tests.Security.GadgetProbe, ManagedActors.Tests","Value":2}"""));
        }
        await BarrierAsync();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.Equal(before, GadgetProbe.Created);
        Assert.Equal(["kept"], await items.SnapshotAsync());
    }

    [Fact]
    public async Task Every_serializer_a_peer_can_name_by_id_builds_no_type_it_names()
    {
        // A journaled object loads Akka.Persistence, and its serializers with it.
        var journaled = await _manager.DictAsync<string, int>(durability: Durability.Memory);
        await journaled.SetAsync("a", 1);
        // Akka resolves an inbound message's serializer from this table by the id its sender wrote.
        var table = (System.Collections.IDictionary)typeof(Akka.Serialization.Serialization)
            .GetField("_serializersById", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(HostSystem().Serialization)!;
        var reachable = table.Keys.Cast<int>().ToDictionary(id => id, id => table[id]!.GetType().Name);
        var safe = new[] { "NullSerializer", "LocalOnlySerializer", "RefusingSerializer", "ByteArraySerializer", "MessageContainerSerializer",
            "HeartbeatOnlySerializer", "PrimitiveSerializers", "DeathWatchOnlySerializer", "ProtocolSerializer",
            // Builds only the journal's own two records, from its own encoding.
            "JournalSerializer" };
        Assert.All(reachable, p => Assert.Contains(p.Value, safe));
        Assert.Equal("LocalOnlySerializer", reachable[1]);
        Assert.Equal("HeartbeatOnlySerializer", reachable[16]);
        Assert.Equal("DeathWatchOnlySerializer", reachable[22]);
    }

    [Fact]
    public async Task Kill_poison_pill_terminate_and_identify_from_outside_stop_and_reveal_nothing()
    {
        var dict = await _manager.DictAsync<string, int>("stock");
        await dict.SetAsync("apples", 3);
        var gatekeeper = _attacker.Resolve(RawPeer.GatekeeperPath(_manager.Address));
        var obj = _attacker.Resolve(Wire.PathOf(dict));
        foreach (var target in new[] { gatekeeper, obj })
        {
            target.Tell(new Identify("who"), _attacker.Inbox);
            target.Tell(Kill.Instance, _attacker.Inbox);
            target.Tell(PoisonPill.Instance, _attacker.Inbox);
            _attacker.System.ActorSelection(RawPeer.GatekeeperPath(_manager.Address)).Tell(Kill.Instance, _attacker.Inbox);
        }
        // System messages travel on the association's acknowledged channel: a refused one ends that peer's association,
        // which its own event stream reports once the host has read (and refused) it.
        await using (var terminator = RawPeer.Start(_manager.AuthKey))
        {
            var dropped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            terminator.System.EventStream.Subscribe(
                terminator.System.ActorOf(Props.Create(() => new Signal(dropped))), typeof(Akka.Remote.DisassociatedEvent));
            foreach (var path in new[] { RawPeer.GatekeeperPath(_manager.Address), Wire.PathOf(dict) })
            {
                ((IInternalActorRef)terminator.Resolve(path)).SendSystemMessage(new Terminate());
            }
            await dropped.Task.Within(what: "the host refusing a remote Terminate");
        }
        await BarrierAsync();
        Assert.Null(await _attacker.NextAsync<ActorIdentity>(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(3, await dict.GetAsync("apples"));
        var again = await _manager.DictAsync<string, int>("stock");
        Assert.Equal(3, await again.GetAsync("apples"));
        Assert.Single((await _manager.StatusAsync()).Objects);
    }

    [Fact]
    public async Task Forged_host_internal_messages_end_no_session_and_shut_nothing_down()
    {
        await using var victim = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey, new ClientOptions { CallTimeout = TimeSpan.FromSeconds(10) });
        var held = await victim.LockAsync("guarded");
        await held.AcquireAsync();
        var victimAddress = ((ExtendedActorSystem)victim.Runtime.System).Provider.DefaultAddress;
        var hostAddress = Akka.Actor.Address.Parse(_manager.Address);
        var gatekeeper = _attacker.System.ActorSelection(RawPeer.GatekeeperPath(_manager.Address));
        gatekeeper.Tell(new Akka.Remote.DisassociatedEvent(hostAddress, victimAddress, inbound: true));
        gatekeeper.Tell(Gatekeeper.AnnounceShutdown.Instance);
        gatekeeper.Tell(new SessionsEnded([victim.Runtime.Connection.Session]));
        gatekeeper.Tell(new Goodbye(victim.Runtime.Connection.Session), _attacker.Inbox);
        _attacker.Resolve(Wire.PathOf(held)).Tell(new SessionsEnded([victim.Runtime.Connection.Session]));
        await BarrierAsync();

        var other = await _manager.LockAsync("guarded");
        Assert.False(await other.TryAcquireAsync());
        await held.ReleaseAsync();
        await other.AcquireAsync(timeout: TimeSpan.FromSeconds(5)).Within();
    }

    [Fact]
    public async Task A_session_token_presented_from_another_connection_reaches_no_object()
    {
        await using var victim = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey);
        var items = await victim.ListAsync<string>();
        await items.AppendAsync("mine");
        var append = Wire.MethodId(typeof(Lists.IManagedList<>), "AppendAsync");
        var answers = await _attacker.CallAsync(Wire.PathOf(items), [new CallRequest(1, append, Wire.Args("stolen"))], session: victim.Runtime.Connection.Session);
        Assert.Equal(typeof(SessionLostException).FullName, Wire.Fault(answers[1]).TypeName);
        Assert.Equal(["mine"], await items.SnapshotAsync());
    }

    [Fact]
    public async Task A_client_takes_no_forged_reply_no_forged_shutdown_and_no_poison()
    {
        await using var victim = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey, new ClientOptions { CallTimeout = TimeSpan.FromSeconds(10) });
        var queue = await victim.QueueAsync<string>();
        var pending = queue.GetAsync(timeout: TimeSpan.FromSeconds(1.5));
        var clientAddress = ((ExtendedActorSystem)victim.Runtime.System).Provider.DefaultAddress;
        var replyPath = victim.Runtime.ReplyActor.Path.ToStringWithAddress(clientAddress);
        var forged = new Results(Enumerable.Range(0, 200).Select(i => new CallResult(i, false, Wire.Codec.Encode("forged"))).ToArray());
        var incarnation = victim.Runtime.Connection.Incarnation;
        // By selection (untrusted mode drops it), and straight to the reply actor's secret path as if it had leaked.
        _attacker.System.ActorSelection(clientAddress + "/user/*").Tell(forged, _attacker.Inbox);
        _attacker.Resolve(replyPath).Tell(forged, _attacker.Inbox);
        _attacker.Resolve(replyPath).Tell(new HostShutdown(incarnation, Guid.NewGuid()), _attacker.Inbox);
        _attacker.Resolve(replyPath).Tell(PoisonPill.Instance);
        _attacker.Resolve(replyPath).Tell(Kill.Instance);
        ((IInternalActorRef)_attacker.Resolve(replyPath)).SendSystemMessage(new Terminate());

        await Assert.ThrowsAsync<QueueEmptyException>(() => pending.Within());
        await queue.PutAsync("real");
        Assert.Equal("real", await queue.GetAsync().Within());
    }

    [Fact]
    public async Task A_client_in_untrusted_mode_still_answers_the_hosts_death_watch_and_stays_connected()
    {
        // The host watches every client; with a short failure detector, a client whose heartbeat answers were
        // dropped would be declared unreachable (and cut off) well within the span this test lets pass.
        await using var host = await Manager.StartAsync(SessionFixture.Options with
        {
            Config = SessionFixture.TestHocon + """

                akka.remote.watch-failure-detector.heartbeat-interval = 200ms
                akka.remote.watch-failure-detector.acceptable-heartbeat-pause = 1s
                akka.remote.watch-failure-detector.expected-response-after = 200ms
                akka.remote.watch-failure-detector.unreachable-nodes-reaper-interval = 200ms
                """,
        });
        await using var client = await Manager.ConnectAsync(host.Address, host.AuthKey);
        var items = await client.ListAsync<int>();
        for (var i = 0; i < 4; i++)
        {
            // Time passing is what is under test here: four times the acceptable pause.
            await Task.Delay(TimeSpan.FromSeconds(1));
            await items.AppendAsync(i).Within(what: $"a call {i + 1} s after connecting");
        }
        Assert.Equal([0, 1, 2, 3], await items.SnapshotAsync());
    }

    private ExtendedActorSystem HostSystem() => (ExtendedActorSystem)_manager.Host.System;
}

/// <summary>Completes a task with the first message it receives.</summary>
internal sealed class Signal(TaskCompletionSource<bool> done) : UntypedActor
{
    protected override void OnReceive(object message) => done.TrySetResult(true);
}

/// <summary>Counts its own constructions: a host that built one from the wire would show it here.</summary>
public sealed class GadgetProbe
{
    private static int _created;

    public GadgetProbe() => Interlocked.Increment(ref _created);

    public static int Created => Volatile.Read(ref _created);

    public int Value { get; set; }
}

/// <summary>A message whose bytes the attacker writes by hand.</summary>
public sealed record JsonGadget(string Json);

/// <summary>The attacker's serializer under Akka's JSON id: it writes whatever text it is given, type names included.</summary>
public sealed class RawJsonSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public override int Identifier => 1;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) => Encoding.UTF8.GetBytes(((JsonGadget)obj).Json);

    public override object FromBinary(byte[] bytes, Type type) => new JsonGadget(Encoding.UTF8.GetString(bytes));
}
