using ManagedActors.Journaling;
using ManagedActors.Objects;

namespace ManagedActors.ObjectDirectory;

/// <summary>
/// Compactions the directory asked of journaled objects (<see cref="CompactJournal"/>): each client's call waits,
/// parked, until its object reports (<see cref="JournalCompacted"/>), or its timeout.
/// </summary>
/// <param name="timeout">How long a compaction may take before its call fails.</param>
internal sealed class Compactions(TimeSpan timeout)
{
    private readonly Dictionary<long, (Call Call, string What)> _waiting = [];
    private long _next;

    /// <summary>Sends the object <paramref name="what"/> names a compaction with <paramref name="send"/>; the call, parked.</summary>
    public object Ask(Action<CompactJournal> send, string what, Call call)
    {
        var token = ++_next;
        _waiting[token] = (call, what);
        send(new CompactJournal(token));
        return call.Park(
            timeout,
            () =>
            {
                _waiting.Remove(token);
                return new CallOutcomeUnknownException(
                    $"{what} did not report its compaction within {timeout.TotalSeconds:0.#} s; it may still finish: list the journal to see.");
            },
            () => _waiting.Remove(token));
    }

    /// <summary>An object reported: its call gets the event the snapshot is at, or the reason there is none.</summary>
    public void Reported(JournalCompacted report)
    {
        if (_waiting.Remove(report.Token, out var waiting))
        {
            if (report.NotFound)
            {
                waiting.Call.Fail(new ObjectNotFoundException($"{waiting.What} is not in this host's journal."));
            }
            else if (report.Refusal is null)
            {
                waiting.Call.Reply(report.SequenceNr);
            }
            else
            {
                waiting.Call.Fail(new InvalidOperationException($"{waiting.What} was not compacted: {report.Refusal}."));
            }
        }
    }
}
