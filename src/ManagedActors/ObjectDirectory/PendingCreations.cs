using ManagedActors.Objects;

namespace ManagedActors.ObjectDirectory;

/// <summary>
/// Opens of sharded objects waiting for their creation to be journaled. The member that runs a new sharded object
/// journals its creation, possibly seconds after this host asked (the shard may still be placed); the caller's open is
/// answered only once that member confirmed it, so an object whose creation was acknowledged exists in the shared
/// journal even if this host dies next.
/// </summary>
/// <param name="timeout">How long an open waits for its confirmation.</param>
internal sealed class PendingCreations(TimeSpan timeout)
{
    private readonly Dictionary<string, List<(Call Call, ObjectReference Reference)>> _waiting = new(StringComparer.Ordinal);

    /// <summary>
    /// Answers the open with <paramref name="reference"/> once the object <paramref name="entityId"/> is confirmed: at
    /// once when it was already (an existing object no open waits for), else by <see cref="Confirmed"/>, or with
    /// <see cref="CallOutcomeUnknownException"/> after the timeout (the creation is still being sent, so the object may
    /// exist later).
    /// </summary>
    public object AnswerWhenConfirmed(string entityId, ObjectReference reference, Call call, bool created)
    {
        if (!created && !_waiting.ContainsKey(entityId))
        {
            return reference;
        }
        if (!_waiting.TryGetValue(entityId, out var waiting))
        {
            _waiting[entityId] = waiting = [];
        }
        var parked = (call, reference);
        waiting.Add(parked);
        return call.Park(
            timeout,
            () =>
            {
                Unpark(entityId, parked);
                return new CallOutcomeUnknownException(
                    $"The cluster did not confirm the creation of the {reference.Kind} '{reference.Name ?? reference.ObjectId}' within " +
                    $"{timeout.TotalSeconds:0.#} s; its creation is still being sent, so it may exist later: open it again.");
            },
            () => Unpark(entityId, parked));
    }

    /// <summary>The member that runs <paramref name="entityId"/> journaled its creation (or had it already): its opens are answered.</summary>
    public void Confirmed(string entityId)
    {
        if (_waiting.Remove(entityId, out var waiting))
        {
            foreach (var (call, reference) in waiting)
            {
                call.Reply(reference);
            }
        }
    }

    private void Unpark(string entityId, (Call Call, ObjectReference Reference) parked)
    {
        if (_waiting.TryGetValue(entityId, out var waiting) && waiting.Remove(parked) && waiting.Count == 0)
        {
            _waiting.Remove(entityId);
        }
    }
}
