using Akka.Actor;
using ManagedActors.Protocol;
using ManagedActors.Runtime;

namespace ManagedActors.Journaling;

/// <summary>
/// The parent of a journaled object's actor, and the address its calls go to. It forwards every message to the object
/// (sender and all). An exception inside the object restarts it in place (Akka's default): its mailbox is kept and it
/// recovers from its journal. When the object stops (its journal failed a write), the supervisor starts it again
/// after a backoff (doubled each time it stops again soon, up to a maximum), and holds the calls that arrive
/// meanwhile, up to a bound, for the new one; calls beyond the bound are answered with
/// <see cref="PersistenceFailedException"/>.
/// </summary>
internal sealed class ObjectSupervisor : UntypedActor, IWithTimers
{
    /// <summary>The object actor's name under its supervisor.</summary>
    public const string ChildName = "object";

    private const int MaxWaiting = 10_000;
    private readonly Props _object;
    private readonly TimeSpan _minBackoff;
    private readonly TimeSpan _maxBackoff;
    private readonly int _maxMessageSize;
    private readonly Queue<(object Message, IActorRef Sender)> _waiting = new();
    private IActorRef? _child;
    private DateTime _startedAt;
    private int _quickStops;

    public ObjectSupervisor(Props objectProps, TimeSpan minBackoff, TimeSpan maxBackoff, int maxMessageSize)
    {
        _object = objectProps;
        _minBackoff = minBackoff;
        _maxBackoff = maxBackoff;
        _maxMessageSize = maxMessageSize;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(Props objectProps, DurabilitySettings durability, int maxMessageSize) =>
        Props.Create(() => new ObjectSupervisor(objectProps, durability.MinBackoff, durability.MaxBackoff, maxMessageSize));

    protected override void PreStart() => StartObject();

    protected override SupervisorStrategy SupervisorStrategy() => ObjectRestartStrategy.Instance;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Terminated terminated when terminated.ActorRef.Equals(_child):
                _child = null;
                // A child that ran a while before it stopped starts again after the shortest wait.
                _quickStops = DateTime.UtcNow - _startedAt > _maxBackoff ? 0 : _quickStops + 1;
                var wait = TimeSpan.FromTicks(Math.Min(_maxBackoff.Ticks, _minBackoff.Ticks << Math.Min(_quickStops, 20)));
                Timers.StartSingleTimer(StartAgain.Instance, StartAgain.Instance, wait);
                break;
            case StartAgain:
                StartObject();
                while (_waiting.TryDequeue(out var held))
                {
                    _child!.Tell(held.Message, held.Sender);
                }
                break;
            case Terminated:
                break;
            case NotInJournal:
                // The object was asked back from its journal, which does not hold it: nothing to start again.
                Context.Stop(Self);
                break;
            default:
                if (_child is not null)
                {
                    _child.Forward(message);
                }
                else if (_waiting.Count < MaxWaiting)
                {
                    _waiting.Enqueue((message, Sender));
                }
                else if (message is Calls calls)
                {
                    ReplyFrames.Send(Sender, Results.AllFailed(calls, new PersistenceFailedException(
                        $"The object is starting again after its journal failed, and {MaxWaiting} calls already wait for it.")).Items, _maxMessageSize);
                }
                break;
        }
    }

    protected override void PostStop()
    {
        // The object was deleted or its host shut down while these calls waited for it to start again.
        while (_waiting.TryDequeue(out var held))
        {
            if (held.Message is Calls calls)
            {
                ReplyFrames.Send(held.Sender, Results.AllFailed(calls, new ObjectNotFoundException(
                    "The object was stopped (deleted, or its host shut down) while the call waited for it to start again.")).Items, _maxMessageSize);
            }
        }
        base.PostStop();
    }

    private void StartObject()
    {
        _child = Context.Watch(Context.ActorOf(_object, ChildName));
        _startedAt = DateTime.UtcNow;
    }

    private sealed class StartAgain
    {
        public static readonly StartAgain Instance = new();
    }

    /// <summary>From the object's actor: the journal holds no object to bring back.</summary>
    public sealed class NotInJournal : INoSerializationVerificationNeeded
    {
        public static readonly NotInJournal Instance = new();
    }
}
