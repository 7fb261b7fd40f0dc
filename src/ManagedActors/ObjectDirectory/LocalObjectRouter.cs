using Akka.Actor;
using ManagedActors.Journaling;
using ManagedActors.Objects;
using ManagedActors.Runtime;

namespace ManagedActors.ObjectDirectory;

/// <summary>Objects as child actors of the directory, watched by it, at <c>/user/managed-actors/directory/oN</c>.</summary>
internal sealed class LocalObjectRouter(IActorContext directory, HostContext host, DurabilitySettings durability) : IObjectRouter
{
    private readonly Dictionary<string, IActorRef> _actors = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _ids = [];

    public string Start(ObjectKind kind, ManagedObject? target, Spawn spawn)
    {
        var held = new HeldReferences(spawn.ObjectId, directory.Self, spawn.Holds);
        // A journaled object runs under a supervisor that starts it again (from its journal) when it stops: after a
        // journal write failed, say. Calls go to the supervisor, which forwards them, sender and all.
        var props = spawn.Journal is { } journal
            ? ObjectSupervisor.PropsFor(
                JournaledObjectActor.PropsFor(kind, host, durability, journal, spawn.Declared, held, spawn.Gauge), durability, host.Settings.MaxMessageSize)
            : ObjectActor.PropsFor(target ?? throw new ArgumentNullException(nameof(target), "A plain object starts from its instance."), kind.Binding, host,
                spawn.Declared, held, spawn.Gauge, kind.Fatal, spawn.CreateArgs is { } args ? () => kind.Create(args, host) : null);
        var actor = directory.Watch(directory.ActorOf(props, spawn.ActorName));
        _actors[spawn.ObjectId] = actor;
        _ids[actor] = spawn.ObjectId;
        return Akka.Serialization.Serialization.SerializedActorPath(actor);
    }

    public void Forget(string objectId)
    {
        if (_actors.Remove(objectId, out var actor))
        {
            _ids.Remove(actor);
            directory.Stop(actor);
        }
    }

    /// <summary>Sends <paramref name="message"/> to the object's actor (its supervisor, for a journaled one), from the directory.</summary>
    public void Send(string objectId, object message)
    {
        if (_actors.TryGetValue(objectId, out var actor))
        {
            actor.Tell(message, directory.Self);
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
