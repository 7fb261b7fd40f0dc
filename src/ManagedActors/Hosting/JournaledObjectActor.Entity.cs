using Akka.Actor;
using Akka.Cluster.Sharding;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>
/// A journaled object as a Cluster Sharding entity. Its calls come relayed by the host their client is connected to
/// (<see cref="EntityCalls"/>), which checked the session, and its answers go back through that host's relay. A new
/// object is created by <see cref="EntityOpen"/>; calls that reach an entity whose journal is empty before its creation
/// wait for it, and fail with <see cref="ObjectNotFoundException"/> if it does not come.
/// </summary>
internal sealed partial class JournaledObjectActor
{
    private readonly bool _entity;
    private bool _missing;

    /// <summary>How long calls wait for the creation of an object the journal does not have.</summary>
    private static readonly TimeSpan CreationWait = TimeSpan.FromSeconds(5);

    private sealed class CreationOverdue
    {
        public static readonly CreationOverdue Instance = new();
    }

    /// <summary>
    /// What stops an entity whose shard moves (not a PoisonPill, which would stop it between a write and its
    /// confirmation): it arrives as a message, after the write in progress.
    /// </summary>
    public sealed class HandOff
    {
        public static readonly HandOff Instance = new();
    }

    private void AwaitCreation() => Timers.StartSingleTimer(nameof(CreationOverdue), CreationOverdue.Instance, CreationWait);

    /// <summary>A sharded object's own messages; false for everything else (answered as for any journaled object).</summary>
    private bool EntityCommand(object message)
    {
        switch (message)
        {
            case EntityOpen open when _runner is null:
                Create(open);
                return true;
            case EntityOpen open:
                // Get-or-create: an object that exists keeps its state.
                Sender.Tell(new EntityOpened(open.EntityId));
                return true;
            case HandOff:
                Context.Stop(Self);
                return true;
            case EntityCalls { Open: { } open } relayed when _runner is null:
                // The creation went astray (a member died with it, a shard moved): the calls carry it.
                Create(open);
                RunCalls(relayed.Calls, ReplyTo(relayed), relayed.Client);
                return true;
            case EntityCalls relayed when _runner is null && !_missing:
                Stash.Stash();
                return true;
            case EntityCalls relayed when _runner is null:
                ReplyTo(relayed).Tell(Results.AllFailed(relayed.Calls, new ObjectNotFoundException($"No {_kind.Name} '{PersistenceId}' exists in the cluster.")));
                return true;
            case EntityCalls relayed:
                RunCalls(relayed.Calls, ReplyTo(relayed), relayed.Client);
                return true;
            case CreationOverdue when _runner is null:
                // The calls that waited are answered, and the entity goes until a call or a creation starts it again.
                _missing = true;
                Stash.UnstashAll();
                Context.Parent.Tell(new Passivate(PoisonPill.Instance));
                return true;
            case CreationOverdue:
                return true;
            default:
                return false;
        }
    }

    /// <summary>Creates the object and journals its creation; the host that asked is told once the journal has it.</summary>
    private void Create(EntityOpen open)
    {
        _missing = false;
        Timers.Cancel(nameof(CreationOverdue));
        _createArgs = open.CreateArgs;
        _declared = open.InterfaceType.Length > 0 ? RegistryObject.DeclaredArguments(_kind, open.InterfaceType, _host) : null;
        _runner = _runnerFor(_kind.Create(_host.Codec.DecodeAll(open.CreateArgs), _host));
        var asker = Sender;
        var entityId = open.EntityId;
        Persist(new ObjectCreated(open.CreateArgs), _ => asker.Tell(new EntityOpened(entityId)));
        _runner.Recovered();
        Stash.UnstashAll();
    }

    private RelayedReplyTarget ReplyTo(EntityCalls relayed) =>
        new(Sender, relayed.ReplyKey, ((ExtendedActorSystem)Context.System).Provider);
}
