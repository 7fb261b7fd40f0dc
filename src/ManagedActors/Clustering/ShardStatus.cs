using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using ManagedActors.Journaling;
using ManagedActors.Runtime;
using ManagedActors.Telemetry;

namespace ManagedActors.Clustering;

/// <summary>
/// Where a cluster's sharded objects run, for status reports. Each member answers for the objects it runs (its
/// region's entities, with the gauges their runners keep); the client-facing side of each host asks every member every
/// two seconds and keeps the last answers, which the directory's status reads without waiting.
/// </summary>
internal sealed class ShardStatus
{
    public const string ActorName = "managed-actors-shards";
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(2);
    private volatile IReadOnlyList<ObjectStatus> _objects = [];

    /// <summary>The gauges of the entities this member runs, by entity id.</summary>
    private readonly ConcurrentDictionary<string, ObjectGauge> _gauges = new(StringComparer.Ordinal);

    /// <summary>An entity of this member starts: its gauge, shown until it stops.</summary>
    public ObjectGauge Started(string entityId, string kind = "", Instruments? instruments = null) =>
        _gauges[entityId] = new ObjectGauge(Durability.Durable, kind, instruments);

    /// <summary>An entity stopped (passivated, handed off): its gauge goes, unless a newer start of it replaced the gauge.</summary>
    public void Stopped(string entityId, ObjectGauge gauge) => _gauges.TryRemove(new KeyValuePair<string, ObjectGauge>(entityId, gauge));

    /// <summary>How many entities of this member have a gauge.</summary>
    public int Running => _gauges.Count;

    /// <summary>Every sharded object running in the cluster as last collected, with the host it runs on.</summary>
    public IReadOnlyList<ObjectStatus> Objects => _objects;

    /// <summary>Starts this member's answering actor and the collection loop, which ends with the member system.</summary>
    public void Start(ActorSystem members, IActorRef region, string hostAddress)
    {
        members.ActorOf(Props.Create(() => new Responder(this, region, hostAddress)), ActorName);
        var stopping = new CancellationTokenSource();
        members.RegisterOnTermination(stopping.Cancel);
        _ = CollectAsync(members, stopping.Token);
    }

    private async Task CollectAsync(ActorSystem members, CancellationToken stopping)
    {
        var cluster = Cluster.Get(members);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var asks = cluster.State.Members.Where(m => m.Status == MemberStatus.Up)
                    .Select(m => members.ActorSelection(new RootActorPath(m.Address) / "user" / ActorName).Ask<ShardStatusReport>(ShardStatusQuery.Instance, Every));
                var reports = new List<ShardStatusReport>();
                foreach (var ask in asks.ToList())
                {
                    try
                    {
                        reports.Add(await ask.ConfigureAwait(false));
                    }
                    catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
                    {
                        // A member that does not answer now shows its objects next time.
                    }
                }
                _objects = reports.SelectMany(r => r.Entities.Select(e => StatusOf(e, r.Host))).OrderBy(o => o.Name is null).ThenBy(o => o.Id, StringComparer.Ordinal).ToList();
                await Task.Delay(Every, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>An entity's status from its id (<see cref="PersistenceIds"/>).</summary>
    private static ObjectStatus StatusOf(EntityGauge entity, string host)
    {
        var (kind, name, id) = PersistenceIds.Parse(entity.EntityId);
        return new ObjectStatus(id, name, kind, entity.Size, entity.Waiters, Durability.Durable, Host: host, Calls: entity.Calls);
    }

    /// <summary>Answers for the entities of this member's region.</summary>
    private sealed class Responder(ShardStatus status, IActorRef region, string hostAddress) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is not ShardStatusQuery)
            {
                return;
            }
            var asker = Sender;
            region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, Every).ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    asker.Tell(new ShardStatusReport(hostAddress, t.Result.Shards.SelectMany(s => s.EntityIds)
                        .Select(id => status._gauges.TryGetValue(id, out var gauge) ? new EntityGauge(id, gauge.Size, gauge.Waiters, gauge.Calls) : new EntityGauge(id, 0, 0))
                        .ToArray()));
                }
            }, TaskContinuationOptions.ExecuteSynchronously);
        }
    }
}
