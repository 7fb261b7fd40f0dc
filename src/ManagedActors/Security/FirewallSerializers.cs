using System.Collections.Concurrent;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Dispatch.SysMsg;
using Akka.Remote.Serialization;
using Akka.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace ManagedActors.Security;

/// <summary>
/// Messages that may travel inside this process only, in serialized form. Writing one leaves it here under an
/// opaque ticket (a secret of this process and a number); reading the ticket hands it back once. A local round
/// trip (<c>serialize-messages = on</c>) works; bytes from another process name no ticket here and are refused.
/// </summary>
internal sealed class LocalTickets
{
    private const int MaxOutstanding = 16_384;
    private static readonly byte[] ProcessSecret = RandomNumberGenerator.GetBytes(16);
    private readonly ConcurrentDictionary<long, object> _issued = new();
    private readonly ConcurrentQueue<long> _order = new();
    private long _next;

    public byte[] Issue(object obj)
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

    public object Redeem(byte[] bytes, string what)
    {
        if (bytes.Length == ProcessSecret.Length + sizeof(long)
            && CryptographicOperations.FixedTimeEquals(bytes.AsSpan(0, ProcessSecret.Length), ProcessSecret)
            && _issued.TryRemove(BitConverter.ToInt64(bytes, ProcessSecret.Length), out var obj))
        {
            return obj;
        }
        throw new SerializationException($"ManagedActors refuses {what} from the network: only the library's protocol crosses it.");
    }
}

/// <summary>
/// Sits under Akka's JSON id (1), the fallback for every type no serializer is bound to: such messages never leave
/// the process, so nothing unbound (Newtonsoft with type names is a known gadget channel) can be built from the network.
/// </summary>
internal sealed class LocalOnlySerializer(ExtendedActorSystem system) : Serializer(system)
{
    private readonly LocalTickets _tickets = new();

    public override int Identifier => WireFirewall.JsonId;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) => _tickets.Issue(obj);

    public override object FromBinary(byte[] bytes, Type type) => _tickets.Redeem(bytes, "serializer id 1 (JSON)");
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
/// routers and configs are refused before a byte of them is read; inside the process they still round-trip.
/// </summary>
internal sealed class HeartbeatOnlySerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private readonly MiscMessageSerializer _inner = new(system);
    private readonly LocalTickets _tickets = new();

    public override int Identifier => WireFirewall.MiscId;

    public override byte[] ToBinary(object obj) => IsHeartbeat(_inner.Manifest(obj)) ? _inner.ToBinary(obj) : _tickets.Issue(obj);

    public override string Manifest(object o) => _inner.Manifest(o);

    public override object FromBinary(byte[] bytes, string manifest) =>
        IsHeartbeat(manifest) ? _inner.FromBinary(bytes, manifest) : _tickets.Redeem(bytes, $"Akka message '{manifest}'");

    private static bool IsHeartbeat(string manifest) => manifest is "RWHB" or "RWHR";
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
