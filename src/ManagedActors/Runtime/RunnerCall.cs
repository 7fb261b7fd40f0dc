using Akka.Actor;
using ManagedActors.Objects;
using ManagedActors.Telemetry;

namespace ManagedActors.Runtime;

/// <summary>
/// A call served by an <see cref="ObjectRunner"/>: it parks in the runner and answers the client's reply target. A
/// journaled object's call is named by its client (<paramref name="caller"/>), and a parked one takes the reply target
/// of the same call sent again after its connection was lost.
/// </summary>
internal sealed class RunnerCall(ObjectRunner runner, IActorRef replyTo, Guid session, Guid caller, long callId, Guid? owner, bool remembered)
    : Call(caller, callId, owner)
{
    public IActorRef ReplyTo { get; private set; } = replyTo;

    /// <summary>The session whose connection the answer goes to now.</summary>
    public Guid ReplySession { get; private set; } = session;

    /// <summary>Whether the answer is remembered for a call sent again (a journaled object's changing call).</summary>
    public bool Remembered { get; } = remembered;

    /// <summary>The call measured or traced, ended with its answer; null while nobody listens.</summary>
    public ServerCall? Observation { get; set; }

    /// <summary>When the call parked (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), while it is counted as parked; 0 otherwise.</summary>
    private long _parkedAt;

    /// <summary>The same call came again on another connection (a client that failed over): the answer goes there.</summary>
    public void Rebind(IActorRef replyTo, Guid session)
    {
        ReplyTo = replyTo;
        ReplySession = session;
        Orphaned = false;
    }

    protected override void OnParked(TimeSpan? timeout)
    {
        runner.Parked.Park(this, timeout, timed: !runner.Replaying);
        if (_parkedAt == 0 && runner.Instruments is { ParkedCalls.Enabled: true } instruments)
        {
            _parkedAt = System.Diagnostics.Stopwatch.GetTimestamp();
            instruments.ParkedCalls.Add(1);
        }
    }

    protected override void OnCompleted()
    {
        runner.Parked.Unpark(this);
        if (_parkedAt != 0)
        {
            runner.Instruments.ParkedCalls.Add(-1);
            runner.Instruments.WaitDuration.Record(Instruments.Seconds(_parkedAt));
            _parkedAt = 0;
        }
    }

    protected override void Send(object? value) => runner.SendReply(this, value);

    protected override void SendFault(Exception error) => runner.SendFault(this, error);
}
