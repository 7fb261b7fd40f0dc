namespace ManagedActors.Synchronization;

/// <summary>
/// A lock shared between processes (Python's <c>manager.Lock()</c>). Held by the session that acquired it
/// (async code has no thread identity); released automatically when that client dies. Any client may release
/// a held lock, as in Python.
/// </summary>
public interface IManagedLock : IManagedObject
{
    /// <summary>
    /// Acquires the lock, waiting up to <paramref name="timeout"/> (null: as long as needed). The grant's fencing token:
    /// it rises with every grant of the lock, and a grant made after a lock of this name was lost with its host (and the
    /// name opened again) is above every token the lost lock gave. A resource that keeps the highest token it has seen
    /// and refuses lower ones cannot be written by a holder that lost its hold (<c>docs/fencing.md</c>).
    /// </summary>
    /// <exception cref="TimeoutException">The lock stayed held; the message names the holder and the waiters.</exception>
    [BlockingCall]
    Task<long> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Acquires the lock if it is free now (<c>acquire(blocking=False)</c>).</summary>
    Task<bool> TryAcquireAsync(CancellationToken cancellationToken = default);

    /// <summary>Releases the lock (<c>release</c>).</summary>
    /// <exception cref="InvalidOperationException">The lock is not held.</exception>
    Task ReleaseAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the lock is held (<c>locked</c>).</summary>
    [ReadOnlyCall]
    Task<bool> IsLockedAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// A reentrant lock (Python's <c>manager.RLock()</c>): the flow of async code that holds it may acquire it again,
/// and must release it as many times. A task is what a thread is to Python's RLock: tasks sharing one proxy are
/// separate owners (see <see cref="LockOwner"/>). Released, however deep, when the holding client dies.
/// </summary>
[OwnerBound]
public interface IManagedRLock : IManagedObject
{
    /// <summary>Acquires the lock (again, for its holder), waiting up to <paramref name="timeout"/>; a fencing token.</summary>
    /// <exception cref="TimeoutException">Another client held the lock throughout.</exception>
    [BlockingCall]
    Task<long> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Acquires the lock if it is free or already this flow's.</summary>
    Task<bool> TryAcquireAsync(CancellationToken cancellationToken = default);

    /// <summary>Releases one level of the lock.</summary>
    /// <exception cref="InvalidOperationException">This flow does not hold the lock.</exception>
    Task ReleaseAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the lock is held by anyone.</summary>
    [ReadOnlyCall]
    Task<bool> IsLockedAsync(CancellationToken cancellationToken = default);
}

/// <summary>A counting semaphore (Python's <c>manager.Semaphore(value)</c>); a dead client's permits come back.</summary>
public interface IManagedSemaphore : IManagedObject
{
    /// <summary>
    /// Takes a permit, waiting up to <paramref name="timeout"/> (null: as long as needed); waiters are served in order.
    /// The grant's fencing token, which rises with every grant of the semaphore (see <see cref="IManagedLock.AcquireAsync"/>).
    /// </summary>
    /// <exception cref="TimeoutException">No permit came in time.</exception>
    [BlockingCall]
    Task<long> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Takes a permit if one is free now.</summary>
    Task<bool> TryAcquireAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns <paramref name="count"/> permits (<c>release(n)</c>).</summary>
    /// <exception cref="InvalidOperationException">A bounded semaphore would exceed its initial value.</exception>
    Task ReleaseAsync(int count = 1, CancellationToken cancellationToken = default);

    /// <summary>The permits free now.</summary>
    [ReadOnlyCall]
    Task<int> ValueAsync(CancellationToken cancellationToken = default);
}

/// <summary>A semaphore that refuses to be released above its initial value (Python's <c>manager.BoundedSemaphore(value)</c>).</summary>
public interface IManagedBoundedSemaphore : IManagedSemaphore
{
}

/// <summary>An event flag (Python's <c>manager.Event()</c>).</summary>
public interface IManagedEvent : IManagedObject
{
    /// <summary>Sets the flag and wakes every waiter (<c>set</c>).</summary>
    Task SetAsync(CancellationToken cancellationToken = default);

    /// <summary>Clears the flag (<c>clear</c>).</summary>
    Task ClearAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the flag is set (<c>is_set</c>).</summary>
    [ReadOnlyCall]
    Task<bool> IsSetAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until the flag is set, up to <paramref name="timeout"/>; the flag (false on timeout), as Python's <c>wait</c>.</summary>
    [BlockingCall]
    Task<bool> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);
}

/// <summary>
/// A condition variable over its own reentrant lock (Python's <c>manager.Condition()</c>). Each flow of async code
/// is its own owner of the lock (see <see cref="LockOwner"/>), so tasks sharing one proxy wait and notify as
/// Python's threads do.
/// </summary>
[OwnerBound]
public interface IManagedCondition : IManagedObject
{
    /// <summary>Acquires the condition's lock.</summary>
    /// <exception cref="TimeoutException">Another client held the lock throughout.</exception>
    [BlockingCall]
    Task AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Releases one level of the condition's lock.</summary>
    /// <exception cref="InvalidOperationException">This flow does not hold the lock.</exception>
    Task ReleaseAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Releases the lock, waits for a notification up to <paramref name="timeout"/>, and takes the lock back
    /// before returning; false when the timeout passed (Python's <c>wait</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">This flow does not hold the lock.</exception>
    [BlockingCall]
    Task<bool> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Wakes up to <paramref name="count"/> waiters, oldest first (<c>notify(n)</c>).</summary>
    /// <exception cref="InvalidOperationException">This flow does not hold the lock.</exception>
    Task NotifyAsync(int count = 1, CancellationToken cancellationToken = default);

    /// <summary>Wakes every waiter (<c>notify_all</c>).</summary>
    /// <exception cref="InvalidOperationException">This flow does not hold the lock.</exception>
    Task NotifyAllAsync(CancellationToken cancellationToken = default);
}

/// <summary>A barrier for a fixed number of parties (Python's <c>manager.Barrier(parties)</c>).</summary>
public interface IManagedBarrier : IManagedObject
{
    /// <summary>Waits until every party has arrived; this party's arrival index (0 for the first).</summary>
    /// <exception cref="BrokenBarrierException">The barrier was broken: aborted, reset, timed out, or a party died.</exception>
    [BlockingCall]
    Task<int> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Breaks the barrier: every waiter, and every later wait, gets <see cref="BrokenBarrierException"/> (<c>abort</c>).</summary>
    Task AbortAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns the barrier to its empty, unbroken state; current waiters get <see cref="BrokenBarrierException"/> (<c>reset</c>).</summary>
    Task ResetAsync(CancellationToken cancellationToken = default);

    /// <summary>The number of parties (<c>parties</c>).</summary>
    [ReadOnlyCall]
    Task<int> PartiesAsync(CancellationToken cancellationToken = default);

    /// <summary>The parties waiting now (<c>n_waiting</c>).</summary>
    [ReadOnlyCall]
    Task<int> WaitingCountAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the barrier is broken (<c>broken</c>).</summary>
    [ReadOnlyCall]
    Task<bool> IsBrokenAsync(CancellationToken cancellationToken = default);
}
