namespace ManagedActors.Objects;

/// <summary>
/// The state and code of one managed object on the host. One call runs at a time (whatever actor holds the object
/// orders them), so it needs no locks. A method that cannot answer yet (a get from an empty queue) takes a
/// <see cref="Call"/>, parks it and returns <see cref="Call.Deferred"/>; it answers later through the call.
/// </summary>
internal abstract class ManagedObject
{
    /// <summary>What the object may learn of the host it runs in; set before its first call.</summary>
    public IObjectHost? Host { get; set; }

    /// <summary>The instance whose methods serve the calls: the object itself, or a registered type's instance.</summary>
    public virtual object Instance => this;

    /// <summary>
    /// The time of the call being run, in Unix milliseconds: the wall clock when it runs, the time it first ran when a
    /// journaled object replays it, so what an object derives from it (a fencing token) comes out the same.
    /// </summary>
    public long Clock { get; set; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>The number of items the object holds, for status reports.</summary>
    public virtual int Size => 0;

    /// <summary>Callers parked in the object, for status reports.</summary>
    public virtual int Waiters => 0;

    /// <summary>The session that holds the object (a lock's holder), for status reports; null when none holds it.</summary>
    public virtual Guid? HoldingSession => null;

    /// <summary>
    /// Everything the object stores, for finding the managed objects it refers to (it keeps them alive); null for an
    /// object that stores no values.
    /// </summary>
    public virtual object? StoredState => null;

    /// <summary>
    /// The creation arguments that would build this object as it is now (a journaled object's snapshot: recovery
    /// starts from them instead of replaying every call); null for a kind that cannot say.
    /// </summary>
    public virtual object?[]? SnapshotArguments() => null;
}

/// <summary>An object that holds something on behalf of a session (a lock, permits, a barrier slot).</summary>
internal interface ISessionAware
{
    /// <summary>The session's client died or disconnected: release what it held.</summary>
    void SessionEnded(Guid session);

    /// <summary>
    /// The sessions the object holds something for now (a lock, permits); a journaled object, whose calls name clients
    /// instead, keeps these alive only while their clients are (<c>Runtime.HolderLeases</c>).
    /// </summary>
    IEnumerable<Guid> Holders { get; }
}

/// <summary>The little an object may ask of its host: enough to name a client in an error message.</summary>
internal interface IObjectHost
{
    /// <summary>The client behind a session, as an error message names it ("client at host:port").</summary>
    string DescribeSession(Guid session);
}
