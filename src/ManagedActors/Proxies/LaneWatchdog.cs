namespace ManagedActors.Proxies;

/// <summary>
/// Looks at every open lane of the process every 50 ms and moves the reading of a
/// lane whose caller holds its reader thread to a new thread. It has a thread of its own, not a timer on the thread
/// pool: a caller that blocks the reader often blocks pool threads too, and the rescue must not wait for the pool.
/// The thread runs while some lane is open.
/// </summary>
internal static class LaneWatchdog
{
    private static readonly object Gate = new();
    private static readonly HashSet<LaneChannel> Lanes = [];
    private static Thread? _thread;

    public static void Watch(LaneChannel lane)
    {
        lock (Gate)
        {
            Lanes.Add(lane);
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "managed-actors-lane-watchdog" };
                _thread.Start();
            }
        }
    }

    public static void Forget(LaneChannel lane)
    {
        lock (Gate)
        {
            Lanes.Remove(lane);
        }
    }

    private static void Run()
    {
        var lanes = new List<LaneChannel>();
        while (true)
        {
            Thread.Sleep(50);
            lock (Gate)
            {
                if (Lanes.Count == 0)
                {
                    _thread = null;
                    return;
                }
                lanes.Clear();
                lanes.AddRange(Lanes);
            }
            foreach (var lane in lanes)
            {
                lane.CheckReader();
            }
        }
    }
}
