using Akka.Actor;
using Akka.Event;
using ManagedActors.Objects;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>From the host itself, once it is a cluster member: durable objects are sharded from now on.</summary>
internal sealed record UseShards(ObjectShards Shards) : INoSerializationVerificationNeeded;

/// <summary>From this host's relay: the member that runs a sharded object this host asked for confirmed it exists.</summary>
internal sealed record CreationConfirmed(string EntityId) : INoSerializationVerificationNeeded;

/// <summary>
/// The host's objects: it serves the directory's calls (open, find, hold, release, delete, status) through a runner
/// like any object, starts every object's actor as its child and watches it, keeps the holds that decide when an
/// anonymous object goes, passes ended sessions on to every object, and answers calls sent to an object that is gone.
/// </summary>
internal sealed class ObjectDirectory : UntypedActor, IWithTimers, IRunnerHost
{
    private readonly RegistryObject _registry;
    private readonly ObjectRunner _runner;
    private readonly HostContext _host;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ObjectDirectory(RegistryObject registry, HostContext host)
    {
        _registry = registry;
        _host = host;
        _runner = new ObjectRunner(registry, ObjectBinding.For(typeof(IRegistry), typeof(RegistryObject)), host, this);
        registry.Attach(new LocalObjectRouter(Context, host));
        host.Directory = Self;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(RegistryObject registry, HostContext host) => Props.Create(() => new ObjectDirectory(registry, host)).WithDispatcher(host.ObjectDispatcher);

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

    void IRunnerHost.StartSweep(TimeSpan interval) => RunnerMessages.StartSweep(Timers, interval);

    void IRunnerHost.StopSweep() => Timers.Cancel(SweepDeadlines.Key);

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
                    _registry.SessionEnded(session);
                }
                foreach (var child in Context.GetChildren())
                {
                    child.Tell(ended);
                }
                return true;
            case Terminated terminated:
                // An object's actor stopped other than through the directory: its entry goes, its name can be opened again.
                _registry.ActorStopped(terminated.ActorRef);
                return true;
            case ObjectHolds holds:
                _registry.Holds(holds);
                return true;
            case CreationConfirmed confirmed:
                _registry.Confirmed(confirmed.EntityId);
                return true;
            case UseShards use:
                _registry.AttachShards(new ShardedObjectRouter(Context, use.Shards, _host));
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
                    : new AuthenticationException("The session is not known to this host (it restarted); connect again.")));
                return true;
            case DeadLetter:
                return true;
            default:
                return false;
        }
    }
}
