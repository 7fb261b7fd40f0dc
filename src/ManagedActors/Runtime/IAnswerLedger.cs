using ManagedActors.Protocol;

namespace ManagedActors.Runtime;

/// <summary>
/// A journaled object's memory of the answers of the changing calls it ran, per client: a runner that has one answers
/// a call resent after a lost connection with its first answer instead of running it again (<c>Journaling.RequestLedger</c>).
/// </summary>
internal interface IAnswerLedger
{
    /// <summary>Records the answers of the changing calls of a batch (<paramref name="mutations"/>, in the order they ran).</summary>
    void Record(Guid client, List<CallResult> results, IReadOnlyList<CallRequest> mutations);

    /// <summary>Records the answer of one changing call that had parked, now that it is answered.</summary>
    void Record(Guid client, CallResult result);

    /// <summary>
    /// The answer to a call the object may have run: its first answer; for a <paramref name="resent"/> call, a
    /// <see cref="CallOutcomeUnknownException"/> fault when it may have run but is no longer remembered. False when the
    /// object never ran it (it runs now).
    /// </summary>
    bool TryAnswer(Guid client, long callId, bool resent, string objectName, out CallResult? answer);
}
