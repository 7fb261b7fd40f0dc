using Akka.Actor;
using Akka.Event;
using ManagedActors.Objects;

namespace ManagedActors.Runtime;

/// <summary>
/// The plain actor of one managed object: its mailbox orders every call, and its <see cref="ObjectRunner"/> serves
/// them. Nothing a message carries may restart or stop it: a failure while handling one is logged, and the object
/// keeps its state and keeps serving. Only an exception its registration marks fatal restarts it, in place (its
/// mailbox is kept), with a new instance made from its creation arguments (<see cref="Durability.None"/> keeps no state).
/// </summary>
internal sealed class ObjectActor : UntypedActor, IRunnerHost
{
    private readonly ObjectRunner _runner;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ObjectActor(Instances instances, ObjectBinding binding, HostContext host, Type[]? declared, HeldReferences? held, ObjectGauge? gauge, IReadOnlyList<Type>? fatal)
    {
        _runner = new ObjectRunner(instances.Take(), binding, host, this, declared, held, gauge, fatal);
        gauge?.Started();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="target">The object's first instance.</param>
    /// <param name="binding">Its interface bound to its implementation.</param>
    /// <param name="host">What the host's objects share.</param>
    /// <param name="declared">The creator's type arguments.</param>
    /// <param name="held">Where it reports the objects it stores.</param>
    /// <param name="gauge">Its size and waiters for status reports.</param>
    /// <param name="fatal">Exception types that restart it.</param>
    /// <param name="fresh">Makes the instance of a restart; the first instance is kept when null.</param>
    public static Props PropsFor(
        ManagedObject target, ObjectBinding binding, HostContext host, Type[]? declared = null, HeldReferences? held = null, ObjectGauge? gauge = null,
        IReadOnlyList<Type>? fatal = null, Func<ManagedObject>? fresh = null)
    {
        // Each incarnation of the actor takes its instance from here: a restart takes a new one.
        var instances = new Instances(target, fresh);
        return Props.Create(() => new ObjectActor(instances, binding, host, declared, held, gauge, fatal)).WithDispatcher(host.ObjectDispatcher);
    }

    protected override void OnReceive(object message)
    {
        try
        {
            if (!RunnerMessages.Handle(_runner, message, Sender))
            {
                Unhandled(message);
            }
        }
        catch (Exception e) when (e is not ObjectRestartException)
        {
            _log.Error(e, "{0} failed while handling {1}; the object keeps its state.", _runner.Binding.Contract.Definition.Name, message.GetType().Name);
        }
    }

    protected override void PostStop()
    {
        _runner.Stopped();
        base.PostStop();
    }

    IActorRef IRunnerHost.SpawnChild(Props props, string name) => Context.ActorOf(props, name);

    /// <summary>The instances of one object's actor: the first one made by the directory, then a new one per restart.</summary>
    internal sealed class Instances(ManagedObject first, Func<ManagedObject>? fresh)
    {
        private ManagedObject? _next = first;
        private ManagedObject _last = first;

        public ManagedObject Take() => _last = Interlocked.Exchange(ref _next, null) ?? fresh?.Invoke() ?? _last;
    }
}
