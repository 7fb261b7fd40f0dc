using Akka.Actor;
using ManagedActors.Codec;
using ManagedActors.Protocol;
using ManagedActors.Runtime;

namespace ManagedActors.Journaling;

/// <summary>
/// Writes and reads journal events in the protocol's own encoding: no type is named in the bytes, and reading is
/// total (any malformed record is one <see cref="System.Runtime.Serialization.SerializationException"/>).
/// </summary>
internal sealed class JournalSerializer : ManifestSerializer
{
    public JournalSerializer(ExtendedActorSystem system) : base(system, "ManagedActors journal event")
    {
        Add<ObjectCreated>("OC", static (w, created) => w.WriteBytes(created.Args), static (ref WireReader r) => new ObjectCreated(r.ReadBytes()));
        Add<JournaledCalls>("JC", static (w, calls) =>
        {
            w.WriteGuid(calls.Client);
            ProtocolSerializer.WriteCallItems(w, calls.Items, 0, calls.Items.Length);
            w.WriteVarInt(calls.At);
        }, static (ref WireReader r) => new JournaledCalls(r.ReadGuid(), ProtocolSerializer.ReadCallItems(ref r), r.AtEnd ? 0 : r.ReadVarInt()));
        Add<JournaledWaits>("JW", static (w, waits) =>
        {
            w.WriteVarInt(waits.At);
            w.WriteVarUInt((ulong)waits.Ends.Length);
            foreach (var end in waits.Ends)
            {
                w.WriteByte((byte)end.Kind);
                w.WriteGuid(end.Client);
                w.WriteVarInt(end.CallId);
            }
        }, static (ref WireReader r) => ReadWaits(ref r));
        Add<ObjectSnapshot>("OS", static (w, snapshot) =>
        {
            w.WriteBytes(snapshot.Args);
            w.WriteBytes(snapshot.Ledger);
        }, static (ref WireReader r) => new ObjectSnapshot(r.ReadBytes(), r.AtEnd ? [] : r.ReadBytes()));
    }

    private static JournaledWaits ReadWaits(ref WireReader r)
    {
        var at = r.ReadVarInt();
        var ends = new WaitEnd[r.ReadCount()];
        for (var i = 0; i < ends.Length; i++)
        {
            var kind = (WaitEndKind)r.ReadByte();
            if (!Enum.IsDefined(kind))
            {
                throw new FormatException($"Unknown wait end {(byte)kind}.");
            }
            ends[i] = new WaitEnd(kind, r.ReadGuid(), r.ReadVarInt());
        }
        return new JournaledWaits(at, ends);
    }
}
