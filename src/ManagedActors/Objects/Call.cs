namespace ManagedActors.Objects;

/// <summary>
/// One call being served by an object: answered either by the method's return value or later through this. Whatever
/// runs the object (a plain actor, a persistent one, a sharded entity) supplies how a call parks and is answered.
/// </summary>
internal abstract class Call
{
    /// <summary>Returned by an object method that parked its call and will answer it later.</summary>
    public static readonly object Deferred = new();

    private Action? _onCancel;
    private Action? _onTimeout;

    protected Call(Guid session, long callId, Guid? owner)
    {
        Session = session;
        CallId = callId;
        Owner = owner ?? session;
    }

    /// <summary>
    /// Who the call acts for: the caller's flow (<see cref="LockOwner"/>), for the methods of an owner-bound
    /// interface (an RLock is reentrant per task, as Python's is per thread), else the session.
    /// </summary>
    public Guid Owner { get; }

    public Guid Session { get; }

    public long CallId { get; }

    public bool IsCompleted { get; private set; }

    /// <summary>When a parked call times out (<see cref="Environment.TickCount64"/>), or long.MaxValue.</summary>
    public long Deadline { get; set; } = long.MaxValue;

    /// <summary>The timeout the call parked with (null: none).</summary>
    public TimeSpan? Timeout { get; private set; }

    /// <summary>
    /// Whether the caller is gone from this parked call (a journaled object's call replayed, or whose connection ended):
    /// it waits for its client to send it again, and is withdrawn when its deadline passes first.
    /// </summary>
    public bool Orphaned { get; set; }

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
        Timeout = timeout;
        OnParked(timeout);
        return Deferred;
    }

    public void Reply(object? value)
    {
        if (Complete())
        {
            Send(value);
        }
    }

    public void Fail(Exception error)
    {
        if (Complete())
        {
            SendFault(error);
        }
    }

    /// <summary>The deadline passed while the call was parked.</summary>
    public void TimedOut()
    {
        if (!IsCompleted)
        {
            _onTimeout?.Invoke();
        }
    }

    /// <summary>The client withdrew the call, or its session ended.</summary>
    public void Cancelled()
    {
        if (!IsCompleted)
        {
            _onCancel?.Invoke();
            Fail(new OperationCanceledException("The call was cancelled by the client."));
        }
    }

    /// <summary>The call is waiting now, with this timeout (null: none).</summary>
    protected abstract void OnParked(TimeSpan? timeout);

    /// <summary>The call is answered (it stops waiting, if it was).</summary>
    protected abstract void OnCompleted();

    protected abstract void Send(object? value);

    protected abstract void SendFault(Exception error);

    private bool Complete()
    {
        if (IsCompleted)
        {
            return false;
        }
        IsCompleted = true;
        OnCompleted();
        return true;
    }
}
