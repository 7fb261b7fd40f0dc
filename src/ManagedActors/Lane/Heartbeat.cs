namespace ManagedActors.Lane;

/// <summary>
/// The client's side of a lane's heartbeat. Every frame the host sends counts as a beat, and the host sends one on every
/// connection each <c>direct.heartbeat-interval</c> from a thread of its own (so a reader busy with a long call still
/// beats); a lane that heard nothing for the interval also pings, which the host's reader answers when it reads it. A lane
/// that heard nothing for <c>direct.heartbeat-timeout</c> is given up, as a lost connection: its calls go again through the next host (a
/// host stopped or frozen keeps its sockets open, so without this its clients would wait out every call's timeout). A
/// check that comes late (this process itself stood still: a pause, a starved machine) judges nothing and starts the
/// window again, so a client's own stall never reads as its host's.
/// </summary>
internal sealed class Heartbeat(TimeSpan interval, TimeSpan timeout)
{
    private readonly long _interval = (long)interval.TotalMilliseconds;
    private readonly long _timeout = (long)timeout.TotalMilliseconds;
    private long _lastHeard = Environment.TickCount64;
    private long _lastPing;

    /// <summary>What a check asks of the lane.</summary>
    public enum Beat
    {
        /// <summary>Nothing to do.</summary>
        None,

        /// <summary>Send a ping.</summary>
        Ping,

        /// <summary>The host has been silent past the timeout: give the lane up.</summary>
        Silent,
    }

    /// <summary>The timeout, for the message of a lane given up.</summary>
    public TimeSpan Timeout => timeout;

    /// <summary>A frame came from the host (the reader's thread).</summary>
    public void Heard() => Volatile.Write(ref _lastHeard, Environment.TickCount64);

    /// <summary>Checks the lane at <paramref name="now"/> (the watchdog's thread); <paramref name="late"/> when the check itself came late.</summary>
    public Beat Check(long now, bool late)
    {
        if (late)
        {
            Volatile.Write(ref _lastHeard, now);
            return Beat.None;
        }
        var silent = now - Volatile.Read(ref _lastHeard);
        if (silent >= _timeout)
        {
            return Beat.Silent;
        }
        if (silent >= _interval && now - _lastPing >= _interval)
        {
            _lastPing = now;
            return Beat.Ping;
        }
        return Beat.None;
    }
}
