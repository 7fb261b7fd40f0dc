using System.Diagnostics;
using ManagedActors.Codec;
using ManagedActors.Protocol;
using ManagedActors.Telemetry;

namespace ManagedActors.Client;

/// <summary>
/// A call waiting for its answer. A reply, its deadline, its cancellation and a lost connection race to complete it;
/// the first to pass its gate (<see cref="TrySetValue"/>, <see cref="TrySetError"/>, <see cref="TrySetCancelled"/>)
/// decides, and in one place: the call leaves its session's map, gives back its outbox slot and its cancellation
/// registration, then its task completes. Every later attempt is refused and changes nothing.
/// </summary>
internal interface IPendingCall
{
    long CallId { get; }

    /// <summary>When the call times out, in <see cref="Environment.TickCount64"/> milliseconds; long.MaxValue for never.</summary>
    long Deadline { get; set; }

    ClientMethod Method { get; }

    /// <summary>The outbox the call was handed to (its proxy's; a resend may change it), whose slot it holds; null before it is sent.</summary>
    Outbox? Outbox { get; }

    /// <summary>The proxy the call was made through, kept reachable until the call is answered.</summary>
    ManagedProxy? Proxy { get; }

    /// <summary>The client cancelled a blocking call and waits for the host to confirm, so no item is lost.</summary>
    bool CancelRequested { get; set; }

    /// <summary>The call as sent, kept for a call that goes again (with its id) after a lost connection.</summary>
    CallRequest? Request { get; set; }

    /// <summary>Whether the call passed its gate already.</summary>
    bool IsCompleted { get; }

    Task Task { get; }

    /// <summary>
    /// Starts the call made through <paramref name="proxy"/>, which the call keeps reachable until it is answered (a
    /// proxy collected meanwhile would let its object go on the host before the call reaches it), and registers it with
    /// <paramref name="owner"/>, which its cancellation tells.
    /// </summary>
    void Start(long callId, long deadline, ClientMethod method, ManagedProxy proxy, PendingCalls owner, CancellationToken cancellationToken);

    /// <summary>The call is handed to <paramref name="outbox"/>, which counts it until its gate passes.</summary>
    void Sending(Outbox outbox);

    /// <summary>
    /// The call is measured (its duration goes to <paramref name="instruments"/> when they are given) and traced (its
    /// <paramref name="span"/> ends with it) under <paramref name="method"/>: both end when the gate passes.
    /// </summary>
    void Observe(Instruments? instruments, Activity? span, string method);

    /// <summary>Claims the resend of the call after a lost connection: false while another resend of it is under way.</summary>
    bool ClaimResend();

    /// <summary>
    /// The call is sent again, through <paramref name="outbox"/> (its proxy's, which a host restart may have changed);
    /// the slot in its old outbox is given back, and if this connection is lost too, it may be claimed again.
    /// </summary>
    void Resending(Outbox outbox);

    /// <summary>Completes the call with the host's answer, converted to the method's result type; false when it was completed already.</summary>
    bool TrySetValue(object? value);

    /// <summary>Fails the call; false when it was completed already.</summary>
    bool TrySetError(Exception error);

    /// <summary>
    /// Fails the call, completing its task on the thread pool: the caller may continue where its call completes, and the
    /// thread that decides here (one walking every call of a lost connection) must not run it. False when it was completed already.
    /// </summary>
    bool TrySetErrorLater(Exception error);

    /// <summary>Cancels the call (its token's cancellation); false when it was completed already.</summary>
    bool TrySetCancelled();
}

/// <summary>The converter of a result type, looked up once per type rather than once per call.</summary>
internal static class ResultConverter<T>
{
    public static readonly Func<object?, object?> Instance = ValueConverter.For(typeof(T));
}

/// <summary>
/// The one pending call, whose task is the proxy method's <c>Task&lt;T&gt;</c> (it is its own completion source, so a
/// call costs no object beyond it and its task). Over Akka.Remote its continuations run on the thread pool, off the reply
/// actor. Over the direct lane they run on the lane's reader thread, which saves a thread hop per call; the lane hands its
/// reading to a new thread when a caller holds the reader too long.
/// </summary>
internal sealed class PendingCall<T>(bool inline)
    : TaskCompletionSource<T>(inline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously), IPendingCall
{
    private PendingCalls? _owner;
    private CancellationTokenRegistration _registration;
    private CancellationToken _cancellationToken;
    private int _completed;
    private int _resendClaimed;
    private long _deadline;
    private Observation? _observation;

    public long CallId { get; private set; }

    public long Deadline { get => Volatile.Read(ref _deadline); set => Volatile.Write(ref _deadline, value); }

    public ClientMethod Method { get; private set; } = null!;

    public Outbox? Outbox { get; private set; }

    public ManagedProxy? Proxy { get; private set; }

    public bool CancelRequested { get; set; }

    public CallRequest? Request { get; set; }

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    Task IPendingCall.Task => Task;

    public void Start(long callId, long deadline, ClientMethod method, ManagedProxy proxy, PendingCalls owner, CancellationToken cancellationToken)
    {
        CallId = callId;
        Deadline = deadline;
        Method = method;
        Proxy = proxy;
        _cancellationToken = cancellationToken;
        _owner = owner;
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, _) =>
            {
                var call = (PendingCall<T>)state!;
                call._owner?.CancellationRequested(call);
            }, this);
        }
    }

    public void Sending(Outbox outbox) => Outbox = outbox;

    public void Observe(Instruments? instruments, Activity? span, string method) =>
        _observation = new Observation(instruments, span, method, Stopwatch.GetTimestamp());

    public bool ClaimResend() => Interlocked.Exchange(ref _resendClaimed, 1) == 0;

    public void Resending(Outbox outbox)
    {
        Outbox?.Completed();
        Outbox = outbox;
        Volatile.Write(ref _resendClaimed, 0);
    }

    public bool TrySetValue(object? value)
    {
        if (!Pass())
        {
            return false;
        }
        T result;
        try
        {
            result = ValueConverter.Convert<T>(value, ResultConverter<T>.Instance);
        }
        catch (InvalidCastException e)
        {
            _observation?.End(e);
            TrySetException(e);
            return true;
        }
        _observation?.End(null);
        TrySetResult(result);
        return true;
    }

    public bool TrySetError(Exception error)
    {
        if (!Pass())
        {
            return false;
        }
        _observation?.End(error);
        TrySetException(error);
        return true;
    }

    public bool TrySetErrorLater(Exception error)
    {
        if (!Pass())
        {
            return false;
        }
        _observation?.End(error);
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Call.TrySetException(s.Error), (Call: this, Error: error), preferLocal: false);
        return true;
    }

    public bool TrySetCancelled()
    {
        if (!Pass())
        {
            return false;
        }
        _observation?.End(Observation.Cancelled);
        TrySetCanceled(_cancellationToken);
        return true;
    }

    /// <summary>The gate: the first caller wins, and the call gives back what it held before its task completes.</summary>
    private bool Pass()
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }
        _owner?.Forget(this);
        Outbox?.Completed();
        _registration.Dispose();
        return true;
    }
}

/// <summary>A measured or traced call: when it started, its CLIENT span, its method; ended once, by the call's gate.</summary>
internal sealed class Observation(Instruments? instruments, Activity? span, string method, long start)
{
    /// <summary>What a cancelled call records as its error.</summary>
    public static readonly OperationCanceledException Cancelled = new("The call was cancelled.");

    public void End(Exception? error)
    {
        var errorType = error?.GetType().FullName;
        if (instruments is not null)
        {
            Instruments.RecordCall(instruments.ClientCallDuration, start, method, errorType);
        }
        if (span is not null)
        {
            Tracing.Stop(span, ReferenceEquals(error, Cancelled) ? null : error, errorType);
        }
    }
}
