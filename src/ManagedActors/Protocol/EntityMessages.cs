using Akka.Actor;
using Akka.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace ManagedActors.Protocol;

/// <summary>A message between the hosts of a cluster about a sharded object; bound only in the members' systems.</summary>
internal interface IEntityMessage
{
    /// <summary>The object's entity id, which decides its shard.</summary>
    string EntityId { get; }
}

/// <summary>
/// Creates a sharded object unless it exists (get-or-create, as a named object is): its creation arguments, encoded,
/// and the interface it was opened through (its declared type arguments).
/// </summary>
internal sealed record EntityOpen(string EntityId, string InterfaceType, byte[] CreateArgs) : IEntityMessage;

/// <summary>
/// A client's calls to a sharded object, relayed by the host the client is connected to, which checked the session:
/// the member that runs the object answers the relay with <see cref="RelayedResults"/> under <paramref name="ReplyKey"/>.
/// Until the object confirmed its creation, the calls carry it (<paramref name="Open"/>), so an object whose creation
/// went astray is created by its first call.
/// </summary>
internal sealed record EntityCalls(string EntityId, Guid Client, long ReplyKey, Calls Calls, EntityOpen? Open = null) : IEntityMessage;

/// <summary>A sharded object exists (it was created, or already was): the host that asked stops asking.</summary>
internal sealed record EntityOpened(string EntityId);

/// <summary>Asks a member for the sharded objects it runs now, for a status report.</summary>
internal sealed record ShardStatusQuery
{
    public static readonly ShardStatusQuery Instance = new();
}

/// <summary>One sharded object a member runs: its entity id, size and waiters.</summary>
internal sealed record EntityGauge(string EntityId, int Size, int Waiters);

/// <summary>The sharded objects a member runs, and the client address of its host.</summary>
internal sealed record ShardStatusReport(string Host, EntityGauge[] Entities);

/// <summary>Answers of a sharded object on their way back through the host that relayed the calls.</summary>
internal sealed record RelayedResults(long ReplyKey, Results Results);

/// <summary>The wire format of the members' messages about sharded objects (id 1713, in the members' systems only).</summary>
internal sealed class EntitySerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 1713;

    private const string OpenManifest = "EO", CallsManifest = "EC", ResultsManifest = "ER", OpenedManifest = "EA", QueryManifest = "SQ", ReportManifest = "SR";

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        EntityOpen => OpenManifest,
        EntityCalls => CallsManifest,
        RelayedResults => ResultsManifest,
        EntityOpened => OpenedManifest,
        ShardStatusQuery => QueryManifest,
        ShardStatusReport => ReportManifest,
        _ => throw new ArgumentException($"{o.GetType()} is not a sharded object's message.", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var w = new WireWriter();
        switch (obj)
        {
            case EntityOpen open:
                w.WriteString(open.EntityId);
                w.WriteString(open.InterfaceType);
                w.WriteBytes(open.CreateArgs);
                break;
            case EntityCalls calls:
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
                break;
            case EntityOpened opened:
                w.WriteString(opened.EntityId);
                break;
            case ShardStatusQuery:
                break;
            case ShardStatusReport report:
                w.WriteString(report.Host);
                w.WriteVarUInt((ulong)report.Entities.Length);
                foreach (var entity in report.Entities)
                {
                    w.WriteString(entity.EntityId);
                    w.WriteVarInt(entity.Size);
                    w.WriteVarInt(entity.Waiters);
                }
                break;
            case RelayedResults results:
                w.WriteVarInt(results.ReplyKey);
                ProtocolSerializer.WriteResultItems(w, results.Results.Items);
                break;
            default:
                throw new ArgumentException($"{obj.GetType()} is not a sharded object's message.", nameof(obj));
        }
        return w.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var r = new WireReader(bytes);
        try
        {
            return manifest switch
            {
                OpenManifest => new EntityOpen(r.ReadRequiredString(), r.ReadRequiredString(), r.ReadBytes()),
                CallsManifest => ReadCalls(ref r),
                ResultsManifest => new RelayedResults(r.ReadVarInt(), ProtocolSerializer.ReadResultItems(ref r)),
                OpenedManifest => new EntityOpened(r.ReadRequiredString()),
                QueryManifest => ShardStatusQuery.Instance,
                ReportManifest => ReadReport(ref r),
                _ => throw new SerializationException($"Unknown sharded object manifest '{manifest}'."),
            };
        }
        catch (Exception e) when (e is not SerializationException and not OutOfMemoryException)
        {
            throw new SerializationException($"Malformed sharded object message '{manifest}': {e.Message}", e);
        }
    }

    private static ShardStatusReport ReadReport(ref WireReader r)
    {
        var host = r.ReadRequiredString();
        var entities = new EntityGauge[r.ReadCount()];
        for (var i = 0; i < entities.Length; i++)
        {
            entities[i] = new EntityGauge(r.ReadRequiredString(), checked((int)r.ReadVarInt()), checked((int)r.ReadVarInt()));
        }
        return new ShardStatusReport(host, entities);
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
}
