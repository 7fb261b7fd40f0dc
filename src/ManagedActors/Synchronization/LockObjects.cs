using ManagedActors.Objects;

namespace ManagedActors.Synchronization;

/// <summary>
/// A lock with an optional reentrancy count and a FIFO queue of parked acquirers. A grant hands the lock to
/// the oldest waiter; a waiter that timed out or was cancelled has left the queue and never takes it later.
/// </summary>
internal class LockObject : ManagedObject, ISessionAware
{
    private readonly bool _reentrant;
    private readonly WaitQueue<(int Depth, object? Result)> _waiters = new();
    private Guid? _holder;
    private Guid _holderSession;
    private int _depth;
    private FencingTokens _fence;

    public LockObject(bool reentrant) => _reentrant = reentrant;

    public override int Size => _depth;

    public override int Waiters => _waiters.Count;

    protected Guid? Holder => _holder;

    public object? Acquire(TimeSpan? timeout, Call call) => AcquireFor(call, timeout, depth: 1, result: null);

    public bool TryAcquire(Call call)
    {
        if (_holder is null || (_reentrant && _holder == call.Owner))
        {
            Take(call, 1);
            return true;
        }
        return false;
    }

    public void Release(Call call)
    {
        if (_holder is null)
        {
            throw new InvalidOperationException("release of an unlocked lock");
        }
        if (_reentrant && _holder != call.Owner)
        {
            throw new InvalidOperationException("cannot release an RLock held by another client");
        }
        if (--_depth == 0 || !_reentrant)
        {
            ReleaseFully();
        }
    }

    public bool IsLocked() => _holder is not null;

    public virtual IEnumerable<Guid> Holders => _holder is null ? [] : [_holderSession];

    public override Guid? HoldingSession => _holder is null ? null : _holderSession;

    public virtual void SessionEnded(Guid session)
    {
        RemoveWaiters(session);
        if (_holder is not null && _holderSession == session)
        {
            ReleaseFully();
        }
    }

    /// <summary>
    /// Takes the lock for the call now, or parks it. <paramref name="depth"/> is the recursion count it gets
    /// (a condition wait takes its saved depth back); <paramref name="result"/> answers the call on the grant
    /// instead of the fencing token.
    /// </summary>
    protected object? AcquireFor(Call call, TimeSpan? timeout, int depth, object? result)
    {
        if (_holder is null || (_reentrant && _holder == call.Owner))
        {
            var fence = Take(call, depth);
            return result ?? fence;
        }
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw HeldError();
        }
        return ParkAcquirer(call, timeout, depth, result);
    }

    /// <summary>Queues a call for the lock without a timer of its own (a condition waiter taking its lock back).</summary>
    protected void Requeue(Call call, int depth, object? result)
    {
        if (_holder is null)
        {
            Take(call, depth);
            call.Reply(result);
            return;
        }
        _waiters.Enqueue(call, (depth, result));
    }

    protected int ReleaseFully()
    {
        var depth = _depth;
        _holder = null;
        _depth = 0;
        if (_waiters.TryDequeue(out var next, out var waiter))
        {
            var fence = Take(next, waiter.Depth);
            next.Reply(waiter.Result ?? fence);
        }
        return depth;
    }

    protected void RemoveWaiters(Guid session) => _waiters.RemoveSession(session);

    protected TimeoutException HeldError() => new(
        $"The lock stayed held by {(_holder is null ? "nobody" : Host?.DescribeSession(_holderSession) ?? "another client")} ({_waiters.Count} waiter(s) queued).");

    private object ParkAcquirer(Call call, TimeSpan? timeout, int depth, object? result) =>
        _waiters.Park(call, (depth, result), timeout, HeldError);

    private long Take(Call call, int depth)
    {
        _holder = call.Owner;
        _holderSession = call.Session;
        _depth = _reentrant ? _depth + depth : 1;
        return _fence.Next(Clock);
    }

}

/// <summary>The host side of <see cref="IManagedLock"/>.</summary>
internal sealed class PlainLockObject() : LockObject(reentrant: false);

/// <summary>The host side of <see cref="IManagedRLock"/>.</summary>
internal sealed class ReentrantLockObject() : LockObject(reentrant: true);

/// <summary>
/// The host side of <see cref="IManagedCondition"/>: a reentrant lock plus a FIFO of waiters. A waiter gives the
/// lock up entirely, and takes its depth back before it is answered, whether notified (true) or timed out (false).
/// </summary>
internal sealed class ConditionObject() : LockObject(reentrant: true)
{
    private readonly WaitQueue<int> _sleepers = new();

    public override int Waiters => base.Waiters + _sleepers.Count;

    public object? Wait(TimeSpan? timeout, Call call)
    {
        EnsureHeld(call, "wait");
        var depth = ReleaseFully();
        // Python's wait(timeout) takes the lock back before it returns False.
        return _sleepers.ParkWith(call, depth, timeout, () => Requeue(call, depth, false));
    }

    public void Notify(int count, Call call)
    {
        EnsureHeld(call, "notify");
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        for (var i = 0; i < count && _sleepers.TryDequeue(out var sleeper, out var depth); i++)
        {
            Requeue(sleeper, depth, true);
        }
    }

    public void NotifyAll(Call call) => Notify(int.MaxValue, call);

    public override void SessionEnded(Guid session)
    {
        _sleepers.RemoveSession(session);
        base.SessionEnded(session);
    }

    private void EnsureHeld(Call call, string operation)
    {
        if (Holder != call.Owner)
        {
            throw new InvalidOperationException($"cannot {operation} on an un-acquired condition");
        }
    }
}
