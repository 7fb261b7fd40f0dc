using System.Collections.Concurrent;
using Akka.Actor;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>
/// Where the answers of sharded objects go on the host that relayed the calls: the member that runs an object cannot
/// reach a client (clients hold the authkey, members prove the cluster key) nor this host's client-facing system, so it
/// answers this host's relay in the members' system, under a key that names the caller's reply target here.
/// </summary>
internal sealed class ReplyBook
{
    private readonly ConcurrentDictionary<IActorRef, long> _keys = new();
    private readonly ConcurrentDictionary<long, IActorRef> _targets = new();
    private readonly ConcurrentDictionary<(long ReplyKey, long CallId), Relayed> _pending = new();
    private readonly ConcurrentDictionary<string, (EntityOpen Open, long FirstSent)> _opening = new(StringComparer.Ordinal);
    private long _next;

    /// <summary>A call on its way to a sharded object, kept until its answer passes the relay.</summary>
    private sealed record Relayed(string EntityId, Guid Client, Guid Session, CallRequest Call, long FirstSent)
    {
        public long LastSent { get; set; } = FirstSent;
    }

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
            if (now - call.FirstSent > giveUp.TotalMilliseconds)
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

    /// <summary>The key of a reply target (a client's reply actor, a lane connection), given once per target.</summary>
    public long KeyOf(IActorRef target)
    {
        if (_keys.TryGetValue(target, out var key))
        {
            return key;
        }
        key = _keys.GetOrAdd(target, _ => Interlocked.Increment(ref _next));
        _targets[key] = target;
        return key;
    }

    public IActorRef? TargetOf(long key) => _targets.GetValueOrDefault(key);

    /// <summary>A reply target that is gone (its client disconnected) gives up its key.</summary>
    public void Forget(IActorRef target)
    {
        if (_keys.TryRemove(target, out var key))
        {
            _targets.TryRemove(key, out _);
        }
    }
}

/// <summary>
/// The relay in the members' system: hands each <see cref="RelayedResults"/> to the reply target its key names, tells
/// the host's directory of each confirmed creation, and sends again, marked as resent, the calls whose answers are overdue.
/// </summary>
internal sealed class ReplyRelay(ReplyBook book, IActorRef directory, IActorRef region, TimeSpan resendAfter, TimeSpan giveUp) : UntypedActor, IWithTimers
{
    public const string Name = "managed-actors-replies";

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(ReplyBook book, IActorRef directory, IActorRef region, TimeSpan resendAfter, TimeSpan giveUp) =>
        Props.Create(() => new ReplyRelay(book, directory, region, resendAfter, giveUp));

    protected override void PreStart() => Timers.StartPeriodicTimer("resend", Resend.Instance, resendAfter / 2);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RelayedResults relayed:
                book.Answered(relayed.ReplyKey, relayed.Results);
                // Sent as from the client-facing host, whose address is the only one a client takes answers from.
                book.TargetOf(relayed.ReplyKey)?.Tell(relayed.Results, directory);
                break;
            case EntityOpened opened:
                book.Opened(opened.EntityId);
                directory.Tell(new CreationConfirmed(opened.EntityId));
                break;
            case Resend:
                foreach (var again in book.Overdue(resendAfter, giveUp))
                {
                    region.Tell(again, Self);
                }
                foreach (var open in book.OverdueOpens(resendAfter, giveUp))
                {
                    region.Tell(open, Self);
                }
                break;
        }
    }

    private sealed class Resend
    {
        public static readonly Resend Instance = new();
    }
}

/// <summary>
/// The reply target a sharded object's runner answers: it wraps the answers for the relay of the host that relayed the
/// calls, so the runner answers a relayed call as it answers any other.
/// </summary>
internal sealed class RelayedReplyTarget(IActorRef relay, long replyKey, IActorRefProvider provider) : MinimalActorRef
{
    public override ActorPath Path { get; } = relay.Path / ("reply-" + replyKey.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public override IActorRefProvider Provider => provider;

    protected override void TellInternal(object message, IActorRef sender)
    {
        if (message is Results results)
        {
            relay.Tell(new RelayedResults(replyKey, results), ActorRefs.NoSender);
        }
    }
}
