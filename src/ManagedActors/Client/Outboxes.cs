using System.Collections.Concurrent;
using Akka.Actor;

namespace ManagedActors.Client;

/// <summary>
/// The outbox of each object this session calls, by the object's path, with the object's actor resolved once. Bounded:
/// past <see cref="Capacity"/> objects the table starts again (a proxy keeps its own outbox, so only proxies made
/// afterwards get new ones), as akka's resolve cache does, so a client that touches objects by the million does not fill
/// its memory.
/// </summary>
internal sealed class Outboxes(ActorSystem system, ICallChannel channel, int maxCalls, int maxBytes)
{
    /// <summary>How many objects' outboxes the table keeps.</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Outbox> _byPath = new(StringComparer.Ordinal);

    public int Count => _byPath.Count;

    /// <summary>The outbox of the object at <paramref name="path"/>.</summary>
    public Outbox For(string path)
    {
        if (_byPath.TryGetValue(path, out var outbox))
        {
            return outbox;
        }
        if (_byPath.Count >= Capacity)
        {
            _byPath.Clear();
        }
        return _byPath.GetOrAdd(path, p => new Outbox(((ExtendedActorSystem)system).Provider.ResolveActorRef(p), p, channel, maxCalls, maxBytes));
    }
}
