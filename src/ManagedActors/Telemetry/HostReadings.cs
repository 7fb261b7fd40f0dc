namespace ManagedActors.Telemetry;

/// <summary>
/// What a host shows to the observed instruments: its objects by kind, its session count and its cluster's members by
/// status. The counts are read on the exporter's thread, so each is safe to read from any thread.
/// </summary>
/// <param name="Objects">The host's objects by kind, kept by its directory.</param>
/// <param name="Sessions">The number of sessions the host admitted and has not ended.</param>
/// <param name="Members">The cluster's members by status as the host sees them; empty off a cluster.</param>
internal sealed record HostReadings(KindCounts Objects, Func<int> Sessions, Func<IEnumerable<(string Status, int Count)>> Members);

/// <summary>A count per kind, changed by the one actor that owns it and read by exporters from any thread.</summary>
internal sealed class KindCounts
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public void Change(string kind, int delta)
    {
        lock (_counts)
        {
            _counts[kind] = _counts.GetValueOrDefault(kind) + delta;
        }
    }

    public (string Kind, int Count)[] Snapshot()
    {
        lock (_counts)
        {
            return _counts.Select(pair => (pair.Key, pair.Value)).ToArray();
        }
    }
}
