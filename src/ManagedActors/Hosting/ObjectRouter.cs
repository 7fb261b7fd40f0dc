using Akka.Actor;
using ManagedActors.Objects;

namespace ManagedActors.Hosting;

/// <summary>
/// Where an object runs and where its calls go, by object id: the one seam between the directory and the actors that
/// run objects. The local router starts each object as a child actor of the directory; a cluster swaps in one that
/// starts objects as sharded entities and routes through the shard region.
/// </summary>
internal interface IObjectRouter
{
    /// <summary>
    /// Starts the object (from <paramref name="target"/>, or from its journal when <see cref="Spawn.Journal"/> is set);
    /// the path its calls are sent to, which its references carry.
    /// </summary>
    string Start(ObjectKind kind, ManagedObject? target, Spawn spawn);

    /// <summary>Where calls to the object go now, or null when it does not run here.</summary>
    IActorRef? Route(string objectId);

    /// <summary>Stops the object; calls that reach it afterwards are answered with <see cref="ObjectNotFoundException"/>.</summary>
    void Forget(string objectId);

    /// <summary>The object whose actor stopped, when the router did not stop it itself; null otherwise.</summary>
    string? StoppedOnItsOwn(IActorRef actor);
}

/// <summary>Objects as child actors of the directory, watched by it, at <c>/user/managed-actors/directory/oN</c>.</summary>
internal sealed class LocalObjectRouter(IActorContext directory, HostContext host) : IObjectRouter
{
    private readonly Dictionary<string, IActorRef> _actors = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _ids = [];

    public string Start(ObjectKind kind, ManagedObject? target, Spawn spawn)
    {
        var held = new HeldReferences(spawn.ObjectId, directory.Self, spawn.Holds);
        // A journaled object runs under a supervisor that starts it again (from its journal) when it stops: after a
        // journal write failed, say. Calls go to the supervisor, which forwards them, sender and all.
        var props = spawn.Journal is { } journal
            ? ObjectSupervisor.PropsFor(JournaledObjectActor.PropsFor(kind, host, journal, spawn.Declared, held, spawn.Gauge), host)
            : ObjectActor.PropsFor(target ?? throw new ArgumentNullException(nameof(target), "A plain object starts from its instance."), kind.Binding, host, spawn.Declared, held, spawn.Gauge, kind.Fatal,
                spawn.CreateArgs is { } args ? () => kind.Create(args, host) : null);
        var actor = directory.Watch(directory.ActorOf(props, spawn.ActorName));
        _actors[spawn.ObjectId] = actor;
        _ids[actor] = spawn.ObjectId;
        return Akka.Serialization.Serialization.SerializedActorPath(actor);
    }

    public IActorRef? Route(string objectId) => _actors.GetValueOrDefault(objectId);

    public void Forget(string objectId)
    {
        if (_actors.Remove(objectId, out var actor))
        {
            _ids.Remove(actor);
            directory.Stop(actor);
        }
    }

    public string? StoppedOnItsOwn(IActorRef actor)
    {
        if (!_ids.Remove(actor, out var objectId))
        {
            return null;
        }
        _actors.Remove(objectId);
        return objectId;
    }
}
