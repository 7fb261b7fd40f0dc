using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using ManagedActors.Configuration;
using ManagedActors.Protocol;
using Xunit;
using Xunit.Abstractions;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace ManagedActors.Tests.Protocol;

public sealed class ProtocolSerializerSpec(ITestOutputHelper output)
    : TestKit(ConfigurationFactory.ParseString("akka.actor.serialize-messages = on").WithFallback(ManagedActorsConfig.Default), output: output)
{
    private T RoundTrip<T>(T message) where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<ProtocolSerializer>(serializer);
        var bytes = serializer.ToBinary(message);
        var manifest = ((ProtocolSerializer)serializer).Manifest(message);
        return (T)((ProtocolSerializer)serializer).FromBinary(bytes, manifest);
    }

    [Fact]
    public void Calls_and_results_round_trip()
    {
        var session = Guid.NewGuid();
        var calls = RoundTrip(new Calls(session, [new CallRequest(1, 3, [1, 2, 3]), new CallRequest(long.MaxValue, 0, [])]));
        Assert.Equal(session, calls.Session);
        Assert.Equal(2, calls.Items.Length);
        Assert.Equal(long.MaxValue, calls.Items[1].CallId);
        Assert.Equal([1, 2, 3], calls.Items[0].Args);
        var results = RoundTrip(new Results([new CallResult(-5, true, [9]), new CallResult(7, false, [])]));
        Assert.True(results.Items[0].IsFault);
        Assert.Equal(-5, results.Items[0].CallId);
        Assert.Equal([9], results.Items[0].Payload);
    }

    [Fact]
    public void A_call_s_trace_context_round_trips_and_a_call_outside_a_trace_carries_none()
    {
        var trace = new System.Diagnostics.ActivityContext(
            System.Diagnostics.ActivityTraceId.CreateRandom(), System.Diagnostics.ActivitySpanId.CreateRandom(), System.Diagnostics.ActivityTraceFlags.Recorded, "vendor=1");
        var calls = RoundTrip(new Calls(Guid.NewGuid(), [new CallRequest(1, -3, [1], trace), new CallRequest(2, 5, [2])]));
        Assert.Equal((trace.TraceId, trace.SpanId, trace.TraceFlags, "vendor=1"), (calls.Items[0].Trace.TraceId, calls.Items[0].Trace.SpanId, calls.Items[0].Trace.TraceFlags, calls.Items[0].Trace.TraceState));
        Assert.True(calls.Items[0].Trace.IsRemote);
        Assert.Equal(-3, calls.Items[0].MethodId);
        Assert.Equal(default, calls.Items[1].Trace);
        // Outside a trace a call is written as it always was: nothing is added.
        using var plain = new ManagedActors.Codec.WireWriter();
        ProtocolSerializer.WriteCallItems(plain, [new CallRequest(2, 5, [2])], 0, 1);
        Assert.Equal([1, 4, 5, 1, 2], plain.ToArray());
    }

    [Fact]
    public void Handshake_messages_round_trip_with_actor_refs()
    {
        var hello = RoundTrip(new Hello(TestActor));
        Assert.Equal(TestActor, hello.ReplyTo);
        var nonce = new byte[32];
        nonce[3] = 7;
        var client = Guid.NewGuid();
        var proof = RoundTrip(new Proof(TestActor, nonce, [1, 2], client));
        Assert.Equal(nonce, proof.Nonce);
        Assert.Equal(client, proof.Client);
        Assert.Equal(TestActor, proof.ReplyTo);
        var incarnation = Guid.NewGuid();
        var nonceSession = Guid.NewGuid();
        Assert.Equal(incarnation, RoundTrip(new Challenge(nonce, incarnation)).Incarnation);
        Assert.Equal("no", RoundTrip(new AccessDenied("no")).Reason);
        var shutdown = RoundTrip(new HostShutdown(incarnation, nonceSession));
        Assert.Equal((incarnation, nonceSession), (shutdown.Incarnation, shutdown.Session));
        Assert.Equal(incarnation, RoundTrip(new Welcome(Guid.Empty, incarnation, 0, false, [])).Incarnation);
        var welcome = RoundTrip(new Welcome(Guid.Empty, incarnation, 4100, LaneTls: true, Contacts: ["akka.mauth.tcp://managed-actors@127.0.0.1:4000", "h2:4000"]));
        Assert.Equal((4100, true), (welcome.LanePort, welcome.LaneTls));
        Assert.Equal(["akka.mauth.tcp://managed-actors@127.0.0.1:4000", "h2:4000"], welcome.Contacts!);
        Assert.Empty(RoundTrip(new Welcome(Guid.Empty, incarnation, 4100, false, [])).Contacts);
        Assert.Equal(7, RoundTrip(new CancelCall(Guid.Empty, 7)).CallId);
        Assert.True(RoundTrip(new Calls(incarnation, [new CallRequest(3, 9, [0])], Resent: true)).Resent);
        Assert.False(RoundTrip(new Calls(incarnation, [new CallRequest(3, 9, [0])])).Resent);
        Assert.Equal(incarnation, RoundTrip(new Goodbye(incarnation)).Session);
        Assert.Equal(nonceSession, RoundTrip(new HostBeat(nonceSession)).Session);
    }

    [Fact]
    public void Unknown_manifest_and_malformed_bytes_are_serialization_errors()
    {
        var serializer = (ProtocolSerializer)Sys.Serialization.FindSerializerForType(typeof(Calls));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([], "nope"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([1, 2, 3], "C"));
        var truncated = serializer.ToBinary(new Calls(Guid.NewGuid(), [new CallRequest(1, 1, new byte[100])]))[..40];
        Assert.Throws<SerializationException>(() => serializer.FromBinary(truncated, "C"));
    }

    [Fact]
    public void A_message_sent_locally_is_serialized_when_serialize_messages_is_on()
    {
        TestActor.Tell(new Results([new CallResult(1, false, [42])]));
        var received = ExpectMsg<Results>();
        Assert.Equal([42], received.Items[0].Payload);
    }
}
