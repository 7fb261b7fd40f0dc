namespace ManagedActors.Hosting;

/// <summary>How an object is spawned: its actor's name, its id, its creator's type arguments, the objects it holds, its journal if any.</summary>
internal sealed record Spawn(
    string ActorName, string ObjectId, Type[]? Declared, IReadOnlyCollection<string> Holds, ObjectGauge Gauge, JournalSpec? Journal = null, object?[]? CreateArgs = null,
    string? InterfaceType = null);

/// <summary>
/// Lifetimes. An anonymous object lives while a session holds a proxy to it or another live object stores a reference
/// to it; named objects live until deleted and keep what they store alive. When the last holder goes the object is
/// stopped, and what it stored loses a holder in turn (a chain goes link by link). Objects that hold only each other
/// (a cycle) are found by marking everything reachable from named objects and held sessions, as a tracing collector does.
/// </summary>
internal sealed partial class RegistryObject
{
    private readonly Dictionary<string, HashSet<string>> _holdsBy = new(StringComparer.Ordinal);

    /// <summary>An object reported what it stores and what it handed to callers.</summary>
    public void Holds(ObjectHolds report)
    {
        foreach (var (objectId, session) in report.HandedOut ?? [])
        {
            if (_byId.TryGetValue(objectId, out var handed) && handed.Reference.Name is null && _host.Sessions.IsValid(session))
            {
                handed.Holders.Add(session);
            }
        }
        // A report that arrives after its holder was stopped changes nothing: the holder's holds went with it.
        if (report.Holds is { } holds && _byId.ContainsKey(report.HolderId))
        {
            Collect(SetHolds(report.HolderId, holds));
        }
    }

    /// <summary>Records what <paramref name="holderId"/> stores now; the objects it stopped storing.</summary>
    private List<Entry> SetHolds(string holderId, IReadOnlyCollection<string> holds)
    {
        var before = _holdsBy.GetValueOrDefault(holderId) ?? [];
        var now = new HashSet<string>(holds.Where(id => id != holderId && _byId.ContainsKey(id)), StringComparer.Ordinal);
        var released = new List<Entry>();
        foreach (var id in before.Except(now))
        {
            if (_byId.TryGetValue(id, out var entry) && entry.HeldBy.Remove(holderId))
            {
                released.Add(entry);
            }
        }
        foreach (var id in now)
        {
            _byId[id].HeldBy.Add(holderId);
        }
        if (now.Count == 0)
        {
            _holdsBy.Remove(holderId);
        }
        else
        {
            _holdsBy[holderId] = now;
        }
        return released;
    }

    /// <summary>Stops the anonymous objects among <paramref name="candidates"/> that nothing holds any more, and what only they held.</summary>
    private void Collect(List<Entry> candidates)
    {
        var heldOnlyByObjects = false;
        while (candidates.Count > 0)
        {
            var entry = candidates[^1];
            candidates.RemoveAt(candidates.Count - 1);
            if (entry.Reference.Name is not null || entry.Holders.Count > 0 || !_byId.ContainsKey(entry.Reference.ObjectId))
            {
                continue;
            }
            if (entry.HeldBy.Count > 0)
            {
                heldOnlyByObjects = true;
                continue;
            }
            candidates.AddRange(Stop(entry));
        }
        if (heldOnlyByObjects)
        {
            CollectCycles();
        }
    }

    /// <summary>Marks what named objects and sessions reach, directly or through stored references; stops the rest.</summary>
    private void CollectCycles()
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(_byId.Values.Where(e => e.Reference.Name is not null || e.Holders.Count > 0).Select(e => e.Reference.ObjectId));
        while (pending.TryPop(out var id))
        {
            if (reached.Add(id) && _holdsBy.TryGetValue(id, out var holds))
            {
                foreach (var held in holds)
                {
                    pending.Push(held);
                }
            }
        }
        foreach (var entry in _byId.Values.Where(e => !reached.Contains(e.Reference.ObjectId)).ToList())
        {
            Stop(entry);
        }
    }

    /// <summary>Stops the object's actor and forgets it; the objects it held, which may now be free to go.</summary>
    private List<Entry> Stop(Entry entry)
    {
        _router!.Forget(entry.Reference.ObjectId);
        return Forget(entry);
    }

    private List<Entry> Forget(Entry entry)
    {
        _byId.Remove(entry.Reference.ObjectId);
        if (entry.Reference.Name is { } name)
        {
            _byName.Remove(name);
        }
        foreach (var holder in entry.HeldBy)
        {
            _holdsBy.GetValueOrDefault(holder)?.Remove(entry.Reference.ObjectId);
        }
        return SetHolds(entry.Reference.ObjectId, []);
    }
}
