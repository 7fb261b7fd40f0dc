using Akka.Actor;
using ManagedActors.Objects;

namespace ManagedActors.Hosting;

/// <summary>What a runner needs of the actor that holds it: a deadline timer and a place for adopted children.</summary>
internal interface IRunnerHost
{
    /// <summary>Starts the periodic deadline sweep (it delivers <see cref="SweepDeadlines"/>) unless it runs already.</summary>
    void StartSweep(TimeSpan interval);

    void StopSweep();

    /// <summary>Starts an object returned by a method (Python's <c>method_to_typeid</c>) as a child of this one.</summary>
    IActorRef SpawnChild(Props props, string name);
}

/// <summary>The runner's periodic timer message: time out the parked calls whose deadline passed.</summary>
internal sealed record SweepDeadlines : INoSerializationVerificationNeeded
{
    public const string Key = "deadlines";

    public static readonly SweepDeadlines Instance = new();
}

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

/// <summary>A call served by an <see cref="ObjectRunner"/>: it parks in the runner and answers the client's reply actor.</summary>
internal sealed class RunnerCall(ObjectRunner runner, IActorRef replyTo, Guid session, long callId, Guid? owner) : Call(session, callId, owner)
{
    public IActorRef ReplyTo { get; } = replyTo;

    protected override void OnParked(TimeSpan? timeout) => runner.Parked.Park(this, timeout);

    protected override void OnCompleted() => runner.Parked.Unpark(this);

    protected override void Send(object? value) => runner.SendReply(this, value);

    protected override void SendFault(Exception error) => runner.SendFault(this, error);
}
