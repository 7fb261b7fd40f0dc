using ManagedActors.Codec;
using ManagedActors.Protocol;

namespace ManagedActors.Client;

/// <summary>
/// A call waiting for its answer. A reply, its deadline, its cancellation and a lost connection race to complete it;
/// the first to pass its gate (<see cref="TrySetValue"/>, <see cref="TrySetError"/>, <see cref="TrySetCancelled"/>)
/// decides, and in one place: the call leaves its session's map, gives back its outbox slot and its cancellation
/// registration, then its task completes. Every later attempt is refused and changes nothing.
/// </summary>
internal abstract class PendingCall
{
    private PendingCalls? _owner;
    private CancellationTokenRegistration _registration;
    private int _completed;
    private int _resendClaimed;
    private long _deadline;

    public long CallId { get; private set; }

    /// <summary>When the call times out, in <see cref="Environment.TickCount64"/> milliseconds; long.MaxValue for never.</summary>
    public long Deadline { get => Volatile.Read(ref _deadline); set => Volatile.Write(ref _deadline, value); }

    public ClientMethod Method { get; private set; } = null!;

    /// <summary>The outbox the call was handed to (its proxy's; a resend may change it), whose slot it holds; null before it is sent.</summary>
    public Outbox? Outbox { get; private set; }

    /// <summary>The proxy the call was made through, kept reachable until the call is answered.</summary>
    public ManagedProxy? Proxy { get; private set; }

    /// <summary>The client cancelled a blocking call and waits for the host to confirm, so no item is lost.</summary>
    public bool CancelRequested { get; set; }

    /// <summary>The call as sent, kept for a call that goes again (with its id) after a lost connection.</summary>
    public CallRequest? Request { get; set; }

    /// <summary>The token the caller gave.</summary>
    protected CancellationToken CancellationToken { get; private set; }

    /// <summary>Whether the call passed its gate already.</summary>
    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    public abstract Task Task { get; }

    /// <summary>
    /// Starts the call made through <paramref name="proxy"/>, which the call keeps reachable until it is answered (a
    /// proxy collected meanwhile would let its object go on the host before the call reaches it), and registers it with
    /// <paramref name="owner"/>, which its cancellation tells.
    /// </summary>
    public void Start(long callId, long deadline, ClientMethod method, ManagedProxy proxy, PendingCalls owner, CancellationToken cancellationToken)
    {
        CallId = callId;
        Deadline = deadline;
        Method = method;
        Proxy = proxy;
        CancellationToken = cancellationToken;
        _owner = owner;
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, _) =>
            {
                var call = (PendingCall)state!;
                call._owner?.CancellationRequested(call);
            }, this);
        }
    }

    /// <summary>The call is handed to <paramref name="outbox"/>, which counts it until its gate passes.</summary>
    public void Sending(Outbox outbox) => Outbox = outbox;

    /// <summary>Claims the resend of the call after a lost connection: false while another resend of it is under way.</summary>
    public bool ClaimResend() => Interlocked.Exchange(ref _resendClaimed, 1) == 0;

    /// <summary>
    /// The call is sent again, through <paramref name="outbox"/> (its proxy's, which a host restart may have changed);
    /// the slot in its old outbox is given back, and if this connection is lost too, it may be claimed again.
    /// </summary>
    public void Resending(Outbox outbox)
    {
        Outbox?.Completed();
        Outbox = outbox;
        Volatile.Write(ref _resendClaimed, 0);
    }

    /// <summary>Completes the call with the host's answer, converted to the method's result type; false when it was completed already.</summary>
    public bool TrySetValue(object? value)
    {
        if (!Pass())
        {
            return false;
        }
        SetValue(value);
        return true;
    }

    /// <summary>Fails the call; false when it was completed already.</summary>
    public bool TrySetError(Exception error)
    {
        if (!Pass())
        {
            return false;
        }
        SetError(error);
        return true;
    }

    /// <summary>
    /// Fails the call, completing its task on the thread pool: the caller may continue where its call completes, and the
    /// thread that decides here (one walking every call of a lost connection) must not run it. False when it was completed already.
    /// </summary>
    public bool TrySetErrorLater(Exception error)
    {
        if (!Pass())
        {
            return false;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Call.SetError(s.Error), (Call: this, Error: error), preferLocal: false);
        return true;
    }

    /// <summary>Cancels the call (its token's cancellation); false when it was completed already.</summary>
    public bool TrySetCancelled()
    {
        if (!Pass())
        {
            return false;
        }
        SetCancelled();
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

    protected abstract void SetValue(object? value);

    protected abstract void SetError(Exception error);

    protected abstract void SetCancelled();
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
internal sealed class PendingCall<T>(bool inline) : PendingCall
{
    private readonly TaskCompletionSource<T> _completion = new(inline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task Task => _completion.Task;

    protected override void SetValue(object? value)
    {
        T result;
        try
        {
            result = ValueConverter.Convert<T>(value, ResultConverter<T>.Instance);
        }
        catch (InvalidCastException e)
        {
            _completion.TrySetException(e);
            return;
        }
        _completion.TrySetResult(result);
    }

    protected override void SetError(Exception error) => _completion.TrySetException(error);

    protected override void SetCancelled() => _completion.TrySetCanceled(CancellationToken);
}
