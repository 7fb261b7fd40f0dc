namespace ManagedActors.Host.Dashboard;

/// <summary>One push to the dashboard's pages: the overview, every object, the processes, the members and the methods.</summary>
/// <param name="Sequence">The push's number, from 1 when the feed starts; a page shows it, so a test can count pushes.</param>
/// <param name="Time">When the host's status was read.</param>
/// <param name="Address">The host's address.</param>
/// <param name="Overview">The host's totals.</param>
/// <param name="Objects">Every object (in a cluster, with the host that runs it).</param>
/// <param name="Processes">Every process with a session: the host's own, clients, worker processes, this dashboard.</param>
/// <param name="Members">The cluster's members; empty off a cluster.</param>
/// <param name="Methods">Each method's calls over the last second, busiest first.</param>
internal sealed record DashboardSnapshot(
    long Sequence, DateTimeOffset Time, string Address, DashboardOverview Overview, IReadOnlyList<DashboardObject> Objects,
    IReadOnlyList<DashboardProcess> Processes, IReadOnlyList<ClusterMemberStatus> Members, IReadOnlyList<MethodCalls> Methods)
{
    /// <summary>The system name worker processes connect under (their address shows it).</summary>
    private const string WorkerSystem = "managed-actors-worker@";

    public static DashboardSnapshot Of(long sequence, StatusWatch rates, CallWindow calls)
    {
        var status = rates.Current!;
        var processes = status.Clients
            .Select(c => new DashboardProcess(c.Address, c.IsHostProcess ? "host" : c.IsCaller ? "dashboard" : c.Address.Contains(WorkerSystem, StringComparison.Ordinal) ? "worker" : "client", c.Sessions))
            .ToList();
        var objects = status.Objects
            .Select(o => new DashboardObject(
                o.Id, o.Name, o.Kind, o.Size, o.Waiters, o.Holder, o.Kind == "queue" ? o.Size : null, Math.Round(rates.Rate(o), 1),
                calls.KindP50Us.GetValueOrDefault(o.Kind), o.Preview, o.Durability, o.Restarts, o.Host))
            .ToList();
        var overview = new DashboardOverview(
            Math.Round(calls.CallsPerSecond, 1), calls.P50Us, calls.P99Us, Math.Round(calls.ErrorsPerSecond, 1), status.Objects.Sum(o => o.Waiters),
            status.Clients.Sum(c => c.Sessions), status.Objects.Count, processes.Count(p => p.Role == "client"), processes.Count(p => p.Role == "worker"));
        return new DashboardSnapshot(sequence, rates.At, status.Address, overview, objects, processes, status.Members ?? [], calls.Methods);
    }
}

/// <summary>The host's totals over the last second.</summary>
internal sealed record DashboardOverview(
    double CallsPerSecond, double? P50Us, double? P99Us, double ErrorsPerSecond, int Parked, int Sessions, int Objects, int Clients, int Workers);

/// <summary>One object: its status, its calls per second, its kind's p50 latency over the last second, and a preview of its value.</summary>
internal sealed record DashboardObject(
    string Id, string? Name, string Kind, int Size, int Waiters, string? Holder, int? QueueDepth, double CallsPerSecond, double? KindP50Us, string? Preview,
    Durability Durability, int Restarts, string? Host);

/// <summary>One process with sessions on the host, and its role: host, client, worker or dashboard.</summary>
internal sealed record DashboardProcess(string Address, string Role, int Sessions);
