using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using ManagedActors.Journaling;
using ManagedActors.Protocol;
using ManagedActors.Runtime;

namespace ManagedActors.Clustering;

/// <summary>
/// A journaled object as a Cluster Sharding entity. Its calls come relayed by the host their client is connected to
/// (<see cref="EntityCalls"/>), which checked the session, and its answers go back through that host's relay. A new
/// object is created by <see cref="EntityOpen"/>; calls that reach an entity whose journal is empty before its creation
/// wait for it, and fail with <see cref="ObjectNotFoundException"/> if it does not come.
/// </summary>
internal sealed class EntityObjectActor : JournaledObjectActor
{
    /// <summary>How long calls wait for the creation of an object the journal does not have.</summary>
    private static readonly TimeSpan CreationWait = TimeSpan.FromSeconds(5);

    private readonly ShardStatus _status;
    private readonly ObjectGauge _gauge;
    private bool _missing;

    public EntityObjectActor(ObjectKind kind, HostContext host, DurabilitySettings durability, string entityId, ShardStatus status, ObjectGauge gauge)
        : base(kind, host, durability, new JournalSpec(Durability.Durable, entityId, null), declared: null, held: null, gauge)
    {
        _status = status;
        _gauge = gauge;
    }

    /// <summary>The props of the entity <paramref name="entityId"/>, whose gauge <paramref name="status"/> shows while it runs.</summary>
    public static Props PropsFor(ObjectKind kind, HostContext host, DurabilitySettings durability, string entityId, ShardStatus status)
    {
        var gauge = status.Started(entityId, kind.Name, host.Instruments);
        return Props.Create(() => new EntityObjectActor(kind, host, durability, entityId, status, gauge)).WithDispatcher(host.ObjectDispatcher);
    }

    /// <summary>
    /// What stops an entity whose shard moves (not a PoisonPill, which would stop it between a write and its
    /// confirmation): it arrives as a message, after the write in progress.
    /// </summary>
    public sealed class HandOff
    {
        public static readonly HandOff Instance = new();
    }

    private sealed class CreationOverdue
    {
        public static readonly CreationOverdue Instance = new();
    }

    /// <summary>An empty journal: the creation may be on its way (a call can come first), so the calls wait for it a while.</summary>
    protected override void NothingRecovered() => Timers.StartSingleTimer(nameof(CreationOverdue), CreationOverdue.Instance, CreationWait);

    protected override bool HandleOwn(object message)
    {
        switch (message)
        {
            case EntityOpen open when !HasObject:
                Create(open);
                return true;
            case EntityOpen open:
                // Get-or-create: an object that exists keeps its state.
                Sender.Tell(new EntityOpened(open.EntityId));
                return true;
            case HandOff:
                Context.Stop(Self);
                return true;
            case EntityCalls { Open: { } open } relayed when !HasObject:
                // The creation went astray (a member died with it, a shard moved): the calls carry it.
                Create(open);
                RunCalls(relayed.Calls, ReplyTo(relayed), relayed.Client);
                return true;
            case EntityCalls when !HasObject && !_missing:
                Stash.Stash();
                return true;
            case EntityCalls relayed when !HasObject:
                ReplyTo(relayed).Tell(Results.AllFailed(relayed.Calls, new ObjectNotFoundException($"No {Kind.Name} '{PersistenceId}' exists in the cluster.")));
                return true;
            case EntityCalls relayed:
                RunCalls(relayed.Calls, ReplyTo(relayed), relayed.Client);
                return true;
            case CreationOverdue when !HasObject:
                // The calls that waited are answered, and the entity goes until a call or a creation starts it again.
                _missing = true;
                Stash.UnstashAll();
                Context.Parent.Tell(new Passivate(PoisonPill.Instance));
                return true;
            case CreationOverdue:
                return true;
            case EntityCancel cancel when HasObject:
                Withdraw(cancel.Client, cancel.CallId);
                return true;
            case PresenceReply reply:
                foreach (var client in reply.Connected)
                {
                    Seen(client);
                }
                return true;
            default:
                return false;
        }
    }

    /// <summary>Asks every member's host whether it has these clients connected; each that has one says so.</summary>
    protected override void AskAbout(IReadOnlyList<Guid> clients)
    {
        var query = new PresenceQuery([.. clients]);
        foreach (var member in Cluster.Get(Context.System).State.Members.Where(m => m.Status == MemberStatus.Up))
        {
            Context.ActorSelection(new RootActorPath(member.Address) / "user" / ClientPresence.Name).Tell(query, Self);
        }
    }

    protected override void PostStop()
    {
        _status.Stopped(PersistenceId, _gauge);
        base.PostStop();
    }

    /// <summary>Creates the object and journals its creation; the host that asked is told once the journal has it.</summary>
    private void Create(EntityOpen open)
    {
        _missing = false;
        Timers.Cancel(nameof(CreationOverdue));
        var asker = Sender;
        var entityId = open.EntityId;
        Create(open.CreateArgs, open.InterfaceType.Length > 0 ? Kind.DeclaredArguments(open.InterfaceType, Host.Codec.AllowList) : null,
            () => asker.Tell(new EntityOpened(entityId)));
        Stash.UnstashAll();
    }

    private RelayedReplyTarget ReplyTo(EntityCalls relayed) =>
        new(Sender, relayed.ReplyKey, ((ExtendedActorSystem)Context.System).Provider);
}
