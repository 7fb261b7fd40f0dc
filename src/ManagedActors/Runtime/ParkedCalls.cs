using ManagedActors.Objects;

namespace ManagedActors.Runtime;

/// <summary>
/// The calls an object parked. Their deadlines are checked by one periodic sweep per object while any parked call
/// has one, rather than a timer per call: a busy queue parks and wakes getters by the thousand.
/// </summary>
internal sealed class ParkedCalls(IRunnerHost host)
{
    /// <summary>How late a parked call's timeout may fire at most.</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(20);

    private readonly Dictionary<(Guid, long), Call> _parked = [];
    private int _timed;

    public int Count => _parked.Count;

    public void Park(Call call, TimeSpan? timeout)
    {
        _parked[(call.Session, call.CallId)] = call;
        if (timeout is { } t)
        {
            call.Deadline = Environment.TickCount64 + (long)Math.Max(0, t.TotalMilliseconds);
            if (_timed++ == 0)
            {
                host.StartSweep(SweepInterval);
            }
        }
    }

    public void Unpark(Call call)
    {
        if (_parked.Remove((call.Session, call.CallId)) && call.Deadline != long.MaxValue && --_timed == 0)
        {
            host.StopSweep();
        }
    }

    public Call? Find(Guid session, long callId) => _parked.GetValueOrDefault((session, callId));

    public List<Call> OfSession(Guid session) => _parked.Values.Where(c => c.Session == session).ToList();

    public List<Call> All() => [.. _parked.Values];

    public void SweepExpired()
    {
        var now = Environment.TickCount64;
        foreach (var call in _parked.Values.Where(c => c.Deadline <= now).ToList())
        {
            // A timed-out call may stay parked (a condition waiter taking its lock back) without a deadline.
            call.Deadline = long.MaxValue;
            _timed--;
            call.TimedOut();
        }
        if (_timed <= 0)
        {
            _timed = 0;
            host.StopSweep();
        }
    }
}
