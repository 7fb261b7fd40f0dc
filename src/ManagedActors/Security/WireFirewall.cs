using System.Collections.Immutable;
using Akka.Serialization;

namespace ManagedActors.Security;

/// <summary>
/// Decides which serializers a remote peer can reach. Akka.Remote deserializes every inbound message with the
/// serializer its sender names by id, before untrusted mode looks at it, so a serializer that builds arbitrary
/// types (Newtonsoft with type names under id 1, protobuf types found by name under id 2, remote deployment under
/// id 3, exceptions rebuilt by reflection under ids 16 and 22) is a way to run code in the receiving process.
/// Every ActorSystem the library starts replaces those serializers through a <see cref="SerializationSetup"/>,
/// which wins over any HOCON binding:
/// <list type="bullet">
/// <item>id 1 (the JSON fallback, bound to <see cref="object"/>) reads back only what this process wrote itself;</item>
/// <item>ids 2 and 3 refuse everything, and so do 7 and 8, Akka.Persistence's (a persistent FSM snapshot is built for
/// a type argument the sender names); the journals the library uses write each event with its own serializer;</item>
/// <item>id 16 reads only remote-watcher heartbeats;</item>
/// <item>id 22 reads only watch, unwatch and death-watch notifications.</item>
/// </list>
/// What remains reachable is the protocol serializer (id 1711), Akka's selection envelope (6), byte arrays (4),
/// primitives (17) and null (0): none of them builds a type named by the sender.
/// </summary>
internal static class WireFirewall
{
    public const int JsonId = 1, ProtobufId = 2, DaemonCreateId = 3, PersistenceMessageId = 7, PersistenceSnapshotId = 8, MiscId = 16, SystemMessageId = 22;

    /// <summary>The serializers that replace Akka's reachable-by-id defaults, under the same names and ids.</summary>
    public static SerializationSetup Setup { get; } = SerializationSetup.Create(system => ImmutableHashSet.Create(
        SerializerDetails.Create("json", new LocalOnlySerializer(system), ImmutableHashSet<Type>.Empty),
        SerializerDetails.Create("proto", new RefusingSerializer(system, ProtobufId), ImmutableHashSet<Type>.Empty),
        SerializerDetails.Create("daemon-create", new RefusingSerializer(system, DaemonCreateId), ImmutableHashSet<Type>.Empty),
        SerializerDetails.Create("akka-persistence-message", new RefusingSerializer(system, PersistenceMessageId), ImmutableHashSet<Type>.Empty),
        SerializerDetails.Create("akka-persistence-snapshot", new RefusingSerializer(system, PersistenceSnapshotId), ImmutableHashSet<Type>.Empty),
        SerializerDetails.Create("akka-misc", new HeartbeatOnlySerializer(system), ImmutableHashSet<Type>.Empty),
        SerializerDetails.Create("akka-system-msg", new DeathWatchOnlySerializer(system), ImmutableHashSet<Type>.Empty)));

    /// <summary>
    /// The replacements of a cluster member's system, whose peers proved the cluster key (hosts, never clients): the
    /// JSON fallback, protobuf by type name, remote deployment and Akka.Persistence's stay closed; Akka's misc and
    /// system-message serializers stay Akka's, because the cluster's singletons are found with <c>Identify</c> and
    /// sharding's regions watch each other.
    /// </summary>
    public static SerializationSetup MemberSetup { get; } = SerializationSetup.Create(system => ImmutableHashSet.Create(
        SerializerDetails.Create("json", new LocalOnlySerializer(system), ImmutableHashSet<Type>.Empty),
        SerializerDetails.Create("proto", new RefusingSerializer(system, ProtobufId), ImmutableHashSet<Type>.Empty),
        SerializerDetails.Create("daemon-create", new RefusingSerializer(system, DaemonCreateId), ImmutableHashSet<Type>.Empty),
        SerializerDetails.Create("akka-persistence-message", new RefusingSerializer(system, PersistenceMessageId), ImmutableHashSet<Type>.Empty),
        SerializerDetails.Create("akka-persistence-snapshot", new RefusingSerializer(system, PersistenceSnapshotId), ImmutableHashSet<Type>.Empty)));
}
