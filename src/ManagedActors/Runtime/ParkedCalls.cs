using ManagedActors.Objects;

namespace ManagedActors.Runtime;

/// <summary>
/// The calls an object parked, by caller and call id (the caller is the session, or for a journaled object the client,
/// which a call sent again after a failover names too). Their deadlines are checked by one periodic sweep per object
/// while any parked call has one, rather than a timer per call: a busy queue parks and wakes getters by the thousand.
/// </summary>
internal sealed class ParkedCalls(IRunnerHost host)
{
    /// <summary>How late a parked call's timeout may fire at most.</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(20);

    private readonly Dictionary<(Guid, long), Call> _parked = [];
    private int _timed;

    public int Count => _parked.Count;

    /// <summary>Parks <paramref name="call"/>; with <paramref name="timed"/> false (a replayed call) its timeout does not run yet.</summary>
    public void Park(Call call, TimeSpan? timeout, bool timed = true)
    {
        _parked[(call.Session, call.CallId)] = call;
        if (timed && timeout is { } t)
        {
            SetDeadline(call, Environment.TickCount64 + (long)Math.Max(0, t.TotalMilliseconds));
        }
    }

    public void Unpark(Call call)
    {
        if (_parked.Remove((call.Session, call.CallId)))
        {
            SetDeadline(call, long.MaxValue);
        }
    }

    /// <summary>Sets a parked call's deadline (long.MaxValue: none), keeping the sweep running while any call has one.</summary>
    public void SetDeadline(Call call, long deadline)
    {
        var had = call.Deadline != long.MaxValue;
        call.Deadline = deadline;
        var has = deadline != long.MaxValue;
        if (has && !had && _timed++ == 0)
        {
            host.StartSweep(SweepInterval);
        }
        else if (had && !has && --_timed == 0)
        {
            host.StopSweep();
        }
    }

    public Call? Find(Guid session, long callId) => _parked.GetValueOrDefault((session, callId));

    public List<Call> OfSession(Guid session) => _parked.Values.Where(c => c.Session == session).ToList();

    public List<Call> All() => [.. _parked.Values];

    /// <summary>The parked calls whose deadline passed; each has its deadline taken off (it may stay parked without one).</summary>
    public List<Call> TakeExpired()
    {
        var now = Environment.TickCount64;
        var expired = _parked.Values.Where(c => c.Deadline <= now).ToList();
        foreach (var call in expired)
        {
            SetDeadline(call, long.MaxValue);
        }
        return expired;
    }

    public void SweepExpired()
    {
        foreach (var call in TakeExpired())
        {
            // A timed-out call may stay parked (a condition waiter taking its lock back) without a deadline.
            call.TimedOut();
        }
    }
}
