namespace ManagedActors;

/// <summary>What a host holds, as <see cref="ManagerSession.StatusAsync(CancellationToken)"/> reports it (a snapshot, approximately current).</summary>
/// <param name="Address">The host's address.</param>
/// <param name="Incarnation">The id of this run of the host; a restarted host has another.</param>
/// <param name="Objects">Every object, named and anonymous.</param>
/// <param name="Clients">Every connected client process.</param>
/// <param name="Members">The cluster's members as this host sees them, oldest first; empty when the host is not in a cluster.</param>
public sealed record HostStatus(
    string Address, Guid Incarnation, IReadOnlyList<ObjectStatus> Objects, IReadOnlyList<ClientStatus> Clients, IReadOnlyList<ClusterMemberStatus>? Members = null);

/// <summary>One member of a host's cluster.</summary>
/// <param name="Address">The member's cluster address (host:port of its cluster port).</param>
/// <param name="State">Its membership state: Joining, WeaklyUp, Up, Leaving, Exiting, Down or Removed.</param>
/// <param name="Unreachable">Whether the reporting host's failure detector has lost it.</param>
/// <param name="IsSelf">Whether it is the reporting host.</param>
/// <param name="ClientAddress">The address clients connect to on that host (its <see cref="ManagerSession.Address"/>).</param>
public sealed record ClusterMemberStatus(string Address, string State, bool Unreachable, bool IsSelf, string? ClientAddress = null);

/// <summary>One object of a host.</summary>
/// <param name="Id">The object's id (its name for a named object).</param>
/// <param name="Name">The object's name, or null for an anonymous object.</param>
/// <param name="Kind">The object kind ("list", "dict", "queue", ...).</param>
/// <param name="Size">The number of items it holds.</param>
/// <param name="Waiters">Calls parked in it (blocked getters and putters, joiners).</param>
/// <param name="Durability">What its state survives.</param>
/// <param name="Restarts">
/// How many times its actor was started again since it was created: after an exception its registration marks fatal,
/// a failure inside the actor, or a journal write the store refused.
/// </param>
/// <param name="Host">
/// The address of the host it runs on: the reporting host, or in a cluster the host whose member runs a durable
/// (sharded) object now.
/// </param>
/// <param name="Calls">The calls it received since it was created on its host: two reports apart give its calls per second.</param>
/// <param name="Holder">The client that holds it, for a lock held now (its address, "local" for the host's own process); null otherwise.</param>
/// <param name="Preview">
/// The start of its value as a line of text (its first items, keys or attributes), when the status was asked with
/// previews (<see cref="ManagerSession.StatusAsync(bool, System.Threading.CancellationToken)"/>); null otherwise.
/// </param>
public sealed record ObjectStatus(
    string Id, string? Name, string Kind, int Size, int Waiters, Durability Durability = Durability.None, int Restarts = 0, string? Host = null, long Calls = 0,
    string? Holder = null, string? Preview = null);

/// <summary>One client process connected to a host.</summary>
/// <param name="Address">The client's address (its reply endpoint), or "local" for the host's own process.</param>
/// <param name="Sessions">Its open sessions.</param>
/// <param name="IsCaller">
/// Whether it is the process that asked for the status (<see cref="ManagerSession.StatusAsync(CancellationToken)"/> marks its own entry),
/// so that a tool which connects to read the status can leave itself out of the count of clients.
/// </param>
public sealed record ClientStatus(string Address, int Sessions, bool IsCaller = false)
{
    /// <summary>The address under which a host lists the sessions of its own process (an embedded manager's own session).</summary>
    public const string Local = "local";

    /// <summary>Whether these are the sessions of the host's own process rather than of a client process.</summary>
    public bool IsHostProcess => Address == Local;
}

/// <summary>Whether a host serves, as <see cref="Manager.CheckHealthAsync"/> finds it (for health checks and probes).</summary>
/// <param name="AcceptsConnections">Whether the host's gatekeeper, which admits clients, answers.</param>
/// <param name="DurableStoreAnswers">Whether its durable store answered a query; null when it has none.</param>
/// <param name="MemberState">Its cluster member's state (<c>Up</c> when it serves); null outside a cluster.</param>
/// <param name="Problems">What is wrong, one sentence each; empty when the host is healthy.</param>
public sealed record HostHealth(bool AcceptsConnections, bool? DurableStoreAnswers, string? MemberState, IReadOnlyList<string> Problems)
{
    /// <summary>Whether every check passed.</summary>
    public bool IsHealthy => Problems.Count == 0;
}
