using ManagedActors.Runtime;
using ManagedActors.Telemetry;

namespace ManagedActors.ObjectDirectory;

/// <summary>
/// The host's objects by id, and what keeps each alive. An anonymous object lives while a session holds a proxy to it or
/// another live object stores a reference to it; named objects live until deleted and keep what they store alive. When
/// the last holder goes the object is stopped, and what it stored loses a holder in turn (a chain goes link by link).
/// Objects that hold only each other (a cycle) are found by marking everything reachable from named objects and held
/// sessions, as a tracing collector does.
/// </summary>
/// <param name="stop">Stops an object's actor and forgets its name; called for every object these lifetimes end.</param>
/// <param name="counts">The host's objects by kind, kept here as objects come and go.</param>
internal sealed class Lifetimes(Action<DirectoryEntry> stop, KindCounts counts)
{
    private readonly Dictionary<string, DirectoryEntry> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _holdsBy = new(StringComparer.Ordinal);

    public int Count => _byId.Count;

    public IEnumerable<DirectoryEntry> All => _byId.Values;

    public DirectoryEntry? Find(string objectId) => _byId.GetValueOrDefault(objectId);

    /// <summary>A new object, which holds <paramref name="holds"/> from the start and is held by <paramref name="holder"/>'s session.</summary>
    public void Add(DirectoryEntry entry, IReadOnlyCollection<string> holds, Guid? holder)
    {
        if (entry.Reference.Name is null && holder is { } session)
        {
            entry.Holders.Add(session);
        }
        if (_byId.TryGetValue(entry.Id, out var replaced))
        {
            counts.Change(replaced.Kind.Name, -1);
        }
        _byId[entry.Id] = entry;
        counts.Change(entry.Kind.Name, 1);
        SetHolds(entry.Id, holds);
    }

    /// <summary>A session holds a proxy to the anonymous object.</summary>
    public void Hold(string objectId, Guid session)
    {
        if (_byId.TryGetValue(objectId, out var entry) && entry.Reference.Name is null)
        {
            entry.Holders.Add(session);
        }
    }

    /// <summary>A session let go of its last proxy to the object, which goes if nothing else holds it.</summary>
    public void Release(string objectId, Guid session)
    {
        if (_byId.TryGetValue(objectId, out var entry) && entry.Holders.Remove(session))
        {
            Collect([entry]);
        }
    }

    public void SessionEnded(Guid session) => Collect(_byId.Values.Where(e => e.Holders.Remove(session)).ToList());

    /// <summary>An object reported what it stores and what it handed to callers (held from now on by those that are open).</summary>
    public void Holds(ObjectHolds report, Func<Guid, bool> isOpen)
    {
        foreach (var (objectId, session) in report.HandedOut ?? [])
        {
            if (_byId.TryGetValue(objectId, out var handed) && handed.Reference.Name is null && isOpen(session))
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

    /// <summary>Stops the object (deleted), then what only it held.</summary>
    public void Delete(DirectoryEntry entry) => Collect(Stop(entry));

    /// <summary>The object's actor stopped on its own: it is forgotten (not stopped again), then what only it held goes.</summary>
    public void Stopped(DirectoryEntry entry) => Collect(Forget(entry));

    /// <summary>Records what <paramref name="holderId"/> stores now; the objects it stopped storing.</summary>
    private List<DirectoryEntry> SetHolds(string holderId, IReadOnlyCollection<string> holds)
    {
        var before = _holdsBy.GetValueOrDefault(holderId) ?? [];
        var now = new HashSet<string>(holds.Where(id => id != holderId && _byId.ContainsKey(id)), StringComparer.Ordinal);
        var released = new List<DirectoryEntry>();
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
    private void Collect(List<DirectoryEntry> candidates)
    {
        var heldOnlyByObjects = false;
        while (candidates.Count > 0)
        {
            var entry = candidates[^1];
            candidates.RemoveAt(candidates.Count - 1);
            if (entry.Reference.Name is not null || entry.Holders.Count > 0 || !_byId.ContainsKey(entry.Id))
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
        var pending = new Stack<string>(_byId.Values.Where(e => e.Reference.Name is not null || e.Holders.Count > 0).Select(e => e.Id));
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
        foreach (var entry in _byId.Values.Where(e => !reached.Contains(e.Id)).ToList())
        {
            Stop(entry);
        }
    }

    /// <summary>Stops the object's actor and forgets it; the objects it held, which may now be free to go.</summary>
    private List<DirectoryEntry> Stop(DirectoryEntry entry)
    {
        stop(entry);
        return Forget(entry);
    }

    private List<DirectoryEntry> Forget(DirectoryEntry entry)
    {
        if (_byId.Remove(entry.Id))
        {
            counts.Change(entry.Kind.Name, -1);
        }
        foreach (var holder in entry.HeldBy)
        {
            _holdsBy.GetValueOrDefault(holder)?.Remove(entry.Id);
        }
        return SetHolds(entry.Id, []);
    }
}
