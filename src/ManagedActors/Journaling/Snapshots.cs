using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using ManagedActors.Codec;
using ManagedActors.Objects;

namespace ManagedActors.Journaling;

/// <summary>From the directory: snapshot the object now, then delete its journal's events up to the snapshot.</summary>
/// <param name="Token">Names the directory's waiting call in the answer.</param>
internal sealed record CompactJournal(long Token) : INoSerializationVerificationNeeded;

/// <summary>
/// A journaled object's answer to <see cref="CompactJournal"/>: the event its snapshot is at, or why there is none; or,
/// from the directory, that the object stopped unanswered, not being in the journal (<paramref name="NotFound"/>).
/// </summary>
internal sealed record JournalCompacted(long Token, long SequenceNr, string? Refusal, bool NotFound = false) : INoSerializationVerificationNeeded;

/// <summary>
/// A journaled object's snapshots: encoded on the actor's thread (the store writes the bytes later), every
/// <c>snapshot-every</c> events and when a compaction asks for one. A compaction deletes the journal's events up to its
/// snapshot once the snapshot is saved, and is answered when both are done.
/// </summary>
/// <param name="persistenceId">The object's journal, as the log names it.</param>
/// <param name="log">Where a state that cannot be written is reported.</param>
/// <param name="codec">Writes the object's state.</param>
/// <param name="save">Saves a snapshot at the object's latest event (the actor's <c>SaveSnapshot</c>).</param>
/// <param name="deleteEvents">Deletes the journal's events up to one (the actor's <c>DeleteMessages</c>).</param>
/// <param name="deleteOlderSnapshots">Deletes the snapshots before one.</param>
internal sealed class Snapshots(
    string persistenceId, ILoggingAdapter log, ValueCodec codec, Action<ObjectSnapshot> save, Action<long> deleteEvents, Action<long> deleteOlderSnapshots)
{
    private (IActorRef ReplyTo, long Token, long At)? _compaction;
    private long _lastAt;

    /// <summary>The object's state and its ledger as a snapshot; null, and why, when its kind keeps none or its state cannot be written.</summary>
    public ObjectSnapshot? Take(ManagedObject target, RequestLedger ledger, out string? why)
    {
        if (target.SnapshotArguments() is not { } args)
        {
            why = "its kind keeps no snapshot (lists, dicts, sets and registered records do), so its journal is replayed whole";
            return null;
        }
        try
        {
            why = null;
            return new ObjectSnapshot(codec.EncodeAll(args), ledger.Encode());
        }
        catch (ManagedActorsException e)
        {
            // A record holding a value the codec cannot write: no snapshot, and recovery replays the whole journal.
            why = "its state cannot be written: " + e.Message;
            log.Warning("{0} cannot be snapshotted, so it recovers by replaying its journal: {1}", persistenceId, e.Message);
            return null;
        }
    }

    /// <summary>
    /// Handles what the snapshot store answers (one snapshot is enough: the older ones go) and compactions; false for
    /// any other message.
    /// </summary>
    /// <param name="message">What the actor received.</param>
    /// <param name="sender">Who sent it.</param>
    /// <param name="target">The object, when it runs.</param>
    /// <param name="ledger">Its answers' ledger, when it runs.</param>
    /// <param name="lastSequenceNr">Its latest event.</param>
    /// <param name="refusal">Why its journal cannot be read, when it cannot.</param>
    public bool Handle(object message, IActorRef sender, ManagedObject? target, RequestLedger? ledger, long lastSequenceNr, string? refusal)
    {
        switch (message)
        {
            case SaveSnapshotSuccess saved:
                var at = saved.Metadata.SequenceNr;
                deleteOlderSnapshots(at);
                if (Saved(at) is { } upTo)
                {
                    deleteEvents(upTo);
                }
                return true;
            case CompactJournal ask:
                Compact(ask, sender, target, ledger, lastSequenceNr, refusal);
                return true;
            case SaveSnapshotFailure failed:
                // A failed snapshot costs only recovery time (Akka logs it); the journal still has every call.
                Finished("its snapshot was not saved: " + failed.Cause.Message);
                return true;
            case DeleteMessagesSuccess:
                Finished(null);
                return true;
            case DeleteMessagesFailure failed:
                Finished("its events were not deleted: " + failed.Cause.Message);
                return true;
            default:
                return false;
        }
    }

    /// <summary>A snapshot was saved or recovered at <paramref name="at"/>: the event up to which a compaction deletes, else null.</summary>
    public long? Saved(long at)
    {
        _lastAt = at;
        return _compaction is { } compaction && compaction.At == at ? at : null;
    }

    /// <summary>
    /// Starts a compaction at event <paramref name="at"/>: saves a snapshot there (or, when one is there already, deletes
    /// the events up to it at once), or refuses it with the reason.
    /// </summary>
    private void Compact(CompactJournal ask, IActorRef replyTo, ManagedObject? target, RequestLedger? ledger, long at, string? refusal)
    {
        var why = refusal ?? (_compaction is not null ? "a compaction of it is running" : target is null ? "it is not running" : null);
        var snapshot = why is null && _lastAt != at ? Take(target!, ledger!, out why) : null;
        if (why is not null)
        {
            replyTo.Tell(new JournalCompacted(ask.Token, at, why));
            return;
        }
        _compaction = (replyTo, ask.Token, at);
        if (snapshot is not null)
        {
            save(snapshot);
        }
        else
        {
            deleteEvents(at);
        }
    }

    /// <summary>The compaction's events were deleted, or it failed (<paramref name="failure"/>): it is answered.</summary>
    private void Finished(string? failure)
    {
        if (_compaction is { } compaction)
        {
            _compaction = null;
            compaction.ReplyTo.Tell(new JournalCompacted(compaction.Token, compaction.At, failure));
        }
    }
}
