using Akka.Actor;
using ManagedActors.Codec;
using ManagedActors.Protocol;

namespace ManagedActors.Clustering;

/// <summary>The wire format of the members' messages about sharded objects, bound only in the members' systems (reference.conf, roles.member).</summary>
internal sealed class EntitySerializer : ManifestSerializer
{
    public EntitySerializer(ExtendedActorSystem system) : base(system, "sharded object's message")
    {
        Add<EntityOpen>("EO", static (w, open) =>
        {
            w.WriteString(open.EntityId);
            w.WriteString(open.InterfaceType);
            w.WriteBytes(open.CreateArgs);
        }, static (ref WireReader r) => new EntityOpen(r.ReadRequiredString(), r.ReadRequiredString(), r.ReadBytes()));
        Add<EntityCalls>("EC", WriteCalls, static (ref WireReader r) => ReadCalls(ref r));
        Add<RelayedResults>("ER", static (w, results) =>
        {
            w.WriteVarInt(results.ReplyKey);
            ProtocolSerializer.WriteResultItems(w, results.Results.Items);
        }, static (ref WireReader r) => new RelayedResults(r.ReadVarInt(), ProtocolSerializer.ReadResultItems(ref r)));
        Add<EntityOpened>("EA", static (w, opened) => w.WriteString(opened.EntityId), static (ref WireReader r) => new EntityOpened(r.ReadRequiredString()));
        Add<EntityCancel>("EX", static (w, cancel) =>
        {
            w.WriteString(cancel.EntityId);
            w.WriteGuid(cancel.Client);
            w.WriteVarInt(cancel.CallId);
        }, static (ref WireReader r) => new EntityCancel(r.ReadRequiredString(), r.ReadGuid(), r.ReadVarInt()));
        Add<PresenceQuery>("PQ", static (w, query) => WriteGuids(w, query.Clients), static (ref WireReader r) => new PresenceQuery(ReadGuids(ref r)));
        Add<PresenceReply>("PR", static (w, reply) => WriteGuids(w, reply.Connected), static (ref WireReader r) => new PresenceReply(ReadGuids(ref r)));
        Add<ShardStatusQuery>("SQ", static (_, _) => { }, static (ref WireReader _) => ShardStatusQuery.Instance);
        // "SR2" counts each entity's calls; "SR", from a member of the version before, does not.
        Add<ShardStatusReport>("SR2", WriteReport, static (ref WireReader r) => ReadReport(ref r, withCalls: true));
        Add<ShardStatusReport>("SR", WriteReport, static (ref WireReader r) => ReadReport(ref r, withCalls: false), static _ => false);
    }

    private static void WriteCalls(WireWriter w, EntityCalls calls)
    {
        w.WriteString(calls.EntityId);
        w.WriteGuid(calls.Client);
        w.WriteVarInt(calls.ReplyKey);
        w.WriteGuid(calls.Calls.Session);
        w.WriteByte(calls.Calls.Resent ? (byte)1 : (byte)0);
        w.WriteByte(calls.Open is null ? (byte)0 : (byte)1);
        if (calls.Open is { } carried)
        {
            w.WriteString(carried.InterfaceType);
            w.WriteBytes(carried.CreateArgs);
        }
        ProtocolSerializer.WriteCallItems(w, calls.Calls.Items, 0, calls.Calls.Items.Length);
    }

    private static EntityCalls ReadCalls(ref WireReader r)
    {
        var entityId = r.ReadRequiredString();
        var client = r.ReadGuid();
        var replyKey = r.ReadVarInt();
        var session = r.ReadGuid();
        var resent = r.ReadByte() != 0;
        var open = r.ReadByte() != 0 ? new EntityOpen(entityId, r.ReadRequiredString(), r.ReadBytes()) : null;
        return new EntityCalls(entityId, client, replyKey, new Calls(session, ProtocolSerializer.ReadCallItems(ref r), resent), open);
    }

    private static void WriteGuids(WireWriter w, Guid[] ids)
    {
        w.WriteVarUInt((ulong)ids.Length);
        foreach (var id in ids)
        {
            w.WriteGuid(id);
        }
    }

    private static Guid[] ReadGuids(ref WireReader r)
    {
        var ids = new Guid[r.ReadCount()];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = r.ReadGuid();
        }
        return ids;
    }

    private static void WriteReport(WireWriter w, ShardStatusReport report)
    {
        w.WriteString(report.Host);
        w.WriteVarUInt((ulong)report.Entities.Length);
        foreach (var entity in report.Entities)
        {
            w.WriteString(entity.EntityId);
            w.WriteVarInt(entity.Size);
            w.WriteVarInt(entity.Waiters);
            w.WriteVarInt(entity.Calls);
        }
    }

    private static ShardStatusReport ReadReport(ref WireReader r, bool withCalls)
    {
        var host = r.ReadRequiredString();
        var entities = new EntityGauge[r.ReadCount()];
        for (var i = 0; i < entities.Length; i++)
        {
            entities[i] = new EntityGauge(r.ReadRequiredString(), checked((int)r.ReadVarInt()), checked((int)r.ReadVarInt()), withCalls ? r.ReadVarInt() : 0);
        }
        return new ShardStatusReport(host, entities);
    }
}
