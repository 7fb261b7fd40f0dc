namespace ManagedActors;

/// <summary>
/// What an object's state survives, chosen when the object is created (every data factory of
/// <see cref="ManagerSession"/> takes one; the host's default, <see cref="ManagerOptions.DefaultDurability"/>, otherwise).
/// </summary>
/// <remarks>
/// With <see cref="Memory"/> or <see cref="Durable"/> the object journals each batch of calls that may change it (the
/// call is the event) before it answers any call of that batch, so an acknowledged write is in the journal, and its
/// state is rebuilt by replaying those calls: the methods of a registered type must therefore be deterministic (no
/// clock, no random numbers, no I/O). Read-only calls are not journaled. Locks, semaphores, events, conditions,
/// barriers and queues journal their waiting callers and holds as well, by client: a client that lost its host comes
/// back to them, and a client no host has seen for <c>managed-actors.hold-lease</c> loses them.
/// </remarks>
public enum Durability
{
    /// <summary>State lives in the object's actor only; a restart of the object or the host starts it empty.</summary>
    None = 0,

    /// <summary>Journaled in the host's memory: the object survives restarts of its actor, not of the host process.</summary>
    Memory = 1,

    /// <summary>
    /// Journaled in the host's database (SQLite or PostgreSQL, <c>managed-actors.durable</c>): a named object comes
    /// back with every acknowledged write after the host is restarted on the same database.
    /// </summary>
    Durable = 2,
}
