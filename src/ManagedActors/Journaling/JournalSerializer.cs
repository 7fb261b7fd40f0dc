using Akka.Actor;
using ManagedActors.Codec;
using ManagedActors.Protocol;

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
        }, static (ref WireReader r) => new JournaledCalls(r.ReadGuid(), ProtocolSerializer.ReadCallItems(ref r)));
        Add<ObjectSnapshot>("OS", static (w, snapshot) =>
        {
            w.WriteBytes(snapshot.Args);
            w.WriteBytes(snapshot.Ledger);
        }, static (ref WireReader r) => new ObjectSnapshot(r.ReadBytes(), r.AtEnd ? [] : r.ReadBytes()));
    }
}
