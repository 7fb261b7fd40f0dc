using System.Collections.Concurrent;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Dispatch.SysMsg;
using Akka.Remote.Serialization;
using Akka.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace ManagedActors.Security;

/// <summary>
/// Sits under Akka's JSON id (1), the fallback for every type no serializer is bound to. It writes an opaque
/// ticket and keeps the object in this process; reading a ticket hands the object back once. A local round trip
/// (<c>serialize-messages = on</c>) still works, while bytes from another process name no ticket here and are
/// refused, so nothing unbound can be built from the network.
/// </summary>
internal sealed class LocalOnlySerializer : Serializer
{
    private const int MaxOutstanding = 16_384;
    private static readonly byte[] ProcessSecret = RandomNumberGenerator.GetBytes(16);
    private readonly ConcurrentDictionary<long, object> _issued = new();
    private readonly ConcurrentQueue<long> _order = new();
    private long _next;

    public LocalOnlySerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => WireFirewall.JsonId;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj)
    {
        var ticket = Interlocked.Increment(ref _next);
        _issued[ticket] = obj;
        _order.Enqueue(ticket);
        // Tickets of messages that were sent to another process are never read back here: forget the oldest.
        while (_issued.Count > MaxOutstanding && _order.TryDequeue(out var stale))
        {
            _issued.TryRemove(stale, out _);
        }
        var bytes = new byte[ProcessSecret.Length + sizeof(long)];
        ProcessSecret.CopyTo(bytes, 0);
        BitConverter.TryWriteBytes(bytes.AsSpan(ProcessSecret.Length), ticket);
        return bytes;
    }

    public override object FromBinary(byte[] bytes, Type type)
    {
        if (bytes.Length == ProcessSecret.Length + sizeof(long)
            && CryptographicOperations.FixedTimeEquals(bytes.AsSpan(0, ProcessSecret.Length), ProcessSecret)
            && _issued.TryRemove(BitConverter.ToInt64(bytes, ProcessSecret.Length), out var obj))
        {
            return obj;
        }
        throw new SerializationException(
            "ManagedActors refuses messages outside its protocol: serializer id 1 (JSON) cannot be read from the network.");
    }
}

/// <summary>Sits under a serializer id that nothing in ManagedActors uses (protobuf by type name, remote deployment).</summary>
internal sealed class RefusingSerializer(ExtendedActorSystem system, int identifier) : Serializer(system)
{
    public override int Identifier => identifier;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"ManagedActors does not send {obj.GetType()} with serializer id {identifier}.");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException($"ManagedActors refuses messages with serializer id {identifier} from the network.");
}

/// <summary>
/// Akka's miscellaneous-message serializer (id 16), reading only what remote death watch needs: heartbeats.
/// <c>Kill</c>, <c>PoisonPill</c>, <c>Identify</c>, <c>Status.Failure</c> (an exception rebuilt by type name),
/// routers and configs are refused before a byte of them is read. Writing is unchanged.
/// </summary>
internal sealed class HeartbeatOnlySerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private readonly MiscMessageSerializer _inner = new(system);

    public override int Identifier => WireFirewall.MiscId;

    public override byte[] ToBinary(object obj) => _inner.ToBinary(obj);

    public override string Manifest(object o) => _inner.Manifest(o);

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        "RWHB" or "RWHR" => _inner.FromBinary(bytes, manifest),
        _ => throw new SerializationException($"ManagedActors refuses Akka message '{manifest}' from the network."),
    };
}

/// <summary>
/// Akka's system-message serializer (id 22), reading only death watch: <c>Watch</c>, <c>Unwatch</c> and
/// <c>DeathWatchNotification</c>. <c>Terminate</c>, <c>Suspend</c>, <c>Recreate</c>, <c>Supervise</c> and
/// <c>Failed</c> from another process would stop, freeze or restart an actor, so they are refused.
/// </summary>
internal sealed class DeathWatchOnlySerializer(ExtendedActorSystem system) : Serializer(system)
{
    private readonly SystemMessageSerializer _inner = new(system);

    public override int Identifier => WireFirewall.SystemMessageId;

    public override bool IncludeManifest => true;

    public override byte[] ToBinary(object obj) => _inner.ToBinary(obj);

    public override object FromBinary(byte[] bytes, Type type) =>
        type == typeof(Watch) || type == typeof(Unwatch) || type == typeof(DeathWatchNotification)
            ? _inner.FromBinary(bytes, type)
            : throw new SerializationException($"ManagedActors refuses system message '{type?.Name}' from the network.");
}
