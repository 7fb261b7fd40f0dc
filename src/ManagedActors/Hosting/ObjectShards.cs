using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Cluster.Sharding;
using ManagedActors.Objects;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>
/// The durable objects of a cluster as Cluster Sharding entities, one region per host in the members' system. An
/// object's entity id is its journal's persistence id (kind, and name or random id), so any host finds a named object
/// by computing it, and a host that takes over a shard recovers the object from the shared journal on its next call.
/// </summary>
internal sealed class ObjectShards
{
    public const string TypeName = "managed-objects";

    private ObjectShards(IActorRef region, IActorRef relay, ReplyBook replies, ActorSystem members, ShardStatus status)
    {
        Status = status;
        Region = region;
        Relay = relay;
        Replies = replies;
        Members = members;
    }

    /// <summary>This host's shard region: every message to a sharded object goes through it.</summary>
    public IActorRef Region { get; }

    /// <summary>This host's relay, the sender of every call it forwards, which takes the answers back.</summary>
    public IActorRef Relay { get; }

    public ReplyBook Replies { get; }

    /// <summary>Where the cluster's sharded objects run, for status reports.</summary>
    public ShardStatus Status { get; }

    /// <summary>The members' system the region runs in.</summary>
    public ActorSystem Members { get; }

    /// <summary>
    /// Starts this host's region; <paramref name="directory"/> is the host's object directory, which answers appear to
    /// come from and which hears of confirmed creations.
    /// </summary>
    public static async Task<ObjectShards> StartAsync(ActorSystem members, HostContext host, IActorRef directory, int shards)
    {
        var replies = new ReplyBook();
        var status = new ShardStatus();
        var sharding = ClusterSharding.Get(members);
        var settings = ClusterShardingSettings.Create(members);
        var region = await sharding.StartAsync(
            TypeName,
            entityId => EntityProps(entityId, host, status),
            settings,
            new EntityExtractor(shards),
            sharding.DefaultShardAllocationStrategy(settings),
            JournaledObjectActor.HandOff.Instance).ConfigureAwait(false);
        var config = members.Settings.Config;
        var relay = members.ActorOf(ReplyRelay.PropsFor(replies, directory, region,
            config.GetTimeSpan("managed-actors.cluster.resend-after", TimeSpan.FromSeconds(2)),
            host.Settings.CallTimeout + host.Settings.BlockingCallMargin), ReplyRelay.Name);
        status.Start(members, region, host.HostAddress);
        return new ObjectShards(region, relay, replies, members, status);
    }

    /// <summary>The name of the forwarder a host keeps for an entity (actor names cannot hold every character of an id).</summary>
    public static string ForwarderName(string entityId) =>
        "s" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(entityId)), 0, 16).ToLowerInvariant();

    private static Props EntityProps(string entityId, HostContext host, ShardStatus status)
    {
        if (host.Registrations.All.FirstOrDefault(k => entityId.StartsWith(RegistryObject.PersistencePrefix + k.Name + "|", StringComparison.Ordinal)) is not { Journalable: true } kind)
        {
            return Props.Create(() => new UnknownEntity(entityId));
        }
        var gauge = status.Gauges[entityId] = new ObjectGauge(Durability.Durable);
        return JournaledObjectActor.PropsFor(kind, host, new JournalSpec(Durability.Durable, entityId, null), declared: null, held: null, gauge, entity: true);
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

/// <summary>
/// A client-facing host's stand-in for one sharded object, at the path its references carry: it checks the caller's
/// session as an object would, then relays the calls into the shard region with the caller's client id.
/// </summary>
internal sealed class ShardForwarder(string entityId, ObjectShards shards, HostContext host) : UntypedActor
{
    public static Props PropsFor(string entityId, ObjectShards shards, HostContext host) =>
        Props.Create(() => new ShardForwarder(entityId, shards, host));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Calls calls when !host.Sessions.IsValidFor(calls.Session, Sender):
                ReplyFrames.RefuseSession(Sender, calls, host.Settings.MaxMessageSize);
                break;
            case Calls calls:
                var relayed = new EntityCalls(entityId, host.Sessions.ClientOf(calls.Session), shards.Replies.KeyOf(Sender), calls, shards.Replies.OpenOf(entityId));
                shards.Replies.Track(relayed);
                shards.Region.Tell(relayed, shards.Relay);
                break;
            case EntityOpen open:
                shards.Replies.Track(open);
                shards.Region.Tell(open, shards.Relay);
                break;
        }
    }
}

/// <summary>Durable objects as sharded entities, each reached through a forwarder child of the directory.</summary>
internal sealed class ShardedObjectRouter(IActorContext directory, ObjectShards shards, HostContext host) : IObjectRouter
{
    public string Start(ObjectKind kind, ManagedObject? target, Spawn spawn)
    {
        var entityId = spawn.Journal!.PersistenceId;
        var forwarder = Forwarder(entityId);
        if (spawn.Journal.CreateArgs is { } args)
        {
            // Through the forwarder, so it reaches the region before any call the new reference is used for.
            forwarder.Tell(new EntityOpen(entityId, spawn.InterfaceType ?? "", host.Codec.EncodeAll(args)));
        }
        return Akka.Serialization.Serialization.SerializedActorPath(forwarder);
    }

    public IActorRef? Route(string objectId) => null;

    public void Forget(string objectId)
    {
    }

    public string? StoppedOnItsOwn(IActorRef actor) => null;

    private IActorRef Forwarder(string entityId)
    {
        var name = ObjectShards.ForwarderName(entityId);
        var child = directory.Child(name);
        return child.IsNobody() ? directory.ActorOf(ShardForwarder.PropsFor(entityId, shards, host), name) : child;
    }
}
