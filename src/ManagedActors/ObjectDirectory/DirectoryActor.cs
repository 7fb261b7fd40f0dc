using Akka.Actor;
using Akka.Event;
using ManagedActors.Journaling;
using ManagedActors.Protocol;
using ManagedActors.Runtime;
using ManagedActors.Sessions;

namespace ManagedActors.ObjectDirectory;

/// <summary>
/// The host's objects: it serves the directory's calls (open, find, hold, release, delete, status) through a runner
/// like any object, starts every object's actor as its child and watches it, keeps the holds that decide when an
/// anonymous object goes, passes ended sessions on to every object, and answers calls sent to an object that is gone.
/// </summary>
internal sealed class DirectoryActor : UntypedActor, IRunnerHost
{
    private readonly DirectoryObject _directory;
    private readonly ObjectRunner _runner;
    private readonly HostContext _host;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public DirectoryActor(HostContext host, DurabilitySettings durability)
    {
        _host = host;
        _directory = new DirectoryObject(host, durability, new LocalObjectRouter(Context, host, durability));
        _runner = new ObjectRunner(_directory, ObjectBinding.For(typeof(IDirectory), typeof(DirectoryObject)), host, this);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(HostContext host, DurabilitySettings durability) =>
        Props.Create(() => new DirectoryActor(host, durability)).WithDispatcher(host.ObjectDispatcher);

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    /// <summary>Nothing a message carries may stop the directory: a failure is logged and the objects keep serving.</summary>
    protected override void OnReceive(object message)
    {
        try
        {
            if (!Handle(message) && !RunnerMessages.Handle(_runner, message, Sender))
            {
                Unhandled(message);
            }
        }
        catch (Exception e)
        {
            _log.Error(e, "The object directory failed while handling {0}; it keeps serving.", message.GetType().Name);
        }
    }

    IActorRef IRunnerHost.SpawnChild(Props props, string name) => Context.ActorOf(props, name);

    /// <summary>Object actors restart only when their registration asks (a fatal exception), logged as a warning.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => ObjectRestartStrategy.Instance;

    private bool Handle(object message)
    {
        switch (message)
        {
            case SessionsEnded ended:
                // The directory lets go of what the sessions held, then every object of what it held for them.
                foreach (var session in ended.Sessions)
                {
                    _directory.SessionEnded(session);
                }
                foreach (var child in Context.GetChildren())
                {
                    child.Tell(ended);
                }
                return true;
            case Terminated terminated:
                // An object's actor stopped other than through the directory: its entry goes, its name can be opened again.
                _directory.ActorStopped(terminated.ActorRef);
                return true;
            case ObjectHolds holds:
                _directory.Holds(holds);
                return true;
            case JournalCompacted compacted:
                _directory.Compacted(compacted);
                return true;
            case CreationConfirmed confirmed:
                _directory.Confirmed(confirmed.EntityId);
                return true;
            case UseCluster use:
                _directory.UseCluster(use.Router(Context), use.View);
                Sender.Tell(Akka.Done.Instance);
                return true;
            case DeadLetter { Message: Calls calls } dead when dead.Recipient.Path.Name == ObjectSupervisor.ChildName
                && Context.Child(dead.Recipient.Path.Parent.Name) is var supervisor && !supervisor.IsNobody():
                // Calls that reached a journaled object as it stopped go back to its supervisor, which holds them
                // for the object's next start.
                supervisor.Tell(calls, dead.Sender);
                return true;
            case DeadLetter { Message: Calls calls } dead when !dead.Sender.IsNobody():
                dead.Sender.Tell(Results.AllFailed(calls, _host.Sessions.IsValid(calls.Session)
                    ? new ObjectNotFoundException($"The object at {dead.Recipient.Path} does not exist on this host (it was deleted, or the host restarted).")
                    : new SessionLostException("This host does not know the session (it restarted, or ended the session): the call did not run; the client connects again on its next call.")));
                return true;
            case DeadLetter { Message: CompactJournal ask }:
                // Its object stopped before it answered: it was asked back from a journal that does not hold it.
                _directory.Compacted(new JournalCompacted(ask.Token, 0, null, NotFound: true));
                return true;
            case DeadLetter:
                return true;
            default:
                return false;
        }
    }
}
