using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Cluster.Sharding;
using ManagedActors.Journaling;
using ManagedActors.Protocol;
using ManagedActors.Runtime;

namespace ManagedActors.Clustering;

/// <summary>
/// The durable objects of a cluster as Cluster Sharding entities, one region per host in the members' system. An
/// object's entity id is its journal's persistence id (kind, and name or random id), so any host finds a named object
/// by computing it, and a host that takes over a shard recovers the object from the shared journal on its next call.
/// </summary>
internal sealed class ObjectShards
{
    public const string TypeName = "managed-objects";

    private ObjectShards(IActorRef region, IActorRef relay, ReplyBook replies, ShardStatus status)
    {
        Status = status;
        Region = region;
        Relay = relay;
        Replies = replies;
    }

    /// <summary>This host's shard region: every message to a sharded object goes through it.</summary>
    public IActorRef Region { get; }

    /// <summary>This host's relay, the sender of every call it forwards, which takes the answers back.</summary>
    public IActorRef Relay { get; }

    public ReplyBook Replies { get; }

    /// <summary>Where the cluster's sharded objects run, for status reports.</summary>
    public ShardStatus Status { get; }

    /// <summary>
    /// Starts this host's region; <paramref name="directory"/> is the host's object directory, which answers appear to
    /// come from and which hears of confirmed creations.
    /// </summary>
    public static async Task<ObjectShards> StartAsync(
        ActorSystem members, HostContext host, DurabilitySettings durability, ClusterSettings cluster, IActorRef directory)
    {
        var replies = new ReplyBook(host.Sessions.IsValid);
        var status = new ShardStatus();
        var sharding = ClusterSharding.Get(members);
        var settings = ClusterShardingSettings.Create(members);
        var region = await sharding.StartAsync(
            TypeName,
            entityId => EntityProps(entityId, host, durability, status),
            settings,
            new EntityExtractor(cluster.Shards),
            sharding.DefaultShardAllocationStrategy(settings),
            EntityObjectActor.HandOff.Instance).ConfigureAwait(false);
        var relay = members.ActorOf(ReplyRelay.PropsFor(replies, directory, region, cluster.ResendAfter,
            host.Settings.CallTimeout + host.Settings.BlockingCallMargin), ReplyRelay.Name);
        status.Start(members, region, host.HostAddress);
        members.ActorOf(ClientPresence.PropsFor(host.Sessions), ClientPresence.Name);
        return new ObjectShards(region, relay, replies, status);
    }

    /// <summary>The name of the forwarder a host keeps for an entity (actor names cannot hold every character of an id).</summary>
    public static string ForwarderName(string entityId) =>
        "s" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(entityId)), 0, 16).ToLowerInvariant();

    private static Props EntityProps(string entityId, HostContext host, DurabilitySettings durability, ShardStatus status)
    {
        if (host.Kinds.All.FirstOrDefault(k => PersistenceIds.IsOfKind(entityId, k.Name)) is not { } kind)
        {
            return Props.Create(() => new UnknownEntity(entityId));
        }
        return EntityObjectActor.PropsFor(kind, host, durability, entityId, status);
    }

    /// <summary>Entity ids from the members' messages, shards by the id's hash.</summary>
    private sealed class EntityExtractor(int shards) : HashCodeMessageExtractor(shards)
    {
        public override string? EntityId(object message) => (message as IEntityMessage)?.EntityId;
    }

    /// <summary>An entity whose kind this host does not serve (hosts with different registrations): its calls fail.</summary>
    private sealed class UnknownEntity(string entityId) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is EntityCalls calls)
            {
                var error = new ManagedTypeNotLoadedException(entityId, $"The cluster member that runs '{entityId}' does not serve its type; register it on every host.");
                new RelayedReplyTarget(Sender, calls.ReplyKey, ((ExtendedActorSystem)Context.System).Provider).Tell(Results.AllFailed(calls.Calls, error));
            }
        }
    }
}
