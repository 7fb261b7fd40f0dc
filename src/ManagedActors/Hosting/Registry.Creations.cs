using ManagedActors.Objects;

namespace ManagedActors.Hosting;

/// <summary>
/// Creations of sharded objects. The member that runs a new sharded object journals its creation, possibly seconds
/// after this host asked (the shard may still be placed); the caller's open is answered only once that member confirmed
/// it, so an object whose creation was acknowledged exists in the shared journal even if this host dies next.
/// </summary>
internal sealed partial class RegistryObject
{
    private readonly Dictionary<string, List<(Call Call, ObjectReference Reference)>> _unconfirmed = new(StringComparer.Ordinal);

    /// <summary>
    /// Answers the open with <paramref name="reference"/> once the object <paramref name="entityId"/> is confirmed: at
    /// once when it is (or is not sharded), else by <see cref="Confirmed"/>, or with <see cref="CallOutcomeUnknownException"/>
    /// after the call timeout (the creation is still being sent, so the object may exist later).
    /// </summary>
    private object AnswerWhenConfirmed(string entityId, ObjectReference reference, Call call, bool created)
    {
        if (!created && !_unconfirmed.ContainsKey(entityId))
        {
            return reference;
        }
        if (!_unconfirmed.TryGetValue(entityId, out var waiting))
        {
            _unconfirmed[entityId] = waiting = [];
        }
        var parked = (call, reference);
        waiting.Add(parked);
        return call.Park(
            _host.Settings.CallTimeout,
            () =>
            {
                Unpark(entityId, parked);
                return new CallOutcomeUnknownException(
                    $"The cluster did not confirm the creation of the {reference.Kind} '{reference.Name ?? reference.ObjectId}' within " +
                    $"{_host.Settings.CallTimeout.TotalSeconds:0.#} s; its creation is still being sent, so it may exist later: open it again.");
            },
            () => Unpark(entityId, parked));
    }

    /// <summary>The member that runs <paramref name="entityId"/> journaled its creation (or had it already): its opens are answered.</summary>
    public void Confirmed(string entityId)
    {
        if (_unconfirmed.Remove(entityId, out var waiting))
        {
            foreach (var (call, reference) in waiting)
            {
                call.Reply(reference);
            }
        }
    }

    private void Unpark(string entityId, (Call Call, ObjectReference Reference) parked)
    {
        if (_unconfirmed.TryGetValue(entityId, out var waiting) && waiting.Remove(parked) && waiting.Count == 0)
        {
            _unconfirmed.Remove(entityId);
        }
    }
}
