using Akka.Actor;
using ManagedActors.Objects;
using ManagedActors.Protocol;
using ManagedActors.Telemetry;

namespace ManagedActors.Runtime;

/// <summary>
/// Runs one managed object's calls: checks the session, finds the method the caller named, decodes and checks the
/// arguments, invokes the object, parks what cannot answer yet, and sends the answers. It is not an actor: the actor
/// that holds the object (<see cref="ObjectActor"/>, a journaled object's actor, a sharded entity, the directory) gives
/// it the messages one at a time, so the object's code runs one call at a time and needs no locks. Calls arrive in
/// batches (one message per burst of calls from a session) and the synchronous answers of a batch go back in one
/// message. An exception from the object's code is a reply and the object keeps its state, unless the object's
/// registration marks the exception's type fatal (the actor then restarts the object).
/// </summary>
internal sealed class ObjectRunner
{
    private readonly HostContext _host;
    private readonly IRunnerHost _actor;
    private readonly Type?[]?[] _declared;
    private readonly HeldReferences? _held;
    private readonly ObjectGauge? _gauge;
    private readonly ReplyBuffer _replies;
    private bool _changed;
    private List<CallRequest>? _mutations;
    private bool _replaying;
    private Exception? _fatal;
    private readonly ReturnedObjects _returned;
    private readonly ServerCalls _observer;
    private ServerCall? _observing;

    /// <param name="target">The object.</param>
    /// <param name="binding">Its interface bound to its implementation.</param>
    /// <param name="host">What the host's objects share.</param>
    /// <param name="actor">The actor that holds the runner.</param>
    /// <param name="declared">The creator's type arguments, which every call must respect.</param>
    /// <param name="held">Where the object reports what it stores and hands out; null for an object that holds no references.</param>
    /// <param name="gauge">Its size and waiters for status reports.</param>
    /// <param name="fatal">Exception types from its code that restart it.</param>
    /// <param name="ledger">A journaled object's memory of its answers; its presence makes the runner collect the calls to journal.</param>
    public ObjectRunner(
        ManagedObject target, ObjectBinding binding, HostContext host, IRunnerHost actor, Type[]? declared = null, HeldReferences? held = null,
        ObjectGauge? gauge = null, IReadOnlyList<Type>? fatal = null, IAnswerLedger? ledger = null)
    {
        FatalTypes = fatal ?? [];
        Ledger = ledger;
        _gauge = gauge;
        Target = target;
        Binding = binding;
        _host = host;
        _actor = actor;
        _declared = DeclaredTypes.Close(binding, declared);
        _held = held;
        _replies = new ReplyBuffer(host.Settings.MaxMessageSize);
        Parked = new ParkedCalls(actor);
        _returned = new ReturnedObjects(host, actor);
        _observer = new ServerCalls(host.Instruments, gauge?.Kind ?? HostPaths.DirectoryKind);
        target.Host = host;
    }

    public ManagedObject Target { get; }

    /// <summary>Exception types from the object's code that restart it (a registration's <c>fatal:</c>).</summary>
    public IReadOnlyList<Type> FatalTypes { get; }

    public ObjectBinding Binding { get; }

    public ParkedCalls Parked { get; }

    public Instruments Instruments => _host.Instruments;

    /// <summary>A journaled object's memory of the calls it ran, which answers calls resent after a lost connection; null for a plain one.</summary>
    public IAnswerLedger? Ledger { get; }

    /// <summary>Whether the runner replays journaled calls (a parked call's timeout does not run yet).</summary>
    public bool Replaying => _replaying;

    private string Name => Binding.Contract.Definition.Name;

    /// <summary>Serves a batch of calls from one session, answering <paramref name="sender"/>; the fatal exception a call threw, if any.</summary>
    public Exception? Serve(Calls calls, IActorRef sender)
    {
        if (Run(calls, sender) is not { } batch)
        {
            return null;
        }
        Deliver(batch);
        return batch.Fatal;
    }

    /// <summary>
    /// Runs a batch of calls from one session and holds its answers back (a journaled object sends them once the
    /// batch's changes are kept); null when the session was refused, which is answered at once. Calls a cluster member
    /// relayed come with the <paramref name="relayedClient"/> the relaying host found for their session, which it checked.
    /// </summary>
    public BatchOutcome? Run(Calls calls, IActorRef sender, Guid? relayedClient = null)
    {
        if (relayedClient is null && !_host.Sessions.IsValidFor(calls.Session, sender))
        {
            ReplyFrames.RefuseSession(sender, calls, _host.Settings.MaxMessageSize);
            return null;
        }
        _replies.Open(calls.Items.Length);
        _changed = false;
        var client = relayedClient ?? (Ledger is not null ? _host.Sessions.ClientOf(calls.Session) : Guid.Empty);
        Target.Clock = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        List<ServerCall>? observed = _observer.Active ? new(calls.Items.Length) : null;
        try
        {
            foreach (var item in calls.Items)
            {
                if (Ledger is not null && Parked.Find(client, item.CallId) is RunnerCall waiting)
                {
                    // Sent again after its connection was lost (a failover): it waits on, and answers the new connection.
                    WaitBatches.Adopt(this, waiting, sender, calls.Session);
                    continue;
                }
                if ((calls.Resent || Ledger is not null) && Answered(client, item, calls.Resent) is { } first)
                {
                    _replies.Add(first);
                    continue;
                }
                if (_fatal is not null)
                {
                    _replies.AddFault(item.CallId, new ManagedObjectRestartedException(
                        $"{Name} restarted before this call ran: an earlier call of the batch threw {_fatal.GetType().Name}."));
                    continue;
                }
                try
                {
                    _observing = observed is null ? null : _observer.Begin(item, Binding);
                    Execute(calls.Session, Ledger is not null ? client : calls.Session, item, sender);
                }
                catch (Exception e)
                {
                    _replies.AddFault(item.CallId, e);
                }
                if (_observing is not null)
                {
                    observed!.Add(_observing);
                    _observing = null;
                }
            }
            // The objects this one stores or hands out are held before any reply lets a caller move on.
            _held?.Report(Target.StoredState, _changed);
            if (_mutations is not null)
            {
                // Remembered now: a batch the journal then refuses restarts the object, which forgets it again.
                Ledger?.Record(client, _replies.Results, _mutations);
            }
            var (results, deferred) = _replies.Close();
            return new BatchOutcome(sender, calls.Session, client, results, deferred, _mutations, _fatal) { Clock = Target.Clock, Observed = observed };
        }
        finally
        {
            _replies.Close();
            _mutations = null;
            _fatal = null;
            _gauge?.Update(Target, calls.Items.Length);
        }
    }

    /// <summary>Sends a batch's answers, and those of parked calls the batch answered (one message per client).</summary>
    public void Deliver(BatchOutcome batch) => batch.Deliver(_host.Settings.MaxMessageSize);

    /// <summary>Answers every call of a batch with <paramref name="error"/> instead of its result: its changes were not kept.</summary>
    public void Fail(BatchOutcome batch, Exception error) => batch.Fail(error, _host.Settings.MaxMessageSize);

    /// <summary>
    /// Runs journaled calls again while the object recovers: the same checks and the same code, no answers (their
    /// callers were answered when the calls first ran).
    /// </summary>
    public void Replay(Guid client, IReadOnlyList<CallRequest> items, long clock)
    {
        _replies.Open(items.Count);
        _replaying = true;
        if (clock > 0)
        {
            Target.Clock = clock;
        }
        try
        {
            // A call that failed when it first ran fails the same way now (its fault is dropped with the answers), and
            // its partial change, if any, stands again. Only a call that passed its checks was journaled, so anything
            // escaping here means this host is not the one that wrote the journal: recovery fails.
            foreach (var item in items)
            {
                Execute(client, client, item, ActorRefs.Nobody);
            }
            // The answers are those the callers got: a call resent later gets the same one.
            Ledger?.Record(client, _replies.Results, items);
        }
        finally
        {
            _replaying = false;
            _replies.Close();
            _mutations = null;
        }
    }

    /// <summary>
    /// The answer to a call that must not run again: one this object ran already (resent after a lost connection, or
    /// its first copy late from the lost connection after the resent one ran) gets its first answer; a resent call the
    /// object cannot tell about gets a fault. Null when the call runs: a read, or a call never seen.
    /// </summary>
    private CallResult? Answered(Guid client, CallRequest item, bool resent)
    {
        if (Binding.TryFind(item.MethodId, out var method) && method.Contract.IsReadOnly)
        {
            return null;
        }
        if (Ledger is null)
        {
            return new CallResult(item.CallId, true, FaultInfo.From(new CallOutcomeUnknownException(
                $"The call was resent after a lost connection, and {Name} keeps no record of the calls it ran " +
                "(Durability.None): it may have taken effect, so it was not run again.")).Encode());
        }
        return Ledger.TryAnswer(client, item.CallId, resent, Name, out var answer) ? answer : null;
    }

    /// <summary>Recovery is over: what the object stores is held, and its size is shown.</summary>
    public void Recovered()
    {
        _held?.Report(Target.StoredState, changed: true);
        _gauge?.Update(Target);
    }

    /// <summary>The client withdrew a parked call.</summary>
    public void Cancel(CancelCall cancel, IActorRef sender)
    {
        if (_host.Sessions.IsValidFor(cancel.Session, sender))
        {
            Parked.Find(cancel.Session, cancel.CallId)?.Cancelled();
        }
    }

    /// <summary>The object lets go of what the sessions held first, then their parked calls are dropped.</summary>
    public void EndSessions(IEnumerable<Guid> sessions)
    {
        foreach (var session in sessions)
        {
            (Target as ISessionAware)?.SessionEnded(session);
            foreach (var call in Parked.OfSession(session))
            {
                call.Cancelled();
            }
        }
        _gauge?.Update(Target);
    }

    /// <summary>Times out the parked calls whose deadline passed.</summary>
    public void SweepExpired()
    {
        Parked.SweepExpired();
        _gauge?.Update(Target);
    }

    /// <summary>The holding actor stopped: every parked call gets an answer.</summary>
    public void Stopped()
    {
        foreach (var call in Parked.All())
        {
            call.Fail(new ObjectNotFoundException("The object was stopped (deleted, let go, or its host shut down) while the call waited."));
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/>, which ends waits outside any call (a timeout, a withdrawal, a client's holds let
    /// go), as a batch of its own: the answers it makes are held, and what it did (the ends it adds) is journaled first.
    /// Replaying (<paramref name="replay"/>), the ends are those of the journal, at its <paramref name="clock"/>.
    /// </summary>
    public BatchOutcome RunOutsideCalls(Action<List<WaitEnd>> work, long clock = 0, bool replay = false)
    {
        _replies.Open(0);
        _replaying = replay;
        Target.Clock = clock > 0 ? clock : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ends = new List<WaitEnd>();
        try
        {
            work(ends);
            _held?.Report(Target.StoredState, changed: true);
            var (results, deferred) = _replies.Close();
            return new BatchOutcome(ActorRefs.Nobody, Guid.Empty, Guid.Empty, results, deferred, null) { Clock = Target.Clock, Ends = ends };
        }
        finally
        {
            _replaying = false;
            _replies.Close();
            _gauge?.Update(Target);
        }
    }

    private void Execute(Guid session, Guid caller, CallRequest item, IActorRef sender)
    {
        if (!Binding.TryFind(item.MethodId, out var method))
        {
            _replies.AddFault(item.CallId, new UnknownMethodException(
                $"{Name} has no method with id {item.MethodId:x8}: the call was made through another interface, or by another version of it."));
            return;
        }
        object?[] args;
        Guid? owner = null;
        try
        {
            args = _host.Codec.DecodeArguments(item.Args, method.ParameterCount + (method.Contract.IsOwnerBound ? 1 : 0));
            if (method.Contract.IsOwnerBound)
            {
                owner = args[^1] as Guid? ?? throw new ArgumentException($"{method.Contract}: the call does not carry its owner.");
                args = args[..^1];
            }
            method.CheckArguments(args);
            DeclaredTypes.Check(method, _declared[method.Contract.Slot], args);
            _held?.ArgumentsRead(args);
        }
        catch (Exception e) when (e is ManagedActorsException or ArgumentException)
        {
            if (_replaying)
            {
                // A journaled call this host cannot read (its types are not loaded here): recovering without it would
                // lose an acknowledged write, so recovery fails, loudly, until the host is given what it needs.
                throw new InvalidOperationException($"A journaled call to {Name} cannot be read again: {e.Message}", e);
            }
            _replies.AddFault(item.CallId, e);
            return;
        }
        // A call that may change the object counts as one even when it fails part way: its partial change stands.
        if (!method.Contract.IsReadOnly)
        {
            _changed = true;
            if (Ledger is not null)
            {
                (_mutations ??= []).Add(item);
            }
        }
        // The call holds its observation from the start: it may be answered inside the method, after it parked.
        var call = method.TakesCall
            ? new RunnerCall(this, sender, session, caller, item.CallId, owner, remembered: Ledger is not null && !method.Contract.IsReadOnly) { Observation = _observing }
            : null;
        object? result;
        try
        {
            result = method.Invoke(Target.Instance, args, call);
            if (method.ResultInterface is not null && result is not null && result is not ObjectReference && !ReferenceEquals(result, Call.Deferred))
            {
                result = _returned.Adopt(result, method.ResultInterface);
            }
        }
        catch (Exception e) when (!_replaying && FatalTypes.Any(t => t.IsInstanceOfType(e)))
        {
            // The instance is broken: this call does not count (nor its partial change, which the restart drops).
            _fatal = e;
            _mutations?.Remove(item);
            _replies.AddFault(item.CallId, new ManagedObjectRestartedException(
                $"{Name} threw {e.GetType().Name} ({e.Message}), which its registration marks fatal: the object restarts, and this call did not take effect."));
            return;
        }
        catch (Exception e)
        {
            _replies.AddFault(item.CallId, e);
            return;
        }
        if (ReferenceEquals(result, Call.Deferred))
        {
            _observing = null;
            return;
        }
        call?.Observation = null;
        _held?.Replying(result, session);
        _replies.Add(ReplyBuffer.Answer(_host.Codec, item.CallId, result, _host.Settings.MaxMessageSize));
    }

    /// <summary>A parked call's value: its references are held for the caller first (after a batch, what the object stores too).</summary>
    internal void SendReply(RunnerCall call, object? value)
    {
        _held?.Replying(value, call.ReplySession);
        if (!_replies.IsOpen)
        {
            _held?.Report(Target.StoredState, changed: true);
        }
        SendResult(call, ReplyBuffer.Answer(_host.Codec, call.CallId, value, _host.Settings.MaxMessageSize));
    }

    internal void SendFault(RunnerCall call, Exception error) => SendResult(call, new CallResult(call.CallId, true, FaultInfo.From(error).Encode()));

    /// <summary>A parked call's answer; a journaled object remembers it first, for the call sent again after a failover.</summary>
    private void SendResult(RunnerCall call, CallResult result)
    {
        if (call.Remembered)
        {
            Ledger!.Record(call.Session, result);
        }
        _replies.Send(call.ReplyTo, result);
        call.Observation?.End(result);
        call.Observation = null;
    }
}
