using System.Collections.Concurrent;
using Akka.Actor;
using ManagedActors.Protocol;

namespace ManagedActors.Clustering;

/// <summary>
/// Where the answers of sharded objects go on the host that relayed the calls: the member that runs an object cannot
/// reach a client (clients hold the authkey, members prove the cluster key) nor this host's client-facing system, so it
/// answers this host's relay in the members' system, under a key that names the caller's reply target here. The book
/// also keeps each relayed call and creation until it is answered, so what a dying member took with it is sent again.
/// Everything in it is bounded in time: calls and creations older than their callers' timeout go (a call parked in
/// its object, a lock's acquire, say, stays while its session is open), and so do the keys of reply targets idle that
/// long (a client that left).
/// </summary>
/// <param name="sessionOpen">Whether a session of this host is open: its calls are kept, however long they wait.</param>
internal sealed class ReplyBook(Func<Guid, bool> sessionOpen)
{
    private readonly ConcurrentDictionary<IActorRef, Key> _keys = new();
    private readonly ConcurrentDictionary<long, IActorRef> _targets = new();
    private readonly ConcurrentDictionary<(long ReplyKey, long CallId), Relayed> _pending = new();
    private readonly ConcurrentDictionary<string, (EntityOpen Open, long FirstSent)> _opening = new(StringComparer.Ordinal);
    private long _next;

    /// <summary>A call on its way to a sharded object, kept until its answer passes the relay.</summary>
    private sealed record Relayed(string EntityId, Guid Client, Guid Session, CallRequest Call, long FirstSent)
    {
        public long LastSent { get; set; } = FirstSent;
    }

    /// <summary>A reply target's key and when it was last given out; a key let go is never given out again.</summary>
    private sealed class Key(long id)
    {
        public long Id { get; } = id;

        public long LastUsed { get; set; }

        public bool Forgotten { get; set; }
    }

    /// <summary>How many reply targets have a key now.</summary>
    public int Targets => _targets.Count;

    /// <summary>Remembers relayed calls until their answers come back, so that calls lost with a member are sent again.</summary>
    public void Track(EntityCalls relayed)
    {
        var now = Environment.TickCount64;
        foreach (var call in relayed.Calls.Items)
        {
            _pending[(relayed.ReplyKey, call.CallId)] = new Relayed(relayed.EntityId, relayed.Client, relayed.Calls.Session, call, now);
        }
    }

    /// <summary>Remembers a creation until the object says it exists: one that a member took with it is sent again.</summary>
    public void Track(EntityOpen open) => _opening[open.EntityId] = (open, Environment.TickCount64);

    /// <summary>The creation of an object not yet confirmed, which calls to it carry; null once it exists.</summary>
    public EntityOpen? OpenOf(string entityId) => _opening.TryGetValue(entityId, out var open) ? open.Open : null;

    /// <summary>The object exists.</summary>
    public void Opened(string entityId) => _opening.TryRemove(entityId, out _);

    /// <summary>The creations unconfirmed for <paramref name="after"/>, to send again; those older than <paramref name="giveUp"/> are dropped.</summary>
    public List<EntityOpen> OverdueOpens(TimeSpan after, TimeSpan giveUp)
    {
        var now = Environment.TickCount64;
        var due = new List<EntityOpen>();
        foreach (var (id, (open, first)) in _opening)
        {
            if (now - first > giveUp.TotalMilliseconds)
            {
                _opening.TryRemove(id, out _);
            }
            else if (now - first > after.TotalMilliseconds)
            {
                due.Add(open);
            }
        }
        return due;
    }

    /// <summary>Answers came back: their calls are no longer pending.</summary>
    public void Answered(long replyKey, Results results)
    {
        foreach (var item in results.Items)
        {
            _pending.TryRemove((replyKey, item.CallId), out _);
        }
    }

    /// <summary>
    /// The calls unanswered for <paramref name="after"/> since they were last sent, as resent batches (a member that
    /// died with them, or a shard moving, lost them; the journaled object answers a call it already ran with its first
    /// answer). Calls older than <paramref name="giveUp"/> are dropped: their callers have timed out.
    /// </summary>
    public List<EntityCalls> Overdue(TimeSpan after, TimeSpan giveUp)
    {
        var now = Environment.TickCount64;
        var due = new List<(long ReplyKey, Relayed Call)>();
        foreach (var (key, call) in _pending)
        {
            if (now - call.FirstSent > giveUp.TotalMilliseconds && !sessionOpen(call.Session))
            {
                _pending.TryRemove(key, out _);
            }
            else if (now - call.LastSent > after.TotalMilliseconds)
            {
                call.LastSent = now;
                due.Add((key.ReplyKey, call));
            }
        }
        return due
            .GroupBy(d => (d.ReplyKey, d.Call.EntityId, d.Call.Client, d.Call.Session))
            .Select(g => new EntityCalls(g.Key.EntityId, g.Key.Client, g.Key.ReplyKey, new Calls(g.Key.Session, g.Select(d => d.Call.Call).ToArray(), Resent: true),
                OpenOf(g.Key.EntityId)))
            .ToList();
    }

    /// <summary>The key of a reply target (a client's reply actor, a lane connection), the same while the target is in use.</summary>
    public long KeyOf(IActorRef target)
    {
        while (true)
        {
            var key = _keys.GetOrAdd(target, static (_, book) => new Key(Interlocked.Increment(ref book._next)), this);
            lock (key)
            {
                if (!key.Forgotten)
                {
                    key.LastUsed = Environment.TickCount64;
                    _targets[key.Id] = target;
                    return key.Id;
                }
            }
        }
    }

    public IActorRef? TargetOf(long key) => _targets.GetValueOrDefault(key);

    /// <summary>
    /// Lets go of the keys of reply targets idle for longer than <paramref name="idle"/> with no call pending under them:
    /// their clients left (or reconnected with another target), and a late answer has no caller to reach.
    /// </summary>
    public void ForgetIdle(TimeSpan idle)
    {
        var now = Environment.TickCount64;
        HashSet<long>? busy = null;
        foreach (var (target, key) in _keys)
        {
            lock (key)
            {
                if (now - key.LastUsed <= idle.TotalMilliseconds)
                {
                    continue;
                }
                busy ??= _pending.Keys.Select(k => k.ReplyKey).ToHashSet();
                if (busy.Contains(key.Id))
                {
                    continue;
                }
                key.Forgotten = true;
            }
            _keys.TryRemove(new KeyValuePair<IActorRef, Key>(target, key));
            _targets.TryRemove(key.Id, out _);
        }
    }
}
