using ManagedActors.Protocol;

namespace ManagedActors.Clustering;

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

/// <summary>A client withdrew a call parked in a sharded object (a cancelled lock acquire, say).</summary>
internal sealed record EntityCancel(string EntityId, Guid Client, long CallId) : IEntityMessage;

/// <summary>
/// Asks a member which of <paramref name="Clients"/> have a session open on its host: a sharded object keeps what it
/// holds for a client while some host has it connected.
/// </summary>
internal sealed record PresenceQuery(Guid[] Clients);

/// <summary>The clients of a <see cref="PresenceQuery"/> that have a session open on the answering member's host.</summary>
internal sealed record PresenceReply(Guid[] Connected);

/// <summary>A sharded object exists (it was created, or already was): the host that asked stops asking.</summary>
internal sealed record EntityOpened(string EntityId);

/// <summary>Asks a member for the sharded objects it runs now, for a status report.</summary>
internal sealed record ShardStatusQuery
{
    public static readonly ShardStatusQuery Instance = new();
}

/// <summary>One sharded object a member runs: its entity id, size, waiters and the calls it received.</summary>
internal sealed record EntityGauge(string EntityId, int Size, int Waiters, long Calls = 0);

/// <summary>The sharded objects a member runs, and the client address of its host.</summary>
internal sealed record ShardStatusReport(string Host, EntityGauge[] Entities);

/// <summary>Answers of a sharded object on their way back through the host that relayed the calls.</summary>
internal sealed record RelayedResults(long ReplyKey, Results Results);
