using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.TestKit.Xunit2;
using ManagedActors.Codec;
using ManagedActors.Configuration;
using ManagedActors.Journaling;
using ManagedActors.Protocol;
using ManagedActors.Runtime;
using ManagedActors.Sessions;
using ManagedActors.Tests.Security;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Journaling;

/// <summary>
/// The supervision of an object's actor at the actor level: a fatal exception restarts it in place (the same actor,
/// its mailbox kept), a stopped journaled object is started again by its supervisor after a backoff that doubles when
/// it stops again soon, every start is counted, and the state that comes back depends on the durability.
/// </summary>
public sealed class ObjectSupervisionSpec : TestKit
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(400);
    private readonly HostContext _host;
    private readonly Guid _session;
    private readonly ObjectKind _meter;
    private readonly int _record = Wire.MethodId(typeof(IMeter), nameof(IMeter.RecordAsync));
    private readonly int _total = Wire.MethodId(typeof(IMeter), nameof(IMeter.TotalAsync));
    private long _nextCall;

    public ObjectSupervisionSpec(ITestOutputHelper output)
        : base(ConfigurationFactory.ParseString($"managed-actors.restart {{ min-backoff = {MinBackoff.TotalMilliseconds}ms, max-backoff = 10s }}")
            .WithFallback(ManagedActorsConfig.Default), output: output)
    {
        var settings = ManagerSettings.Create(Sys.Settings.Config);
        _host = new HostContext(new ValueCodec(new TypeAllowList([]), null, false), new SessionTable(), settings, Guid.NewGuid(), "local");
        _session = _host.Sessions.Open(TestActor);
        _meter = ObjectKind.For(new ManagerOptions().Register<IMeter, Meter>("Meter", () => new Meter(), fatal: [typeof(PoisonedInputException)]).Registrations[0]);
        // As the host's directory does: calls that reached an object's actor as it stopped go back to its supervisor.
        Sys.EventStream.Subscribe(Sys.ActorOf(Props.Create(() => new ReturnToSupervisor())), typeof(DeadLetter));
    }

    [Theory]
    [InlineData(Durability.None, 0)]
    [InlineData(Durability.Memory, 5)]
    public void A_fatal_exception_restarts_the_same_actor_in_place_and_counts_the_restart(Durability durability, int totalAfter)
    {
        var gauge = new ObjectGauge(durability);
        var (address, actor) = Spawn(durability, gauge);
        Watch(actor);
        Assert.Equal(0, gauge.Restarts);
        Assert.Equal(2, Answer(address, _record, 2));
        Assert.Equal(5, Answer(address, _record, 3));

        // The poisoned call and the call queued behind it in the same batch: both told the object restarted.
        address.Tell(new Calls(_session, [Call(_record, -1), Call(_record, 4)]), TestActor);
        var faults = ExpectMsg<Results>().Items;
        Assert.All(faults, f => Assert.Equal(typeof(ManagedObjectRestartedException).FullName, FaultInfo.Decode(f.Payload).TypeName));
        Assert.Equal(totalAfter, Answer(address, _total));
        Assert.Equal(1, gauge.Restarts);
        // In place: the actor was not stopped, and it serves on.
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(totalAfter + 1, Answer(address, _record, 1));
    }

    [Fact]
    public void A_stopped_journaled_object_starts_again_after_a_backoff_that_doubles_when_it_stops_again_soon()
    {
        var gauge = new ObjectGauge(Durability.Memory);
        var (supervisor, first) = Spawn(Durability.Memory, gauge);
        Assert.Equal(7, Answer(supervisor, _record, 7));

        var firstWait = StopAndTimeTheNextAnswer(supervisor, first, expectedTotal: 7);
        var second = ChildOf(supervisor);
        Assert.NotEqual(first, second);
        var secondWait = StopAndTimeTheNextAnswer(supervisor, second, expectedTotal: 7);

        // The held calls were answered only after the backoff, and the second quick stop waited twice as long.
        Assert.True(firstWait >= MinBackoff - TimeSpan.FromMilliseconds(50), $"first restart after {firstWait.TotalMilliseconds} ms");
        Assert.True(secondWait >= 2 * MinBackoff - TimeSpan.FromMilliseconds(50), $"second restart after {secondWait.TotalMilliseconds} ms");
        Assert.Equal(2, gauge.Restarts);
    }

    /// <summary>Kills the object's actor, waits for it to stop, and times how long a call sent then waits for its answer.</summary>
    private TimeSpan StopAndTimeTheNextAnswer(IActorRef supervisor, IActorRef child, int expectedTotal)
    {
        Watch(child);
        child.Tell(Kill.Instance);
        ExpectTerminated(child);
        var clock = Stopwatch.StartNew();
        Assert.Equal(expectedTotal, Answer(supervisor, _total));
        return clock.Elapsed;
    }

    /// <summary>The journaled object's actor under its supervisor, once the supervisor has started it.</summary>
    private IActorRef ChildOf(IActorRef supervisor)
    {
        IActorRef? child = null;
        AwaitAssert(() => child = Sys.ActorSelection(supervisor.Path / ObjectSupervisor.ChildName).ResolveOne(TimeSpan.FromSeconds(1)).Result,
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        return child!;
    }

    /// <summary>The object's address (its supervisor for a journaled one) and its own actor.</summary>
    private (IActorRef Address, IActorRef Actor) Spawn(Durability durability, ObjectGauge gauge)
    {
        if (durability == Durability.None)
        {
            var actor = Sys.ActorOf(ObjectActor.PropsFor(_meter.Create([], _host), _meter.Binding, _host, gauge: gauge, fatal: _meter.Fatal,
                fresh: () => _meter.Create([], _host)));
            return (actor, actor);
        }
        var journal = new JournalSpec(durability, "supervision|" + Guid.NewGuid().ToString("N"), []);
        var durabilitySettings = DurabilitySettings.Create(Sys.Settings.Config);
        var supervisor = Sys.ActorOf(ObjectSupervisor.PropsFor(
            JournaledObjectActor.PropsFor(_meter, _host, durabilitySettings, journal, null, null, gauge), durabilitySettings, _host.Settings.MaxMessageSize));
        return (supervisor, ChildOf(supervisor));
    }

    private int Answer(IActorRef address, int method, params object?[] args)
    {
        var call = Call(method, args);
        address.Tell(new Calls(_session, [call]), TestActor);
        var result = Assert.Single(ExpectMsg<Results>(TimeSpan.FromSeconds(15)).Items);
        Assert.Equal(call.CallId, result.CallId);
        Assert.False(result.IsFault, result.IsFault ? FaultInfo.Decode(result.Payload).Message : "");
        return (int)_host.Codec.Decode(result.Payload)!;
    }

    private CallRequest Call(int method, params object?[] args) => new(++_nextCall, method, Wire.Args(args));

    private sealed class ReturnToSupervisor : ReceiveActor
    {
        public ReturnToSupervisor() => Receive<DeadLetter>(dead =>
        {
            if (dead.Message is Calls calls && dead.Recipient.Path.Name == ObjectSupervisor.ChildName)
            {
                Context.ActorSelection(dead.Recipient.Path.Parent).Tell(calls, dead.Sender);
            }
        });
    }
}
