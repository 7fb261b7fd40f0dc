using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using ManagedActors.Configuration;
using ManagedActors.Objects;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>How a journaled object is made and where it journals.</summary>
/// <param name="Durability">Memory or Durable: which journal.</param>
/// <param name="PersistenceId">The object's journal stream: a named object finds its own again after a host restart.</param>
/// <param name="CreateArgs">
/// The arguments it is created with, journaled as its first event; null to bring back an object the journal holds
/// (one that is not there stops at once).
/// </param>
internal sealed record JournalSpec(Durability Durability, string PersistenceId, object?[]? CreateArgs);

/// <summary>
/// The actor of a journaled object (<see cref="Durability.Memory"/>, <see cref="Durability.Durable"/>): the same
/// runner as <see cref="ObjectActor"/>, and a journal. Each batch of calls runs at once; if any of its calls may have
/// changed the object, the batch's answers wait until those calls are journaled as one event (command sourcing: the
/// call is the event), and Akka.Persistence holds the next batches back meanwhile, so no caller sees a change the
/// journal does not have. Recovery replays the creation and the journaled calls. A write the journal fails answers
/// the batch with <see cref="PersistenceFailedException"/> and stops the actor; its backoff supervisor starts it again,
/// and it recovers what the journal kept.
/// </summary>
internal sealed partial class JournaledObjectActor : UntypedPersistentActor, IWithTimers, IRunnerHost, IWithUnboundedStash
{
    private readonly ObjectKind _kind;
    private readonly HostContext _host;
    private readonly Func<ManagedObject, ObjectRunner> _runnerFor;
    private byte[]? _createArgs;
    private Type[]? _declared;
    private ObjectRunner? _runner;
    private RunBatch? _persisting;

    public JournaledObjectActor(ObjectKind kind, HostContext host, JournalSpec spec, Type[]? declared, HeldReferences? held, ObjectGauge? gauge, bool entity = false)
    {
        _kind = kind;
        _host = host;
        _declared = declared;
        _entity = entity;
        _runnerFor = target => new ObjectRunner(target, kind.Binding, host, this, _declared, held, gauge, kind.Fatal, journaled: true);
        // Encoded once: every start builds its object from its own decoded copy, never from an instance a run changed.
        _createArgs = spec.CreateArgs is { } args ? _host.Codec.EncodeAll(args) : null;
        PersistenceId = spec.PersistenceId;
        (JournalPluginId, SnapshotPluginId) = DurabilitySettings.PluginsFor(spec.Durability);
        gauge?.Started();
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    private ObjectRunner Runner => _runner ?? throw new InvalidOperationException($"The journal of {PersistenceId} holds calls before the object's creation.");

    /// <summary>
    /// The props of a journaled object; with <paramref name="entity"/>, of a sharded object's entity, which takes
    /// <see cref="EntityOpen"/> and <see cref="EntityCalls"/>, and waits a while for its creation when its journal is empty.
    /// </summary>
    public static Props PropsFor(ObjectKind kind, HostContext host, JournalSpec spec, Type[]? declared, HeldReferences? held, ObjectGauge? gauge, bool entity = false) =>
        Props.Create(() => new JournaledObjectActor(kind, host, spec, declared, held, gauge, entity)).WithDispatcher(host.ObjectDispatcher);

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case ObjectCreated created:
                _runner = _runnerFor(_kind.Create(_host.Codec.DecodeAll(created.Args), _host));
                break;
            case SnapshotOffer { Snapshot: ObjectSnapshot snapshot }:
                _runner = _runnerFor(_kind.Restore(_host.Codec.DecodeAll(snapshot.Args), _host));
                if (snapshot.Ledger.Length > 0)
                {
                    _runner.Ledger!.Restore(snapshot.Ledger);
                }
                break;
            case JournaledCalls calls:
                Runner.Replay(calls.Client, calls.Items);
                break;
            case RecoveryCompleted:
                if (_runner is null && _createArgs is null && _entity)
                {
                    AwaitCreation();
                    return;
                }
                if (_runner is null && _createArgs is null)
                {
                    // Asked to come back from a journal that holds no such object: its supervisor ends it.
                    Context.Parent.Tell(ObjectSupervisor.NotInJournal.Instance);
                    Context.Stop(Self);
                    return;
                }
                if (_runner is null)
                {
                    // A new object: its creation is the first event, so a restart builds it from the same arguments.
                    _runner = _runnerFor(_kind.Create(_host.Codec.DecodeAll(_createArgs!), _host));
                    Persist(new ObjectCreated(_createArgs!), static _ => { });
                }
                _runner.Recovered();
                break;
        }
    }

    protected override void OnCommand(object message)
    {
        if (message is SaveSnapshotSuccess saved)
        {
            // One snapshot is enough: the older ones go.
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
            return;
        }
        if (message is ISnapshotResponse)
        {
            // A failed snapshot costs only recovery time (Akka logs it); the journal still has every call.
            return;
        }
        if (_entity && EntityCommand(message))
        {
            return;
        }
        if (_runner is null)
        {
            // Stopping: no object came back from the journal.
            if (message is Calls missing)
            {
                ReplyFrames.Send(Sender, Results.AllFailed(missing, new ObjectNotFoundException($"No {_kind.Name} '{PersistenceId}' is in this host's journal.")).Items,
                    _host.Settings.MaxMessageSize);
            }
            return;
        }
        if (message is not Calls calls)
        {
            if (!RunnerMessages.Handle(Runner, message, Sender))
            {
                Unhandled(message);
            }
            return;
        }
        RunCalls(calls, Sender, relayedClient: null);
    }

    private void RunCalls(Calls calls, IActorRef replyTo, Guid? relayedClient)
    {
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
        Persist(new JournaledCalls(batch.Client, [.. batch.Mutations]), _ =>
        {
            _persisting = null;
            Runner.Deliver(batch);
            // The calls before a fatal one are kept and answered; the restart recovers them from the journal.
            RestartIfFatal(batch);
            SnapshotIfDue();
        });
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
    private static void RestartIfFatal(RunBatch batch)
    {
        if (batch.Fatal is { } fatal)
        {
            throw new ObjectRestartException(fatal);
        }
    }

    /// <summary>Every <c>snapshot-every</c> events, the object's state is saved, so recovery replays at most that many.</summary>
    private void SnapshotIfDue()
    {
        var every = _host.Settings.Durability.SnapshotEvery;
        if (every > 0 && LastSequenceNr % every == 0 && Runner.Target.SnapshotArguments() is { } args)
        {
            // Encoded now, on the actor's thread: the store writes the bytes later, while the object moves on.
            byte[] state;
            try
            {
                state = _host.Codec.EncodeAll(args);
            }
            catch (ManagedActorsException e)
            {
                // A record holding a value the codec cannot write: no snapshot, and recovery replays the whole journal.
                Context.GetLogger().Warning("{0} cannot be snapshotted, so it recovers by replaying its journal: {1}", PersistenceId, e.Message);
                return;
            }
            SaveSnapshot(new ObjectSnapshot(state, Runner.Ledger!.Encode()));
        }
    }

    private void FailPersisting(Exception cause)
    {
        if (_persisting is { } batch)
        {
            _persisting = null;
            Runner.Fail(batch, new PersistenceFailedException(
                $"The journal did not confirm the calls to {_kind.Name} '{PersistenceId}', so none of this batch's calls is acknowledged: {cause.Message}"));
        }
    }

    void IRunnerHost.StartSweep(TimeSpan interval) => RunnerMessages.StartSweep(Timers, interval);

    void IRunnerHost.StopSweep() => Timers.Cancel(SweepDeadlines.Key);

    IActorRef IRunnerHost.SpawnChild(Props props, string name) => Context.ActorOf(props, name);
}
