using Akka.Actor;

namespace ManagedActors.Runtime;

/// <summary>
/// The managed objects one object keeps alive by storing references to them, and the ones it hands to callers. It
/// tells the directory before the replies of a batch leave, so a reference being stored is held before its sender
/// can let go of it, and one being handed out (a pop, a get) is held for the caller before the object lets go.
/// </summary>
internal sealed class HeldReferences(string objectId, IActorRef directory, IReadOnlyCollection<string> initial)
{
    private HashSet<string> _reported = [.. initial];

    // The state can only come to hold a reference through a call's arguments: walk it only while it may hold one.
    private bool _walk = initial.Count > 0;
    private List<(string ObjectId, Guid Session)>? _handedOut;

    /// <summary>A call's decoded arguments: if one carries a reference, the state may store it.</summary>
    public void ArgumentsRead(object?[] args)
    {
        if (_walk)
        {
            return;
        }
        foreach (var arg in args)
        {
            if (ReferenceWalker.MayHoldReference(arg) && ReferenceWalker.Collect(arg, []))
            {
                _walk = true;
                return;
            }
        }
    }

    /// <summary>A value about to go to <paramref name="session"/>: the objects it refers to are held for that session.</summary>
    public void Replying(object? value, Guid session)
    {
        if (!ReferenceWalker.MayHoldReference(value))
        {
            return;
        }
        var ids = new HashSet<string>();
        if (ReferenceWalker.Collect(value, ids))
        {
            _handedOut ??= [];
            _handedOut.AddRange(ids.Select(id => (id, session)));
        }
    }

    /// <summary>
    /// After a batch, before its replies: what the state holds now, if that changed, and what was handed out. A batch
    /// of read-only calls (<paramref name="changed"/> false) left the state as it was, so it is not walked.
    /// </summary>
    public void Report(object? state, bool changed)
    {
        HashSet<string>? now = null;
        if (_walk && changed)
        {
            now = [];
            ReferenceWalker.Collect(state, now);
            _walk = now.Count > 0;
            if (now.SetEquals(_reported))
            {
                now = null;
            }
        }
        if (now is null && _handedOut is null)
        {
            return;
        }
        directory.Tell(new ObjectHolds(objectId, now, _handedOut));
        _reported = now ?? _reported;
        _handedOut = null;
    }
}

/// <summary>
/// An object's report to the directory: the ids it holds now (null: unchanged), and references handed to sessions in
/// replies, which those sessions hold from now on.
/// </summary>
internal sealed record ObjectHolds(string HolderId, IReadOnlyCollection<string>? Holds, IReadOnlyList<(string ObjectId, Guid Session)>? HandedOut)
    : INoSerializationVerificationNeeded;
