using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using ManagedActors.Codec;
using ManagedActors.Configuration;
using ManagedActors.Lists;
using ManagedActors.Objects;
using ManagedActors.Protocol;
using ManagedActors.Queues;
using ManagedActors.Runtime;
using ManagedActors.Sessions;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Hosting;

/// <summary>The object actor at the message level: what a client that does not use the library's proxies would see.</summary>
public sealed class ObjectActorSpec : TestKit
{
    private readonly HostContext _host;
    private readonly Guid _session;

    public ObjectActorSpec(ITestOutputHelper output)
        : base(ConfigurationFactory.ParseString("akka.actor.serialize-messages = on").WithFallback(ManagedActorsConfig.Default), output: output)
    {
        var settings = ManagerSettings.Create(Sys.Settings.Config);
        _host = new HostContext(new ValueCodec(new TypeAllowList([]), null, false), new SessionTable(), settings, Guid.NewGuid(), "local");
        _session = _host.Sessions.Open(TestActor);
    }

    private IActorRef Spawn(ManagedObject target, Type interfaceType) =>
        Sys.ActorOf(ObjectActor.PropsFor(target, ObjectBinding.For(interfaceType, target.GetType()), _host));

    private static int Id(Type interfaceType, string name) =>
        InterfaceContract.For(interfaceType).RemoteMethods.Single(m => m.Method.Name == name).Id;

    private byte[] Args(params object?[] values)
    {
        using var writer = new WireWriter();
        writer.WriteVarUInt((ulong)values.Length);
        foreach (var value in values)
        {
            _host.Codec.Write(writer, value);
        }
        return writer.ToArray();
    }

    private static FaultInfo Fault(CallResult result)
    {
        Assert.True(result.IsFault);
        return FaultInfo.Decode(result.Payload);
    }

    [Fact]
    public void Calls_with_an_unknown_session_reach_no_object()
    {
        var list = new ListObject(null);
        var actor = Spawn(list, typeof(IManagedList<>));
        actor.Tell(new Calls(Guid.NewGuid(), [new CallRequest(1, Id(typeof(IManagedList<>), "AppendAsync"), Args("x"))]));
        var fault = Fault(ExpectMsg<Results>().Items.Single());
        Assert.Equal(typeof(SessionLostException).FullName, fault.TypeName);
        Assert.Equal(0, list.Size);
    }

    [Fact]
    public void A_batch_is_answered_in_one_message_in_order()
    {
        var actor = Spawn(new ListObject(null), typeof(IManagedList<>));
        var append = Id(typeof(IManagedList<>), "AppendAsync");
        var count = Id(typeof(IManagedList<>), "CountAsync");
        actor.Tell(new Calls(_session, [new CallRequest(1, append, Args("a")), new CallRequest(2, append, Args("b")), new CallRequest(3, count, Args())]));
        var results = ExpectMsg<Results>().Items;
        Assert.Equal([1L, 2L, 3L], results.Select(r => r.CallId));
        Assert.Equal(2, _host.Codec.Decode(results[2].Payload));
    }

    [Fact]
    public void Unknown_methods_wrong_argument_types_and_malformed_arguments_are_faults_and_the_object_keeps_serving()
    {
        var actor = Spawn(new ListObject(null), typeof(IManagedList<>));
        var get = Id(typeof(IManagedList<>), "GetAsync");
        actor.Tell(new Calls(_session,
        [
            new CallRequest(1, 999, Args()),
            new CallRequest(2, get, Args("not an index")),
            new CallRequest(3, get, [1, 200]),
            new CallRequest(4, get, Args(1, 2)),
            new CallRequest(5, Id(typeof(IManagedList<>), "AppendAsync"), Args("ok")),
            new CallRequest(6, get, Args(0)),
        ]));
        var results = ExpectMsg<Results>().Items;
        Assert.Equal(typeof(UnknownMethodException).FullName, Fault(results[0]).TypeName);
        Assert.Equal(typeof(ArgumentException).FullName, Fault(results[1]).TypeName);
        Assert.Contains("must be Int32", Fault(results[1]).Message);
        // Bytes that are no value: the codec's one typed exception, never a FormatException or worse.
        Assert.Equal(typeof(ManagedSerializationException).FullName, Fault(results[2]).TypeName);
        Assert.Equal(typeof(ArgumentException).FullName, Fault(results[3]).TypeName);
        Assert.False(results[4].IsFault);
        Assert.Equal("ok", _host.Codec.Decode(results[5].Payload));
    }

    [Fact]
    public void A_parked_getter_does_not_block_the_actor_and_is_answered_by_a_put()
    {
        var actor = Spawn(new QueueObject(0), typeof(IManagedQueue<>));
        var get = Id(typeof(IManagedQueue<>), "GetAsync");
        var put = Id(typeof(IManagedQueue<>), "PutAsync");
        var count = Id(typeof(IManagedQueue<>), "CountAsync");
        actor.Tell(new Calls(_session, [new CallRequest(1, get, Args((TimeSpan?)TimeSpan.FromSeconds(30)))]));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        actor.Tell(new Calls(_session, [new CallRequest(2, count, Args())]));
        Assert.Equal(2, ExpectMsg<Results>().Items.Single().CallId);
        actor.Tell(new Calls(_session, [new CallRequest(3, put, Args("item", null))]));
        // The put's answer and the woken getter's come back as two messages (the parked one after the batch).
        var answers = new[] { ExpectMsg<Results>(), ExpectMsg<Results>() }.SelectMany(r => r.Items).ToDictionary(i => i.CallId);
        Assert.Equal("item", _host.Codec.Decode(answers[1].Payload));
        Assert.False(answers[3].IsFault);
    }

    [Fact]
    public void A_cancelled_getter_is_answered_with_a_cancellation_and_takes_no_later_item()
    {
        var queue = new QueueObject(0);
        var actor = Spawn(queue, typeof(IManagedQueue<>));
        actor.Tell(new Calls(_session, [new CallRequest(1, Id(typeof(IManagedQueue<>), "GetAsync"), Args((TimeSpan?)null))]));
        actor.Tell(new CancelCall(_session, 1));
        Assert.Equal(typeof(OperationCanceledException).FullName, Fault(ExpectMsg<Results>().Items.Single()).TypeName);
        actor.Tell(new Calls(_session, [new CallRequest(2, Id(typeof(IManagedQueue<>), "PutAsync"), Args("later", null))]));
        Assert.Equal(2, ExpectMsg<Results>().Items.Single().CallId);
        Assert.Equal(1, queue.Size);
    }

    [Fact]
    public void A_parked_getter_times_out_on_the_host_with_queue_empty()
    {
        var actor = Spawn(new QueueObject(0), typeof(IManagedQueue<>));
        actor.Tell(new Calls(_session, [new CallRequest(1, Id(typeof(IManagedQueue<>), "GetAsync"), Args((TimeSpan?)TimeSpan.FromMilliseconds(100)))]));
        var fault = Fault(ExpectMsg<Results>(TimeSpan.FromSeconds(5)).Items.Single());
        Assert.Equal(typeof(QueueEmptyException).FullName, fault.TypeName);
    }
}
