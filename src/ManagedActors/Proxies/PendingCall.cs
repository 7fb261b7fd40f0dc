using Akka.Actor;
using ManagedActors.Protocol;

namespace ManagedActors.Proxies;

/// <summary>A call waiting for its reply, as the client's correlation map holds it.</summary>
internal interface IPendingCall
{
    long CallId { get; }

    /// <summary>When the call times out, in <see cref="Environment.TickCount64"/> milliseconds; long.MaxValue for never.</summary>
    long Deadline { get; set; }

    ClientMethod Method { get; }

    IActorRef Target { get; }

    Outbox Outbox { get; }

    /// <summary>The proxy the call was made through, kept reachable until the call is answered.</summary>
    ManagedProxy? Proxy { get; }

    /// <summary>The client cancelled a blocking call and waits for the host to confirm, so no item is lost.</summary>
    bool CancelRequested { get; set; }

    /// <summary>The call as sent, kept for a changing call so it can be sent again (with its id) after a lost connection.</summary>
    CallRequest? Request { get; set; }

    /// <summary>Claims the resend of the call after a lost connection: false while another resend of it is under way.</summary>
    bool ClaimResend();

    /// <summary>
    /// The call is sent again, through <paramref name="outbox"/> (its proxy's, which a host restart may have changed);
    /// if that connection is lost too, it may be claimed again.
    /// </summary>
    void Resending(Outbox outbox);

    /// <summary>
    /// Starts the call made through <paramref name="proxy"/>, which the call keeps reachable until it is answered: a
    /// proxy collected meanwhile would let its object go on the host before the call reaches it.
    /// </summary>
    void Start(long callId, long deadline, ClientMethod method, ManagedProxy proxy, ClientRuntime runtime, CancellationToken cancellationToken);

    void SetValue(object? value);

    void SetError(Exception error);

    void SetCancelled();

    Task Task { get; }
}

/// <summary>The converter of a result type, looked up once per type rather than once per call.</summary>
internal static class ResultConverter<T>
{
    public static readonly Func<object?, object?> Instance = ValueConverter.For(typeof(T));
}

/// <summary>
/// A pending call whose task is the proxy method's <c>Task&lt;T&gt;</c>. Over Akka.Remote its continuations run on the
/// thread pool, off the reply actor. Over the direct lane they run on the lane's reader thread, which saves a thread
/// hop per call; the lane hands its reading to a new thread when a caller holds the reader too long.
/// </summary>
internal sealed class PendingCall<T> : TaskCompletionSource<T>, IPendingCall
{
    private CancellationTokenRegistration _registration;
    private CancellationToken _cancellationToken;
    private ManagedProxy? _proxy;

    public PendingCall(bool inline) : base(inline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously)
    {
    }

    public long CallId { get; private set; }

    public long Deadline { get; set; }

    public ClientMethod Method { get; private set; } = null!;

    public IActorRef Target => Outbox.Target;

    public Outbox Outbox { get; private set; } = null!;

    public ManagedProxy? Proxy => _proxy;

    public bool CancelRequested { get; set; }

    public CallRequest? Request { get; set; }

    private int _resent;

    Task IPendingCall.Task => Task;

    public bool ClaimResend() => Interlocked.Exchange(ref _resent, 1) == 0;

    public void Resending(Outbox outbox)
    {
        Outbox = outbox;
        Volatile.Write(ref _resent, 0);
    }

    public void Start(long callId, long deadline, ClientMethod method, ManagedProxy proxy, ClientRuntime runtime, CancellationToken cancellationToken)
    {
        CallId = callId;
        Deadline = deadline;
        Method = method;
        Outbox = proxy.Outbox;
        _proxy = proxy;
        _cancellationToken = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, _) =>
            {
                var (call, owner) = ((IPendingCall, ClientRuntime))state!;
                owner.OnCallCancelled(call);
            }, ((IPendingCall)this, runtime));
        }
    }

    public void SetValue(object? value)
    {
        T result;
        try
        {
            result = ValueConverter.Convert<T>(value, ResultConverter<T>.Instance);
        }
        catch (InvalidCastException e)
        {
            SetError(e);
            return;
        }
        _registration.Dispose();
        TrySetResult(result);
    }

    public void SetError(Exception error)
    {
        _registration.Dispose();
        TrySetException(error);
    }

    public void SetCancelled()
    {
        _registration.Dispose();
        TrySetCanceled(_cancellationToken);
    }
}
