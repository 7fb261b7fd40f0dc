using ManagedActors.Objects;

namespace ManagedActors.Synchronization;

/// <summary>The host side of <see cref="IManagedSemaphore"/> and <see cref="IManagedBoundedSemaphore"/>; permits are counted per session so a dead client's come back.</summary>
internal class SemaphoreObject : ManagedObject, ISessionAware
{
    private readonly WaitQueue<object?> _waiters = new();
    private readonly Dictionary<Guid, int> _held = [];
    private readonly int _initial;
    private readonly bool _bounded;
    private int _value;
    private FencingTokens _fence;

    public SemaphoreObject(int value, bool bounded)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        _initial = _value = value;
        _bounded = bounded;
    }

    public override int Size => _value;

    public override int Waiters => _waiters.Count;

    public object? Acquire(TimeSpan? timeout, Call call)
    {
        if (_value > 0)
        {
            return Grant(call.Session);
        }
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw Exhausted();
        }
        return _waiters.Park(call, null, timeout, Exhausted);
    }

    public bool TryAcquire(Call call)
    {
        if (_value == 0)
        {
            return false;
        }
        Grant(call.Session);
        return true;
    }

    public void Release(int count, Call call)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (_bounded && _value + count > _initial)
        {
            throw new InvalidOperationException($"Semaphore released too many times (value {_value} + {count} exceeds its bound {_initial}).");
        }
        if (_held.TryGetValue(call.Session, out var held))
        {
            var returned = Math.Min(held, count);
            if (held == returned)
            {
                _held.Remove(call.Session);
            }
            else
            {
                _held[call.Session] = held - returned;
            }
        }
        Return(count);
    }

    public int Value() => _value;

    public IEnumerable<Guid> Holders => _held.Keys;

    public void SessionEnded(Guid session)
    {
        _waiters.RemoveSession(session);
        if (_held.Remove(session, out var held))
        {
            Return(held);
        }
    }

    /// <summary>Takes a permit for <paramref name="session"/>; the grant's fencing token.</summary>
    private long Grant(Guid session)
    {
        _value--;
        _held[session] = _held.GetValueOrDefault(session) + 1;
        return _fence.Next(Clock);
    }

    private void Return(int count)
    {
        _value += count;
        while (_value > 0 && _waiters.TryDequeue(out var waiter, out _))
        {
            waiter.Reply(Grant(waiter.Session));
        }
    }

    private TimeoutException Exhausted() => new($"No semaphore permit came free in time (0 of {_initial} free, {_waiters.Count} waiter(s) queued).");
}

/// <summary>The host side of <see cref="IManagedSemaphore"/>.</summary>
internal sealed class CountingSemaphoreObject(int value) : SemaphoreObject(value, bounded: false);

/// <summary>The host side of <see cref="IManagedBoundedSemaphore"/>.</summary>
internal sealed class BoundedSemaphoreObject(int value) : SemaphoreObject(value, bounded: true);

/// <summary>The host side of <see cref="IManagedEvent"/>.</summary>
internal sealed class EventObject : ManagedObject
{
    private readonly WaitQueue<object?> _waiters = new();
    private bool _flag;

    public override int Waiters => _waiters.Count;

    public void Set()
    {
        _flag = true;
        foreach (var (waiter, _) in _waiters.DequeueAll())
        {
            waiter.Reply(true);
        }
    }

    public void Clear() => _flag = false;

    public bool IsSet() => _flag;

    public object? Wait(TimeSpan? timeout, Call call)
    {
        if (_flag)
        {
            return true;
        }
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            return false;
        }
        return _waiters.ParkWith(call, null, timeout, () => call.Reply(false));
    }
}

/// <summary>
/// The host side of <see cref="IManagedBarrier"/>. The last party to arrive runs the action (here, on the host) and
/// then releases the others; an action that throws, a timeout, a cancellation, an abort, or a party whose client
/// died breaks it for everyone instead of leaving them hanging.
/// </summary>
internal sealed class BarrierObject : ManagedObject, ISessionAware
{
    private readonly WaitQueue<object?> _arrived = new();
    private readonly int _parties;
    private readonly Action? _action;
    private readonly TimeSpan? _defaultTimeout;
    private bool _broken;

    public BarrierObject(int parties, Action? action = null, TimeSpan? defaultTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        _parties = parties;
        _action = action;
        _defaultTimeout = defaultTimeout;
    }

    public override int Waiters => _arrived.Count;

    public object? Wait(TimeSpan? timeout, Call call)
    {
        if (_broken)
        {
            throw new BrokenBarrierException("The barrier is broken; reset it to use it again.");
        }
        var index = _arrived.Count;
        if (index == _parties - 1)
        {
            RunAction();
            var released = _arrived.DequeueAll();
            for (var i = 0; i < released.Count; i++)
            {
                released[i].Call.Reply(i);
            }
            return index;
        }
        return _arrived.ParkWith(call, null, timeout ?? _defaultTimeout,
            () => Break($"A party's wait timed out with {_arrived.Count + 1} of {_parties} parties arrived.", call),
            // The cancelled party gets its cancellation; the others must not wait for it forever.
            () => Break("A waiting party was cancelled."));
    }

    /// <summary>Python's order: the action runs once per generation, after the last arrival, before anyone is released.</summary>
    private void RunAction()
    {
        try
        {
            _action?.Invoke();
        }
        catch (Exception e)
        {
            var reason = $"The barrier's action failed: {e.GetType().FullName}: {e.Message}";
            Break(reason);
            throw new BrokenBarrierException(reason);
        }
    }

    public void Abort() => Break("The barrier was aborted.");

    public void Reset()
    {
        Break("The barrier was reset while parties waited.");
        _broken = false;
    }

    public int Parties() => _parties;

    public int WaitingCount() => _arrived.Count;

    public bool IsBroken() => _broken;

    /// <summary>A barrier holds nothing: its waiting parties are parked calls, which their runner knows.</summary>
    public IEnumerable<Guid> Holders => [];

    public void SessionEnded(Guid session)
    {
        if (_arrived.RemoveSession(session))
        {
            Break("A waiting party's client died.");
        }
    }

    /// <summary>Breaks the barrier: every waiting party fails, and <paramref name="timedOut"/>, which has left already, too.</summary>
    private void Break(string reason, Call? timedOut = null)
    {
        _broken = true;
        timedOut?.Fail(new BrokenBarrierException(reason));
        foreach (var (call, _) in _arrived.DequeueAll())
        {
            call.Fail(new BrokenBarrierException(reason));
        }
    }
}
