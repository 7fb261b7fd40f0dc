using Akka.Actor;
using Akka.Event;

namespace ManagedActors.Runtime;

/// <summary>Thrown by an object's actor to have it restarted after a fatal exception (its answers are already sent).</summary>
internal sealed class ObjectRestartException(Exception cause) : Exception($"The object restarts after {cause.GetType().Name}: {cause.Message}", cause);

/// <summary>
/// Akka's default decisions for an object's actor, one child at a time; a restart a registration asked for (a fatal
/// exception) is logged as a warning, not as an error of the host.
/// </summary>
internal sealed class ObjectRestartStrategy : OneForOneStrategy
{
    private ObjectRestartStrategy() : base(DefaultDecider)
    {
    }

    public static ObjectRestartStrategy Instance { get; } = new();

    protected override void LogFailure(IActorContext context, IActorRef child, Exception cause, Directive directive)
    {
        if (cause is ObjectRestartException)
        {
            context.System.Log.Warning("{0} restarts: {1}", child.Path, cause.Message);
            return;
        }
        base.LogFailure(context, child, cause, directive);
    }
}
