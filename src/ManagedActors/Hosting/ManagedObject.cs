using Akka.Actor;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>
/// The state and code of one managed object on the host. Its actor calls it one message at a time, so it needs
/// no locks. A method that cannot answer yet (a get from an empty queue) takes a <see cref="Call"/>, parks it
/// and returns <see cref="Call.Deferred"/>; it answers later through the call.
/// </summary>
internal abstract class ManagedObject
{
    /// <summary>The host the object lives in, set by its actor; names clients in error messages.</summary>
    public HostContext? Host { get; set; }

    /// <summary>The instance whose methods serve the calls: the object itself, or a registered type's instance.</summary>
    public virtual object Instance => this;

    /// <summary>The number of items the object holds, for status reports.</summary>
    public virtual int Size => 0;

    /// <summary>Callers parked in the object, for status reports.</summary>
    public virtual int Waiters => 0;

    /// <summary>
    /// Everything the object stores, for finding the managed objects it refers to (it keeps them alive); null for an
    /// object that stores no values.
    /// </summary>
    public virtual object? StoredState => null;
}

/// <summary>An object that holds something on behalf of a session (a lock, permits, a barrier slot).</summary>
internal interface ISessionAware
{
    /// <summary>The session's client died or disconnected: release what it held.</summary>
    void SessionEnded(Guid session);
}

/// <summary>One call being served by an object's actor; answered either by the method's return value or later through this.</summary>
internal sealed class Call
{
    /// <summary>Returned by an object method that parked its call and will answer it later.</summary>
    public static readonly object Deferred = new();

    private readonly ObjectActor _actor;
    private Action? _onCancel;
    private Action? _onTimeout;

    public Call(ObjectActor actor, IActorRef replyTo, Guid session, long callId, Guid? owner = null)
    {
        _actor = actor;
        ReplyTo = replyTo;
        Session = session;
        CallId = callId;
        Owner = owner ?? session;
    }

    /// <summary>
    /// Who the call acts for: the caller's flow (<see cref="LockOwner"/>), for the methods of an owner-bound
    /// interface (an RLock is reentrant per task, as Python's is per thread), else the session.
    /// </summary>
    public Guid Owner { get; }

    public IActorRef ReplyTo { get; }

    public Guid Session { get; }

    public long CallId { get; }

    public bool IsCompleted { get; private set; }

    /// <summary>When a parked call times out (<see cref="Environment.TickCount64"/>), or long.MaxValue.</summary>
    internal long Deadline { get; set; } = long.MaxValue;

    /// <summary>
    /// Parks the call until the object answers it. <paramref name="onTimeout"/> runs when the timeout passes first
    /// (the object removes its waiter and names the fault); <paramref name="onCancel"/> when the client withdraws it.
    /// </summary>
    public object Park(TimeSpan? timeout, Func<Exception> onTimeout, Action onCancel) =>
        ParkWith(timeout, () => Fail(onTimeout()), onCancel);

    /// <summary>
    /// Parks the call; when the timeout passes, <paramref name="onTimeout"/> decides what happens (answer it,
    /// fail it, or keep it parked, as a condition wait does while it takes its lock back).
    /// </summary>
    public object ParkWith(TimeSpan? timeout, Action onTimeout, Action onCancel)
    {
        _onTimeout = onTimeout;
        _onCancel = onCancel;
        _actor.Park(this, timeout);
        return Deferred;
    }

    public void Reply(object? value)
    {
        if (Complete())
        {
            _actor.SendReply(this, value);
        }
    }

    public void Fail(Exception error)
    {
        if (Complete())
        {
            _actor.SendFault(this, error);
        }
    }

    internal void TimedOut()
    {
        if (!IsCompleted)
        {
            _onTimeout?.Invoke();
        }
    }

    internal void Cancelled()
    {
        if (!IsCompleted)
        {
            _onCancel?.Invoke();
            Fail(new OperationCanceledException("The call was cancelled by the client."));
        }
    }

    private bool Complete()
    {
        if (IsCompleted)
        {
            return false;
        }
        IsCompleted = true;
        _actor.Unpark(this);
        return true;
    }
}

/// <summary>The object actor's periodic timer message: time out the parked calls whose deadline passed.</summary>
internal sealed record SweepDeadlines : INoSerializationVerificationNeeded
{
    public const string Key = "deadlines";

    public static readonly SweepDeadlines Instance = new();
}

/// <summary>What every object actor of one host shares.</summary>
internal sealed class HostContext
{
    public HostContext(ValueCodec codec, SessionTable sessions, Configuration.ManagerSettings settings, Guid incarnation, string hostAddress, KindTable? registrations = null)
    {
        Registrations = registrations ?? new KindTable([]);
        Codec = codec;
        Sessions = sessions;
        Settings = settings;
        Incarnation = incarnation;
        HostAddress = hostAddress;
    }

    public ValueCodec Codec { get; }

    public SessionTable Sessions { get; }

    public Configuration.ManagerSettings Settings { get; }

    public Guid Incarnation { get; }

    public string HostAddress { get; }

    /// <summary>The object kinds this host can create, built-in and registered.</summary>
    public KindTable Registrations { get; }
}

/// <summary>A registered type's instance as a managed object: the user's class needs no base class.</summary>
internal sealed class CustomObject(object instance) : ManagedObject
{
    public override object Instance => instance;

    public override object? StoredState => instance;
}

/// <summary>The object kinds of a host, by name and by proxy interface.</summary>
internal sealed class KindTable
{
    private readonly Dictionary<string, ObjectKind> _byName;
    private readonly Dictionary<Type, ObjectKind> _byInterface;

    public KindTable(IEnumerable<ObjectKind> kinds)
    {
        _byName = [];
        _byInterface = [];
        foreach (var kind in kinds)
        {
            if (!_byName.TryAdd(kind.Name, kind))
            {
                throw new ArgumentException($"Two object kinds are registered as '{kind.Name}'.");
            }
            _byInterface.TryAdd(kind.Interface.IsGenericType ? kind.Interface.GetGenericTypeDefinition() : kind.Interface, kind);
        }
    }

    public IEnumerable<ObjectKind> All => _byName.Values;

    public ObjectKind? Find(string name) => _byName.GetValueOrDefault(name);

    public ObjectKind? FindByInterface(Type interfaceType) =>
        _byInterface.GetValueOrDefault(interfaceType.IsGenericType ? interfaceType.GetGenericTypeDefinition() : interfaceType);
}
