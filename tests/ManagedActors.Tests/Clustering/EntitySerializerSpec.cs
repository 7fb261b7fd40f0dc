using System.Runtime.Serialization;
using Akka.Actor;
using ManagedActors.Clustering;
using ManagedActors.Protocol;
using Xunit;

namespace ManagedActors.Tests.Clustering;

/// <summary>The members' serializer round-trips its messages, and any bytes under any manifest fail with one exception type.</summary>
public sealed class EntitySerializerSpec : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("entity-serializer");

    public void Dispose() => _system.Dispose();

    [Fact]
    public void Messages_round_trip_and_garbage_is_a_serialization_exception()
    {
        var serializer = new EntitySerializer((ExtendedActorSystem)_system);
        var trace = new System.Diagnostics.ActivityContext(
            System.Diagnostics.ActivityTraceId.CreateRandom(), System.Diagnostics.ActivitySpanId.CreateRandom(), System.Diagnostics.ActivityTraceFlags.Recorded);
        var calls = new Calls(Guid.NewGuid(), [new CallRequest(7, 3, [1, 2, 3], trace)], Resent: true);
        object[] messages =
        [
            new EntityOpen("managed-object|dict|named|a", "I", [9]),
            new EntityCalls("managed-object|dict|named|a", Guid.NewGuid(), 42, calls, new EntityOpen("managed-object|dict|named|a", "I", [9])),
            new EntityOpened("managed-object|dict|named|a"),
            new ShardStatusReport("host", [new EntityGauge("e", 3, 1, 12_345_678_901)]),
            new EntityCancel("managed-object|lock|named|a", Guid.NewGuid(), 17),
            new PresenceQuery([Guid.NewGuid(), Guid.NewGuid()]),
            new PresenceReply([Guid.NewGuid()]),
        ];
        foreach (var message in messages)
        {
            var copy = serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
            Assert.Equal(serializer.ToBinary(message), serializer.ToBinary(copy));
        }
        var random = new Random(12);
        // A report of a member of the version before (no calls) still reads.
        using (var old = new ManagedActors.Codec.WireWriter())
        {
            old.WriteString("host");
            old.WriteVarUInt(1);
            old.WriteString("e");
            old.WriteVarInt(3);
            old.WriteVarInt(1);
            var report = (ShardStatusReport)serializer.FromBinary(old.ToArray(), "SR");
            Assert.Equal(new EntityGauge("e", 3, 1), Assert.Single(report.Entities));
        }
        foreach (var manifest in new[] { "EO", "EC", "ER", "EA", "SR", "SR2", "EX", "PQ", "PR", "??" })
        {
            for (var i = 0; i < 2000; i++)
            {
                var bytes = new byte[random.Next(0, 64)];
                random.NextBytes(bytes);
                try
                {
                    serializer.FromBinary(bytes, manifest);
                }
                catch (SerializationException)
                {
                    // The one failure a malformed message may cause.
                }
            }
        }
    }
}
