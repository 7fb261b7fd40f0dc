using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using ManagedActors.Objects;
using ManagedActors.Protocol;
using ManagedActors.Runtime;
using ManagedActors.Sessions;

namespace ManagedActors.Journaling;

/// <summary>
/// The actor of a journaled object (<see cref="Durability.Memory"/>, <see cref="Durability.Durable"/>): the same
/// runner as <see cref="ObjectActor"/>, and a journal. Each batch of calls runs at once; if any of its calls may have
/// changed the object, the batch's answers wait until those calls are journaled as one event (command sourcing: the
/// call is the event), and Akka.Persistence holds the next batches back meanwhile, so no caller sees a change the
/// journal does not have. Recovery replays the creation and the journaled calls. A write the journal fails answers
/// the batch with <see cref="PersistenceFailedException"/> and stops the actor; its backoff supervisor starts it again,
/// and it recovers what the journal kept. A cluster's sharded object is this actor with an entity's messages on top
/// (<c>Clustering.EntityObjectActor</c>).
/// </summary>
internal class JournaledObjectActor : UntypedPersistentActor, IRunnerHost, IWithUnboundedStash
{
    private readonly HeldReferences? _held;
    private readonly ObjectGauge? _gauge;
    private byte[]? _createArgs;
    private Type[]? _declared;
    private ObjectRunner? _runner;
    private RequestLedger? _ledger;
    private BatchOutcome? _persisting;
    private HolderLeases? _leases;
    private JournalVersionException? _refusal;
    private readonly Snapshots _snapshots;

    public JournaledObjectActor(
        ObjectKind kind, HostContext host, DurabilitySettings durability, JournalSpec spec, Type[]? declared, HeldReferences? held, ObjectGauge? gauge)
    {
        Kind = kind;
        Host = host;
        Journaling = durability;
        _declared = declared;
        _held = held;
        _gauge = gauge;
        // Encoded once: every start builds its object from its own decoded copy, never from an instance a run changed.
        _createArgs = spec.CreateArgs is { } args ? Host.Codec.EncodeAll(args) : null;
        PersistenceId = spec.PersistenceId;
        _leases = kind.HoldsCallers ? new HolderLeases(durability.HoldLease) : null;
        (JournalPluginId, SnapshotPluginId) = DurabilitySettings.PluginsFor(spec.Durability);
        _snapshots = new Snapshots(PersistenceId, Context.GetLogger(), host.Codec, snapshot => SaveSnapshot(snapshot), DeleteMessages,
            at => DeleteSnapshots(new SnapshotSelectionCriteria(at - 1)));
        gauge?.Started();
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    protected ObjectKind Kind { get; }

    protected HostContext Host { get; }

    /// <summary>The journaling settings: snapshots, the memory of answers, the store.</summary>
    protected DurabilitySettings Journaling { get; }

    /// <summary>
    /// Whether the object exists: created, or recovered from the journal, or found in a journal this code cannot read
    /// (then it is never created again on top of it).
    /// </summary>
    protected bool HasObject => _runner is not null || _refusal is not null;

    private ObjectRunner Runner => _runner ?? throw new InvalidOperationException($"The journal of {PersistenceId} holds calls before the object's creation.");

    /// <summary>The props of a journaled object.</summary>
    public static Props PropsFor(
        ObjectKind kind, HostContext host, DurabilitySettings durability, JournalSpec spec, Type[]? declared, HeldReferences? held, ObjectGauge? gauge) =>
        Props.Create(() => new JournaledObjectActor(kind, host, durability, spec, declared, held, gauge)).WithDispatcher(host.ObjectDispatcher);

    protected override void OnRecover(object message)
    {
        if (_refusal is not null && message is not RecoveryCompleted)
        {
            // The rest of the journal is not applied to an object that could not read part of it.
            return;
        }
        try
        {
            Recover(message);
        }
        catch (JournalVersionException e)
        {
            _refusal = e;
        }
    }

    private void Recover(object message)
    {
        switch (message)
        {
            case ObjectCreated created:
                Build(Kind.Create(Host.Codec.DecodeAll(created.Args), Host));
                break;
            case SnapshotOffer { Snapshot: ObjectSnapshot snapshot } offer:
                _snapshots.Saved(offer.Metadata.SequenceNr);
                Build(Kind.Restore(Host.Codec.DecodeAll(snapshot.Args), Host));
                if (snapshot.Ledger.Length > 0)
                {
                    _ledger!.Restore(snapshot.Ledger);
                }
                break;
            case SnapshotOffer { Snapshot: UnreadableEvent unreadable }:
                throw new JournalVersionException($"The snapshot of {PersistenceIds.Describe(PersistenceId)} cannot be read: {unreadable.Reason}.");
            case UnreadableEvent unreadable:
                throw new JournalVersionException($"Event {LastSequenceNr} of {PersistenceIds.Describe(PersistenceId)} cannot be read: {unreadable.Reason}.");
            case JournaledCalls calls:
                Runner.Replay(calls.Client, JournalKeys.Resolve(calls, Kind.Binding.Contract, Host.Codec, PersistenceIds.Describe(PersistenceId), LastSequenceNr, Kind.Upcasters), calls.At);
                break;
            case JournaledWaits waits:
                WaitBatches.Replay(Runner, waits.Ends, waits.At);
                break;
            case RecoveryCompleted when _refusal is not null:
                Context.GetLogger().Error(_refusal.Message);
                break;
            case RecoveryCompleted when _runner is null && _createArgs is null:
                NothingRecovered();
                break;
            case RecoveryCompleted:
                if (_runner is null)
                {
                    // A new object: its creation is the first event, so a restart builds it from the same arguments.
                    Build(Kind.Create(Host.Codec.DecodeAll(_createArgs!), Host));
                    Persist(new ObjectCreated(_createArgs!), static _ => { });
                }
                Started();
                break;
        }
    }

    /// <summary>
    /// The journal holds no such object and none was asked to be made: the object was asked back from a journal that
    /// does not have it, so its supervisor ends it.
    /// </summary>
    protected virtual void NothingRecovered()
    {
        Context.Parent.Tell(ObjectSupervisor.NotInJournal.Instance);
        Context.Stop(Self);
    }

    /// <summary>Handles a message of its own before the object's (a sharded entity's); false for everything else.</summary>
    protected virtual bool HandleOwn(object message) => false;

    protected override void OnCommand(object message)
    {
        if (_snapshots.Handle(message, Sender, _runner?.Target, _ledger, LastSequenceNr, _refusal?.Message))
        {
            return;
        }
        if (_refusal is not null && message is Calls refused)
        {
            RunCalls(refused, Sender, relayedClient: null);
            return;
        }
        if (message is ISnapshotResponse || HandleOwn(message) || _refusal is not null)
        {
            // The snapshot store's other answers (older snapshots deleted) need nothing.
            return;
        }
        if (_runner is null)
        {
            // Stopping: no object came back from the journal.
            if (message is Calls missing)
            {
                ReplyFrames.Send(Sender, Results.AllFailed(missing, new ObjectNotFoundException($"No {Kind.Name} '{PersistenceId}' is in this host's journal.")).Items,
                    Host.Settings.MaxMessageSize);
            }
            return;
        }
        if (message is Calls calls)
        {
            RunCalls(calls, Sender, relayedClient: null);
        }
        else if (!HandleWaits(message) && !RunnerMessages.Handle(Runner, message, Sender))
        {
            Unhandled(message);
        }
    }

    /// <summary>
    /// Creates the object from encoded creation arguments and journals its creation; <paramref name="journaled"/> runs once
    /// the journal has it.
    /// </summary>
    protected void Create(byte[] createArgs, Type[]? declared, Action journaled)
    {
        _createArgs = createArgs;
        _declared = declared;
        Build(Kind.Create(Host.Codec.DecodeAll(createArgs), Host));
        Persist(new ObjectCreated(createArgs), _ => journaled());
        Started();
    }

    /// <summary>The client is alive now (a host has it connected): what the object holds for it stays.</summary>
    protected void Seen(Guid client) => _leases?.Seen(client);

    /// <summary>
    /// Asks the cluster whether <paramref name="clients"/>, whose leases are half gone, are connected to some host (a
    /// sharded entity); the answers come as calls to <see cref="Seen"/>. A single host's object has asked its own host.
    /// </summary>
    protected virtual void AskAbout(IReadOnlyList<Guid> clients)
    {
    }

    /// <summary>A parked call withdrawn by its client.</summary>
    protected void Withdraw(Guid client, long callId)
    {
        if (_refusal is null)
        {
            PersistWaits(WaitBatches.Cancel(Runner, client, callId));
        }
    }

    /// <summary>The object is ready: a call replayed and still parked waits for its client to send it again.</summary>
    private void Started()
    {
        _runner!.Recovered();
        if (_leases is not null)
        {
            WaitBatches.OrphanAll(_runner, Journaling.HoldLease);
            Timers.StartPeriodicTimer(nameof(CheckLeases), CheckLeases.Instance, _leases.CheckEvery);
        }
    }

    /// <summary>What happens to parked calls and holds outside the calls: each change is journaled before it is answered.</summary>
    private bool HandleWaits(object message)
    {
        if (_leases is null)
        {
            return false;
        }
        switch (message)
        {
            case SweepDeadlines:
                PersistWaits(WaitBatches.Sweep(Runner));
                return true;
            case CancelCall cancel:
                if (Host.Sessions.IsValidFor(cancel.Session, Sender))
                {
                    Withdraw(Host.Sessions.ClientOf(cancel.Session), cancel.CallId);
                }
                return true;
            case SessionsEnded ended:
                // Their calls wait for their clients to send them again; their holds stay until the leases run out.
                WaitBatches.Orphan(Runner, ended.Sessions.ToHashSet(), Journaling.HoldLease);
                return true;
            case CheckLeases:
                var (ask, gone) = _leases.Review(WaitBatches.Holders(Runner), Host.Sessions.HasClient);
                if (ask.Count > 0)
                {
                    AskAbout(ask);
                }
                if (gone.Count > 0)
                {
                    Context.GetLogger().Info("{0}: no host has seen client(s) {1} for {2}; what it held for them is let go.",
                        PersistenceId, string.Join(", ", gone), Journaling.HoldLease);
                    PersistWaits(WaitBatches.Release(Runner, gone));
                }
                return true;
            default:
                return false;
        }
    }

    /// <summary>Journals what a batch outside the calls did, then sends its answers.</summary>
    private void PersistWaits(BatchOutcome? batch)
    {
        if (batch is null)
        {
            return;
        }
        if (batch.Ends is not { Count: > 0 } ends)
        {
            Runner.Deliver(batch);
            return;
        }
        _persisting = batch;
        batch.Write = JournalWrite.Begin(Host.Instruments, batch.Observed);
        Persist(new JournaledWaits(batch.Clock, [.. ends]), _ =>
        {
            _persisting = null;
            Runner.Deliver(batch);
        });
    }

    private sealed class CheckLeases
    {
        public static readonly CheckLeases Instance = new();
    }

    /// <summary>Runs a batch; its answers go once the changes it made are journaled.</summary>
    protected void RunCalls(Calls calls, IActorRef replyTo, Guid? relayedClient)
    {
        if (_refusal is { } refusal)
        {
            // An object whose journal this code cannot read changes nothing and answers nothing else.
            ReplyFrames.Send(replyTo, Results.AllFailed(calls, refusal).Items, Host.Settings.MaxMessageSize);
            return;
        }
        if (Runner.Run(calls, replyTo, relayedClient) is not { } batch)
        {
            return;
        }
        if (batch.Mutations is not { Count: > 0 })
        {
            Runner.Deliver(batch);
            RestartIfFatal(batch);
            return;
        }
        _persisting = batch;
        _leases?.Seen(batch.Client);
        CallRequest[] mutations = [.. batch.Mutations];
        batch.Write = JournalWrite.Begin(Host.Instruments, batch.Observed);
        Persist(new JournaledCalls(batch.Client, mutations, batch.Clock, JournalKeys.Of(Kind.Binding, mutations)), _ =>
        {
            _persisting = null;
            Runner.Deliver(batch);
            // The calls before a fatal one are kept and answered; the restart recovers them from the journal.
            RestartIfFatal(batch);
            SnapshotIfDue();
        });
    }

    private void Build(ManagedObject target)
    {
        _ledger = new RequestLedger(Journaling.RepliesPerClient, Journaling.ClientsRemembered);
        _runner = new ObjectRunner(target, Kind.Binding, Host, this, _declared, _held, _gauge, Kind.Fatal, _ledger);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        FailPersisting(cause);
        // Logs and stops the actor; the backoff supervisor starts it again from what the journal kept.
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        FailPersisting(cause);
        base.OnPersistRejected(cause, @event, sequenceNr);
        // The batch changed the object in memory but not in the journal: start again from the journal.
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        _runner?.Stopped();
        base.PostStop();
    }

    /// <summary>After a fatal exception the actor restarts in place (mailbox kept) and recovers from its journal.</summary>
    private static void RestartIfFatal(BatchOutcome batch)
    {
        if (batch.Fatal is { } fatal)
        {
            throw new ObjectRestartException(fatal);
        }
    }

    /// <summary>Every <c>snapshot-every</c> events, the object's state is saved, so recovery replays at most that many.</summary>
    private void SnapshotIfDue()
    {
        var every = Journaling.SnapshotEvery;
        if (every > 0 && LastSequenceNr % every == 0 && _snapshots.Take(Runner.Target, _ledger!, out _) is { } snapshot)
        {
            SaveSnapshot(snapshot);
        }
    }

    private void FailPersisting(Exception cause)
    {
        if (_persisting is { } batch)
        {
            _persisting = null;
            Runner.Fail(batch, new PersistenceFailedException(
                $"The journal did not confirm the calls to {Kind.Name} '{PersistenceId}', so none of this batch's calls is acknowledged: {cause.Message}"));
        }
    }

    IActorRef IRunnerHost.SpawnChild(Props props, string name) => Context.ActorOf(props, name);
}
