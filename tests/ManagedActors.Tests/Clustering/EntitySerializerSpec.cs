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
        var calls = new Calls(Guid.NewGuid(), [new CallRequest(7, 3, [1, 2, 3])], Resent: true);
        object[] messages =
        [
            new EntityOpen("managed-object|dict|named|a", "I", [9]),
            new EntityCalls("managed-object|dict|named|a", Guid.NewGuid(), 42, calls, new EntityOpen("managed-object|dict|named|a", "I", [9])),
            new EntityOpened("managed-object|dict|named|a"),
            new ShardStatusReport("host", [new EntityGauge("e", 3, 1)]),
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
        foreach (var manifest in new[] { "EO", "EC", "ER", "EA", "SR", "EX", "PQ", "PR", "??" })
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
