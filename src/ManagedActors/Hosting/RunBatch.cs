using Akka.Actor;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>
/// A batch of calls an <see cref="ObjectRunner"/> has run, with its answers held back: the plain actor sends them at
/// once, a journaled one after the batch's <see cref="Mutations"/> are in the journal.
/// </summary>
/// <param name="ReplyTo">Where the batch's answers go.</param>
/// <param name="Session">The session that sent the batch.</param>
/// <param name="Results">The answers of the calls that answered at once.</param>
/// <param name="Deferred">Answers of parked calls (of any client) the batch made ready.</param>
/// <param name="Mutations">The calls that may have changed the object, in order; null when none did.</param>
internal sealed record RunBatch(
    IActorRef ReplyTo, Guid Session, List<CallResult> Results, Dictionary<IActorRef, List<CallResult>>? Deferred, List<CallRequest>? Mutations);
