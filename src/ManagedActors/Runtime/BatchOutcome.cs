using Akka.Actor;
using ManagedActors.Protocol;

namespace ManagedActors.Runtime;

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
internal sealed record BatchOutcome(
    IActorRef ReplyTo, Guid Session, Guid Client, List<CallResult> Results, Dictionary<IActorRef, List<CallResult>>? Deferred, List<CallRequest>? Mutations,
    Exception? Fatal = null)
{
    /// <summary>When the batch ran (Unix milliseconds), which its journal event keeps for the replay.</summary>
    public long Clock { get; init; }

    /// <summary>What a batch outside the calls did to parked calls and holds; null for a batch of calls.</summary>
    public IReadOnlyList<WaitEnd>? Ends { get; init; }

    /// <summary>The batch's calls measured or traced, which end when its answers go; null while nobody listens.</summary>
    public List<ServerCall>? Observed { get; init; }

    /// <summary>The journal write of the batch, when one is measured or traced; it ends before the answers go.</summary>
    public JournalWrite? Write { get; set; }

    /// <summary>Sends the batch's answers, and those of parked calls the batch answered (one message per client).</summary>
    public void Deliver(int maxMessageSize)
    {
        Write?.End(null);
        ReplyFrames.Send(ReplyTo, Results, maxMessageSize);
        foreach (var (replyTo, results) in Deferred ?? [])
        {
            ReplyFrames.Send(replyTo, results, maxMessageSize);
        }
        if (Observed is { } observed)
        {
            ServerCalls.End(observed, Results);
        }
    }

    /// <summary>Answers every call of the batch with <paramref name="error"/> instead of its result: its changes were not kept.</summary>
    public void Fail(Exception error, int maxMessageSize)
    {
        Write?.End(error);
        var fault = FaultInfo.From(error).Encode();
        ReplyFrames.Send(ReplyTo, Results.Select(r => new CallResult(r.CallId, true, fault)).ToList(), maxMessageSize);
        foreach (var (replyTo, results) in Deferred ?? [])
        {
            ReplyFrames.Send(replyTo, results.Select(r => new CallResult(r.CallId, true, fault)).ToList(), maxMessageSize);
        }
        if (Observed is { } observed)
        {
            ServerCalls.End(observed, Results, error);
        }
    }
}
