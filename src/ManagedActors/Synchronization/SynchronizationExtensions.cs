namespace ManagedActors.Synchronization;

/// <summary><c>await using</c> scopes for managed locks, and the client-side predicate wait of a condition.</summary>
public static class SynchronizationExtensions
{
    /// <summary>Acquires the lock; disposing the result releases it: <c>await using (await lk.LockAsync()) { ... }</c>.</summary>
    public static async Task<LockHolding> LockAsync(this IManagedLock managedLock, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(managedLock);
        var fence = await managedLock.AcquireAsync(timeout, cancellationToken).ConfigureAwait(false);
        return new LockHolding(fence, managedLock.ReleaseAsync);
    }

    /// <summary>
    /// Acquires the reentrant lock for the calling flow; disposing the result releases one level as that flow, even
    /// from another task. The flow's <see cref="LockOwner"/> is fixed before the acquire, so code inside the scope
    /// may acquire again.
    /// </summary>
    public static Task<LockHolding> LockAsync(this IManagedRLock managedLock, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(managedLock);
        // Not async: an owner fixed inside an async method would stay there, and the caller would be another owner.
        var owner = LockOwner.Current;
        return HoldAsync(managedLock.AcquireAsync(timeout, cancellationToken), owner, managedLock.ReleaseAsync);
    }

    /// <summary>Acquires the condition's lock for the calling flow; disposing the result releases it as that flow.</summary>
    public static Task<LockHolding> LockAsync(this IManagedCondition condition, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var owner = LockOwner.Current;
        return HoldAsync(Fenceless(condition.AcquireAsync(timeout, cancellationToken)), owner, condition.ReleaseAsync);
    }

    /// <summary>
    /// Waits until <paramref name="predicate"/> holds (Python's <c>wait_for</c>): the predicate runs here, with the
    /// condition's lock held, after each notification. Call it holding the lock. The predicate's last value.
    /// </summary>
    public static async Task<bool> WaitForAsync(this IManagedCondition condition, Func<Task<bool>> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(predicate);
        var deadline = timeout is { } t ? DateTime.UtcNow + t : (DateTime?)null;
        while (!await predicate().ConfigureAwait(false))
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero || !await condition.WaitAsync(remaining, cancellationToken).ConfigureAwait(false))
            {
                return await predicate().ConfigureAwait(false);
            }
        }
        return true;
    }

    private static async Task<LockHolding> HoldAsync(Task<long> acquired, Guid owner, Func<CancellationToken, Task> release) =>
        new(await acquired.ConfigureAwait(false), cancellationToken =>
        {
            // The release reads its owner while it is being sent, inside this scope.
            using (LockOwner.Use(owner))
            {
                return release(cancellationToken);
            }
        });

    private static async Task<long> Fenceless(Task acquired)
    {
        await acquired.ConfigureAwait(false);
        return 0;
    }
}

/// <summary>A held lock; disposing it releases the lock once.</summary>
public sealed class LockHolding : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task> _release;
    private int _released;

    internal LockHolding(long fencingToken, Func<CancellationToken, Task> release)
    {
        FencingToken = fencingToken;
        _release = release;
    }

    /// <summary>The grant's fencing token: it rises with every grant, so a guarded resource can refuse a stale holder.</summary>
    public long FencingToken { get; }

    /// <summary>Releases the lock (once).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            await _release(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
