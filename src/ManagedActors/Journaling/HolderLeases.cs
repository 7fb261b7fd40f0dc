namespace ManagedActors.Journaling;

/// <summary>
/// When a journaled object last knew each client it holds something for to be alive: a call from it, a host that has
/// it connected. A client not seen for half the lease is asked about; one not seen for the whole lease has died (or
/// is cut off), and what the object holds for it goes.
/// </summary>
internal sealed class HolderLeases(TimeSpan lease)
{
    private readonly Dictionary<Guid, long> _seen = [];
    private readonly long _lease = (long)lease.TotalMilliseconds;

    /// <summary>How often the leases are checked: a client's holds go at most this long after its lease ran out.</summary>
    public TimeSpan CheckEvery { get; } = lease / 4;

    /// <summary>The client is alive now.</summary>
    public void Seen(Guid client)
    {
        if (_seen.ContainsKey(client))
        {
            _seen[client] = Environment.TickCount64;
        }
    }

    /// <summary>
    /// Follows the object's holders (a new one counts as seen now, one that holds nothing any more is forgotten): the
    /// clients to ask about, and those whose lease ran out.
    /// </summary>
    private (List<Guid> Stale, List<Guid> Expired) Check(IEnumerable<Guid> holders)
    {
        var now = Environment.TickCount64;
        var current = holders.ToHashSet();
        foreach (var gone in _seen.Keys.Where(c => !current.Contains(c)).ToList())
        {
            _seen.Remove(gone);
        }
        foreach (var client in current)
        {
            _seen.TryAdd(client, now);
        }
        return ([.. _seen.Where(p => now - p.Value > _lease / 2).Select(p => p.Key)],
            [.. _seen.Where(p => now - p.Value > _lease).Select(p => p.Key)]);
    }

    /// <summary>
    /// Checks the leases of the object's <paramref name="holders"/>; a stale one that this host has connected counts as
    /// seen now. The clients to ask the cluster about, and those whose lease ran out unseen.
    /// </summary>
    public (List<Guid> Ask, List<Guid> Release) Review(IEnumerable<Guid> holders, Func<Guid, bool> connectedHere)
    {
        var (stale, expired) = Check(holders);
        foreach (var client in stale.Where(connectedHere))
        {
            Seen(client);
        }
        return ([.. stale.Where(c => !connectedHere(c))], [.. expired.Where(c => !IsLive(c))]);
    }

    /// <summary>Whether the client was seen within the lease.</summary>
    public bool IsLive(Guid client) => !_seen.TryGetValue(client, out var seen) || Environment.TickCount64 - seen <= _lease;
}
