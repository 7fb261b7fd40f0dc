using ManagedActors.Lane;

namespace ManagedActors.Client;

/// <summary>
/// Listens for the host's beats on a connection over Akka.Remote (<see cref="Protocol.HostBeat"/>, sent each
/// <c>direct.heartbeat-interval</c>), as a lane listens for its frames: a host that stands still keeps its sockets open,
/// so without this its clients would wait out every call's timeout. Silent for <c>direct.heartbeat-timeout</c>, the
/// connection is given up once, as a lost one. A check that comes late (this process stood still) judges nothing.
/// </summary>
internal sealed class BeatWatch : IDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);
    private readonly Heartbeat _heartbeat;
    private readonly Action<TimeSpan> _silent;
    private readonly Timer _timer;
    private long _lastCheck = Environment.TickCount64;
    private int _over;

    /// <param name="interval">How often the host beats.</param>
    /// <param name="timeout">How long the host may be silent.</param>
    /// <param name="silent">Called once, with the timeout, when the host was silent for it.</param>
    public BeatWatch(TimeSpan interval, TimeSpan timeout, Action<TimeSpan> silent)
    {
        _heartbeat = new Heartbeat(interval, timeout);
        _silent = silent;
        _timer = new Timer(_ => Check(), null, Every, Every);
    }

    /// <summary>Something came from the host: a beat or answers.</summary>
    public void Heard() => _heartbeat.Heard();

    private void Check()
    {
        var now = Environment.TickCount64;
        var late = now - Interlocked.Exchange(ref _lastCheck, now) > 4 * (long)Every.TotalMilliseconds;
        if (_heartbeat.Check(now, late) == Heartbeat.Beat.Silent && Interlocked.Exchange(ref _over, 1) == 0)
        {
            _timer.Dispose();
            _silent(_heartbeat.Timeout);
        }
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _over, 1);
        _timer.Dispose();
    }
}
