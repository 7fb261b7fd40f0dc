using Akka.Actor;
using ManagedActors.ObjectDirectory;
using ManagedActors.Objects;
using ManagedActors.Runtime;

namespace ManagedActors.Clustering;

/// <summary>
/// Durable objects as sharded entities, each reached through a forwarder child of the directory: its path is the one
/// the object's references carry, so both transports reach a sharded object as any other.
/// </summary>
internal sealed class ShardedObjectRouter(IActorContext directory, ObjectShards shards, HostContext host) : IObjectRouter
{
    private readonly Dictionary<string, IActorRef> _forwarders = new(StringComparer.Ordinal);

    public string Start(ObjectKind kind, ManagedObject? target, Spawn spawn)
    {
        var entityId = spawn.Journal!.PersistenceId;
        var forwarder = Forwarder(entityId);
        _forwarders[spawn.ObjectId] = forwarder;
        if (spawn.Journal.CreateArgs is { } args)
        {
            // Through the forwarder, so it reaches the region before any call the new reference is used for.
            forwarder.Tell(new EntityOpen(entityId, spawn.InterfaceType ?? "", host.Codec.EncodeAll(args)));
        }
        return Akka.Serialization.Serialization.SerializedActorPath(forwarder);
    }

    /// <summary>The object went (nothing holds it): its forwarder stops, so later calls are answered as to any object that is gone.</summary>
    public void Forget(string objectId)
    {
        if (_forwarders.Remove(objectId, out var forwarder))
        {
            directory.Stop(forwarder);
        }
    }

    public string? StoppedOnItsOwn(IActorRef actor) => null;

    private IActorRef Forwarder(string entityId)
    {
        var name = ObjectShards.ForwarderName(entityId);
        var child = directory.Child(name);
        return child.IsNobody() ? directory.ActorOf(ShardForwarder.PropsFor(entityId, shards, host), name) : child;
    }
}
