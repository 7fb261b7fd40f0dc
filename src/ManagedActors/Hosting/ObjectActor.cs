using Akka.Actor;
using Akka.Event;
using ManagedActors.Objects;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>
/// The plain actor of one managed object: its mailbox orders every call, and its <see cref="ObjectRunner"/> serves
/// them. Nothing a message carries may restart or stop it: a failure while handling one is logged, and the object
/// keeps its state and keeps serving.
/// </summary>
internal sealed class ObjectActor : UntypedActor, IWithTimers, IRunnerHost
{
    private readonly ObjectRunner _runner;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ObjectActor(ManagedObject target, ObjectBinding binding, HostContext host, Type[]? declared, HeldReferences? held, ObjectGauge? gauge) =>
        _runner = new ObjectRunner(target, binding, host, this, declared, held, gauge);

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(
        ManagedObject target, ObjectBinding binding, HostContext host, Type[]? declared = null, HeldReferences? held = null, ObjectGauge? gauge = null) =>
        Props.Create(() => new ObjectActor(target, binding, host, declared, held, gauge)).WithDispatcher(host.ObjectDispatcher);

    protected override void OnReceive(object message)
    {
        try
        {
            if (!RunnerMessages.Handle(_runner, message, Sender))
            {
                Unhandled(message);
            }
        }
        catch (Exception e)
        {
            _log.Error(e, "{0} failed while handling {1}; the object keeps its state.", _runner.Binding.Contract.Definition.Name, message.GetType().Name);
        }
    }

    protected override void PostStop()
    {
        _runner.Stopped();
        base.PostStop();
    }

    void IRunnerHost.StartSweep(TimeSpan interval) => RunnerMessages.StartSweep(Timers, interval);

    void IRunnerHost.StopSweep() => Timers.Cancel(SweepDeadlines.Key);

    IActorRef IRunnerHost.SpawnChild(Props props, string name) => Context.ActorOf(props, name);
}

/// <summary>The messages every actor that holds a runner passes to it.</summary>
internal static class RunnerMessages
{
    /// <summary>Hands <paramref name="message"/> to the runner if it is one of its own; whether it was.</summary>
    public static bool Handle(ObjectRunner runner, object message, IActorRef sender)
    {
        switch (message)
        {
            case Calls calls:
                runner.Serve(calls, sender);
                return true;
            case CancelCall cancel:
                runner.Cancel(cancel, sender);
                return true;
            case SessionsEnded ended:
                runner.EndSessions(ended.Sessions);
                return true;
            case SweepDeadlines:
                runner.SweepExpired();
                return true;
            default:
                return false;
        }
    }

    public static void StartSweep(ITimerScheduler timers, TimeSpan interval)
    {
        if (!timers.IsTimerActive(SweepDeadlines.Key))
        {
            timers.StartPeriodicTimer(SweepDeadlines.Key, SweepDeadlines.Instance, interval);
        }
    }
}
