using Akka.Actor;
using ManagedActors.Protocol;
using ManagedActors.Sessions;

namespace ManagedActors.Runtime;

/// <summary>The messages every actor that holds a runner passes to it.</summary>
internal static class RunnerMessages
{
    /// <summary>Hands <paramref name="message"/> to the runner if it is one of its own; whether it was.</summary>
    /// <exception cref="ObjectRestartException">A call threw what the object's registration marks fatal (its answers are sent).</exception>
    public static bool Handle(ObjectRunner runner, object message, IActorRef sender)
    {
        switch (message)
        {
            case Calls calls:
                if (runner.Serve(calls, sender) is { } fatal)
                {
                    throw new ObjectRestartException(fatal);
                }
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
}
