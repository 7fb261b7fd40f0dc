using System.Collections.Concurrent;
using Akka.Actor;

namespace ManagedActors.Proxies;

/// <summary>
/// The one place where a reference becomes an actor to send calls to. Today that is the object actor's path;
/// a cluster resolver can route through Cluster Sharding instead without touching proxies.
/// </summary>
internal interface IObjectResolver
{
    IActorRef Resolve(ObjectReference reference);
}

/// <summary>Resolves a reference to its object actor by path, once per path.</summary>
internal sealed class ActorPathResolver : IObjectResolver
{
    private readonly ExtendedActorSystem _system;
    private readonly ConcurrentDictionary<string, IActorRef> _cache = new(StringComparer.Ordinal);

    public ActorPathResolver(ActorSystem system) => _system = (ExtendedActorSystem)system;

    public IActorRef Resolve(ObjectReference reference) =>
        _cache.GetOrAdd(reference.ActorPath, path => _system.Provider.ResolveActorRef(path));
}
