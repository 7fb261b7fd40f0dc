using Akka.Actor;
using ManagedActors.Objects;
using ManagedActors.Runtime;

namespace ManagedActors.ObjectDirectory;

/// <summary>
/// Where an object runs, by object id: the one seam between the directory and the actors that run objects. The local
/// router starts each object as a child actor of the directory; a cluster adds one that starts durable objects as
/// sharded entities (<c>Clustering.ShardedObjectRouter</c>).
/// </summary>
internal interface IObjectRouter
{
    /// <summary>
    /// Starts the object (from <paramref name="target"/>, or from its journal when <see cref="Spawn.Journal"/> is set);
    /// the path its calls are sent to, which its references carry.
    /// </summary>
    string Start(ObjectKind kind, ManagedObject? target, Spawn spawn);

    /// <summary>Stops the object; calls that reach it afterwards are answered with <see cref="ObjectNotFoundException"/>.</summary>
    void Forget(string objectId);

    /// <summary>The object whose actor stopped, when the router did not stop it itself; null otherwise.</summary>
    string? StoppedOnItsOwn(IActorRef actor);
}
