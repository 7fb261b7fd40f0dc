using Akka.Actor;
using Akka.Event;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>
/// A batch of calls an <see cref="ObjectRunner"/> has run, with its answers held back: the plain actor sends them at
/// once, a journaled one after the batch's <see cref="Mutations"/> are in the journal.
/// </summary>
/// <param name="ReplyTo">Where the batch's answers go.</param>
/// <param name="Session">The session that sent the batch.</param>
/// <param name="Client">The id of the client that opened the session (for a journaled object; else empty).</param>
/// <param name="Results">The answers of the calls that answered at once.</param>
/// <param name="Deferred">Answers of parked calls (of any client) the batch made ready.</param>
/// <param name="Mutations">The calls that may have changed the object, in order; null when none did.</param>
/// <param name="Fatal">An exception the object's registration marks fatal, which a call threw: the object must restart.</param>
internal sealed record RunBatch(
    IActorRef ReplyTo, Guid Session, Guid Client, List<CallResult> Results, Dictionary<IActorRef, List<CallResult>>? Deferred, List<CallRequest>? Mutations,
    Exception? Fatal = null);

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
