using Akka.Actor;
using Akka.Serialization;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>The first event of a journaled object: the arguments it was created with, encoded by the host's codec.</summary>
internal sealed record ObjectCreated(byte[] Args) : IJournalEvent;

/// <summary>
/// A journaled object's state as the creation arguments that rebuild it, encoded by the host's codec, and what it
/// remembers of the calls it ran (<see cref="RequestLedger"/>; empty in a snapshot written before it had one).
/// </summary>
internal sealed record ObjectSnapshot(byte[] Args, byte[] Ledger) : IJournalEvent;

/// <summary>
/// The calls of one batch that may have changed a journaled object, in the order they ran (command sourcing), and the
/// client that made them: a call's client and id name it across reconnections.
/// </summary>
internal sealed record JournaledCalls(Guid Client, CallRequest[] Items) : IJournalEvent;

/// <summary>What a journaled object writes to its journal.</summary>
internal interface IJournalEvent;

/// <summary>
/// Writes and reads journal events in the protocol's own encoding: no type is named in the bytes, and reading is
/// total (any malformed record is one <see cref="System.Runtime.Serialization.SerializationException"/>).
/// </summary>
internal sealed class JournalSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 1712;
    private const string CreatedManifest = "OC", CallsManifest = "JC", SnapshotManifest = "OS";

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        ObjectCreated => CreatedManifest,
        JournaledCalls => CallsManifest,
        ObjectSnapshot => SnapshotManifest,
        _ => throw new ArgumentException($"{o.GetType()} is not a ManagedActors journal event.", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var w = new WireWriter();
        switch (obj)
        {
            case ObjectCreated created:
                w.WriteBytes(created.Args);
                break;
            case ObjectSnapshot snapshot:
                w.WriteBytes(snapshot.Args);
                w.WriteBytes(snapshot.Ledger);
                break;
            case JournaledCalls calls:
                w.WriteGuid(calls.Client);
                ProtocolSerializer.WriteCallItems(w, calls.Items, 0, calls.Items.Length);
                break;
            default:
                throw new ArgumentException($"{obj.GetType()} is not a ManagedActors journal event.", nameof(obj));
        }
        return w.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            var r = new WireReader(bytes);
            object result = manifest switch
            {
                CreatedManifest => new ObjectCreated(r.ReadBytes()),
                CallsManifest => new JournaledCalls(r.ReadGuid(), ProtocolSerializer.ReadCallItems(ref r)),
                SnapshotManifest => new ObjectSnapshot(r.ReadBytes(), r.AtEnd ? [] : r.ReadBytes()),
                _ => throw new System.Runtime.Serialization.SerializationException($"Unknown ManagedActors journal manifest '{manifest}'."),
            };
            return r.AtEnd ? result : throw new FormatException("Trailing bytes after the event.");
        }
        catch (Exception e) when (e is not System.Runtime.Serialization.SerializationException and not OutOfMemoryException)
        {
            throw new System.Runtime.Serialization.SerializationException($"Malformed ManagedActors journal event '{manifest}': {e.Message}", e);
        }
    }
}
