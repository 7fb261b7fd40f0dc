using Akka.Actor;
using Akka.Event;
using ManagedActors.Protocol;
using ManagedActors.Proxies;

namespace ManagedActors.Hosting;

/// <summary>
/// The actor of one managed object. Its mailbox orders every call, so the object's code runs one call at a
/// time and needs no locks. Calls arrive in batches (one remote message per burst of calls from a session) and
/// the synchronous answers of a batch go back in one message. An exception from the object's code is a reply,
/// never a restart: the object keeps its state and keeps serving.
/// </summary>
internal class ObjectActor : UntypedActor, IWithTimers
{
    private readonly HostContext _host;
    private readonly Dictionary<(Guid, long), Call> _parked = [];
    private List<CallResult>? _batch;
    private Dictionary<IActorRef, List<CallResult>>? _deferred;
    private long _children;
    private int _timedParked;

    /// <summary>How late a parked call's timeout may fire at most.</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(20);

    private readonly Type?[]?[] _declared;
    private readonly HeldReferences? _held;

    public ObjectActor(ManagedObject target, ObjectBinding binding, HostContext host, Type[]? declared = null, HeldReferences? held = null)
    {
        Target = target;
        Binding = binding;
        _host = host;
        _declared = DeclaredTypes.Close(binding, declared);
        _held = held;
        target.Host = host;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected ManagedObject Target { get; }

    protected ObjectBinding Binding { get; }

    protected HostContext Host => _host;

    protected ILoggingAdapter Log { get; } = Context.GetLogger();

    public static Props PropsFor(ManagedObject target, ObjectBinding binding, HostContext host, Type[]? declared = null, HeldReferences? held = null) =>
        Props.Create(() => new ObjectActor(target, binding, host, declared, held));

    /// <summary>
    /// Nothing a message carries may restart or stop the object: a failure while handling one is logged, the calls of
    /// its batch that were not answered yet get a fault, and the object keeps its state and keeps serving.
    /// </summary>
    protected override void OnReceive(object message)
    {
        try
        {
            Handle(message);
        }
        catch (Exception e)
        {
            Log.Error(e, "{0} failed while handling {1}; the object keeps its state.", Binding.Contract.Definition.Name, message.GetType().Name);
        }
    }

    private void Handle(object message)
    {
        switch (message)
        {
            case Calls calls:
                Serve(calls);
                break;
            case CancelCall cancel when _host.Sessions.IsValidFor(cancel.Session, Sender):
                if (_parked.TryGetValue((cancel.Session, cancel.CallId), out var parked))
                {
                    parked.Cancelled();
                }
                break;
            case SessionsEnded ended:
                foreach (var session in ended.Sessions)
                {
                    // The object lets go of what the session held first, then its parked calls are dropped.
                    (Target as ISessionAware)?.SessionEnded(session);
                    foreach (var call in _parked.Values.Where(c => c.Session == session).ToList())
                    {
                        call.Cancelled();
                    }
                }
                break;
            case Hosting.SweepDeadlines:
                SweepExpired();
                break;
            default:
                if (!OnOtherMessage(message))
                {
                    Unhandled(message);
                }
                break;
        }
    }

    /// <summary>Messages other than calls; the gatekeeper handles the handshake here.</summary>
    protected virtual bool OnOtherMessage(object message) => false;

    private void Serve(Calls calls)
    {
        if (!_host.Sessions.IsValidFor(calls.Session, Sender))
        {
            // Unknown, ended, or presented by another endpoint than the one that did the handshake.
            ReplyFrames.Send(Sender, Results.AllFailed(calls, new AuthenticationException(
                "The session is not known to this host for this connection; connect with the manager's authkey.")).Items, _host.Settings.MaxMessageSize);
            return;
        }
        _batch = new List<CallResult>(calls.Items.Length);
        try
        {
            foreach (var item in calls.Items)
            {
                try
                {
                    Execute(calls.Session, item);
                }
                catch (Exception e)
                {
                    AddFault(item.CallId, e);
                }
            }
            // The objects this one stores or hands out are held before any reply lets a caller move on.
            _held?.Report(Target.StoredState);
            ReplyFrames.Send(Sender, _batch, _host.Settings.MaxMessageSize);
            // Parked calls this batch answered (getters handed the items of a batch of puts) go out one message per client.
            if (_deferred is not null)
            {
                foreach (var (replyTo, results) in _deferred)
                {
                    ReplyFrames.Send(replyTo, results, _host.Settings.MaxMessageSize);
                }
            }
        }
        finally
        {
            _batch = null;
            _deferred = null;
        }
    }

    private void Execute(Guid session, CallRequest item)
    {
        if (!Binding.TryFind(item.MethodId, out var method))
        {
            AddFault(item.CallId, new UnknownMethodException(
                $"{Binding.Contract.Definition.Name} has no method with id {item.MethodId:x8}: the call was made through another interface, or by another version of it."));
            return;
        }
        object?[] args;
        Guid? owner = null;
        try
        {
            args = DecodeArguments(item.Args, method.ParameterCount + (method.Contract.IsOwnerBound ? 1 : 0));
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
            AddFault(item.CallId, e);
            return;
        }
        var call = method.TakesCall ? new Call(this, Sender, session, item.CallId, owner) : null;
        object? result;
        try
        {
            result = method.Invoke(Target.Instance, args, call);
            if (method.ResultInterface is not null && result is not null && result is not ObjectReference)
            {
                result = Adopt(result, method.ResultInterface);
            }
        }
        catch (Exception e)
        {
            AddFault(item.CallId, e);
            return;
        }
        if (ReferenceEquals(result, Call.Deferred))
        {
            return;
        }
        _held?.Replying(result, session);
        if (TryEncode(result, out var payload, out var error))
        {
            _batch!.Add(new CallResult(item.CallId, false, payload));
        }
        else
        {
            AddFault(item.CallId, error!);
        }
    }

    /// <summary>
    /// A method returned an instance of a registered type (Python's <c>method_to_typeid</c>): it becomes a managed
    /// object of its own, a child of this one, and the caller gets a live proxy to it.
    /// </summary>
    private ObjectReference Adopt(object instance, Type resultInterface)
    {
        var kind = _host.Registrations.FindByInterface(resultInterface)
            ?? throw new InvalidOperationException($"{resultInterface.Name} is not registered on this host, so a method cannot return one.");
        var child = Context.ActorOf(PropsFor(new CustomObject(instance), kind.Binding, _host), "c" + (++_children).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new ObjectReference(Akka.Serialization.Serialization.SerializedActorPath(child), Guid.NewGuid().ToString("N"), kind.Name,
            Protocol.TypeNames.Of(resultInterface), _host.Incarnation, null);
    }

    private object?[] DecodeArguments(byte[] bytes, int expected)
    {
        var reader = new WireReader(bytes);
        int count;
        try
        {
            count = reader.ReadCount();
        }
        catch (FormatException e)
        {
            throw new ArgumentException("The arguments are malformed: " + e.Message, e);
        }
        if (count != expected)
        {
            throw new ArgumentException($"Expected {expected} arguments, got {count}.");
        }
        var args = count == 0 ? [] : new object?[count];
        for (var i = 0; i < count; i++)
        {
            args[i] = _host.Codec.Read(ref reader);
        }
        if (!reader.AtEnd)
        {
            throw new ArgumentException("Trailing bytes after the arguments.");
        }
        return args;
    }

    private bool TryEncode(object? value, out byte[] payload, out Exception? error)
    {
        try
        {
            payload = _host.Codec.Encode(value);
            if (payload.Length > _host.Settings.MaxMessageSize)
            {
                error = new MessageTooLargeException(payload.Length, _host.Settings.MaxMessageSize);
                return false;
            }
            error = null;
            return true;
        }
        catch (Exception e)
        {
            payload = [];
            error = e;
            return false;
        }
    }

    private void AddFault(long callId, Exception error)
    {
        var result = new CallResult(callId, true, FaultInfo.From(error).Encode());
        if (_batch is not null)
        {
            _batch.Add(result);
        }
        else
        {
            Sender.Tell(new Results([result]));
        }
    }

    /// <summary>
    /// Parks a call. Its deadline is checked by one periodic sweep per object while any parked call has one,
    /// rather than a timer per call: a busy queue parks and wakes getters by the thousand.
    /// </summary>
    internal void Park(Call call, TimeSpan? timeout)
    {
        _parked[(call.Session, call.CallId)] = call;
        if (timeout is { } t)
        {
            call.Deadline = Environment.TickCount64 + (long)Math.Max(0, t.TotalMilliseconds);
            _timedParked++;
            if (!Timers.IsTimerActive(Hosting.SweepDeadlines.Key))
            {
                Timers.StartPeriodicTimer(Hosting.SweepDeadlines.Key, Hosting.SweepDeadlines.Instance, SweepInterval);
            }
        }
    }

    internal void Unpark(Call call)
    {
        if (_parked.Remove((call.Session, call.CallId)) && call.Deadline != long.MaxValue && --_timedParked == 0)
        {
            Timers.Cancel(Hosting.SweepDeadlines.Key);
        }
    }

    private void SweepExpired()
    {
        var now = Environment.TickCount64;
        foreach (var call in _parked.Values.Where(c => c.Deadline <= now).ToList())
        {
            // A timed-out call may stay parked (a condition waiter taking its lock back) without a deadline.
            call.Deadline = long.MaxValue;
            _timedParked--;
            call.TimedOut();
        }
        if (_timedParked <= 0)
        {
            _timedParked = 0;
            Timers.Cancel(Hosting.SweepDeadlines.Key);
        }
    }

    internal void SendReply(Call call, object? value)
    {
        _held?.Replying(value, call.Session);
        if (_batch is null)
        {
            _held?.Report(Target.StoredState);
        }
        if (TryEncode(value, out var payload, out var error))
        {
            SendResult(call.ReplyTo, new CallResult(call.CallId, false, payload));
        }
        else
        {
            SendFault(call, error!);
        }
    }

    internal void SendFault(Call call, Exception error) =>
        SendResult(call.ReplyTo, new CallResult(call.CallId, true, FaultInfo.From(error).Encode()));

    private void SendResult(IActorRef replyTo, CallResult result)
    {
        if (_batch is null)
        {
            ReplyFrames.Send(replyTo, [result], _host.Settings.MaxMessageSize);
            return;
        }
        _deferred ??= [];
        if (!_deferred.TryGetValue(replyTo, out var results))
        {
            _deferred[replyTo] = results = [];
        }
        results.Add(result);
    }

    protected override void PostStop()
    {
        foreach (var call in _parked.Values.ToArray())
        {
            call.Fail(new ObjectNotFoundException("The object was stopped (deleted, let go, or its host shut down) while the call waited."));
        }
        base.PostStop();
    }
}
