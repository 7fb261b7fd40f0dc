namespace ManagedActors.Lane;

/// <summary>
/// Looks at a client's open lanes every 50 ms: moves the reading of a lane whose caller holds its reader thread to a
/// new thread, and keeps each lane's heartbeat (<see cref="Heartbeat"/>). It has a thread of its own, not a timer on the thread pool: a caller that blocks the reader often blocks
/// pool threads too, and the rescue must not wait for the pool. The thread runs while some lane is open. Each client has
/// its own, so clients in one process never wait on each other's rescue.
/// </summary>
internal sealed class LaneWatchdog
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(50);
    private readonly object _gate = new();
    private readonly HashSet<LaneChannel> _lanes = [];
    private bool _running;

    public void Watch(LaneChannel lane)
    {
        lock (_gate)
        {
            _lanes.Add(lane);
            if (!_running)
            {
                _running = true;
                new Thread(Run) { IsBackground = true, Name = "managed-actors-lane-watchdog" }.Start();
            }
        }
    }

    public void Forget(LaneChannel lane)
    {
        lock (_gate)
        {
            _lanes.Remove(lane);
            Monitor.PulseAll(_gate);
        }
    }

    private void Run()
    {
        var lanes = new List<LaneChannel>();
        var last = Environment.TickCount64;
        while (true)
        {
            lock (_gate)
            {
                // Woken early only to find out whether the last lane went.
                Monitor.Wait(_gate, Every);
                if (_lanes.Count == 0)
                {
                    _running = false;
                    return;
                }
                lanes.Clear();
                lanes.AddRange(_lanes);
            }
            // A tick a second late means this process stood still: the heartbeats judge nothing this time.
            var now = Environment.TickCount64;
            var late = now - last > 1000;
            last = now;
            foreach (var lane in lanes)
            {
                lane.CheckReader();
                lane.CheckHeartbeat(now, late);
            }
        }
    }
}
