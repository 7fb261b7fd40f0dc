using System.Collections.Concurrent;
using ManagedActors.Codec;
using ManagedActors.Protocol;

namespace ManagedActors.Client;

/// <summary>
/// One session's calls in flight, by call id: what the answers complete, what the deadline sweep times out, and what a
/// lost connection fails or sends again. Every completion goes through the call's own gate (<see cref="IPendingCall"/>),
/// which takes the call out of here; nothing else removes one.
/// </summary>
internal sealed class PendingCalls : IDisposable
{
    private readonly ConcurrentDictionary<long, IPendingCall> _calls = new();
    private readonly Timer _sweep;
    private readonly Func<IPendingCall, Exception> _timedOut;
    private readonly Action<IPendingCall> _cancelBlocking;
    private long _nextId;

    /// <param name="sweepEvery">How often deadlines are checked.</param>
    /// <param name="timedOut">The error of a call whose deadline passed (a timeout, or the host being unreachable).</param>
    /// <param name="cancelBlocking">
    /// Told when a caller cancels a blocking call: it cancels it at once, or withdraws it on the host and waits for the
    /// host's answer (so an item the host handed it meanwhile is not lost).
    /// </param>
    public PendingCalls(TimeSpan sweepEvery, Func<IPendingCall, Exception> timedOut, Action<IPendingCall> cancelBlocking)
    {
        _timedOut = timedOut;
        _cancelBlocking = cancelBlocking;
        _sweep = new Timer(static s => ((PendingCalls)s!).Sweep(), this, sweepEvery, sweepEvery);
    }

    public int Count => _calls.Count;

    public bool IsEmpty => _calls.IsEmpty;

    /// <summary>The next call id of the session.</summary>
    public long NextId() => Interlocked.Increment(ref _nextId);

    /// <summary>Keeps a started call until its gate passes.</summary>
    public void Add(IPendingCall call) => _calls[call.CallId] = call;

    public IPendingCall? Find(long callId) => _calls.GetValueOrDefault(callId);

    /// <summary>A call passed its gate: it is no longer pending (called by the gate only).</summary>
    public void Forget(IPendingCall call) => _calls.TryRemove(new KeyValuePair<long, IPendingCall>(call.CallId, call));

    /// <summary>A caller's token was cancelled.</summary>
    public void CancellationRequested(IPendingCall call)
    {
        if (call.Method.IsBlocking)
        {
            _cancelBlocking(call);
            return;
        }
        call.TrySetCancelled();
    }

    /// <summary>
    /// Completes the calls <paramref name="results"/> answers, decoding each value with <paramref name="codec"/>; whether
    /// one of them says the host does not know this session (it restarted, or the session ended). Such a call did not
    /// run: with <paramref name="resendKept"/>, one kept to go again (and not claimed by a resend yet) is claimed,
    /// left pending and listed in <paramref name="again"/> instead of failing.
    /// </summary>
    public bool Complete(Results results, ValueCodec codec, bool resendKept, out List<IPendingCall>? again)
    {
        again = null;
        var sessionUnknown = false;
        foreach (var item in results.Items)
        {
            if (!_calls.TryGetValue(item.CallId, out var call))
            {
                continue;
            }
            if (item.IsFault)
            {
                var error = Fault(item.Payload);
                sessionUnknown |= error is SessionLostException;
                if (error is SessionLostException && resendKept && call.Request is not null && call.ClaimResend())
                {
                    (again ??= []).Add(call);
                    continue;
                }
                if (error is OperationCanceledException && call.CancelRequested)
                {
                    call.TrySetCancelled();
                }
                else
                {
                    call.TrySetError(error);
                }
                continue;
            }
            object? value;
            try
            {
                value = codec.Decode(item.Payload);
            }
            catch (Exception e) when (e is ManagedActorsException or FormatException or ArgumentException)
            {
                call.TrySetError(e is FormatException or ArgumentException
                    ? new ManagedRemoteException("FormatException", "The host's reply could not be read: " + e.Message, null)
                    : e);
                continue;
            }
            call.TrySetValue(value);
        }
        return sessionUnknown;
    }

    /// <summary>Completes the calls <paramref name="results"/> answers; whether one says the host does not know this session.</summary>
    public bool Complete(Results results, ValueCodec codec) => Complete(results, codec, resendKept: false, out _);

    /// <summary>Fails every pending call, on the thread pool (a caller may continue where its call completes).</summary>
    public void FailAll(Func<Exception> error)
    {
        foreach (var call in _calls.Values)
        {
            call.TrySetErrorLater(error());
        }
    }

    /// <summary>
    /// A connection broke: the calls kept for resending (and not being resent already) are claimed and returned; the
    /// others fail with <paramref name="error"/>, on the thread pool.
    /// </summary>
    public List<IPendingCall> Lost(Func<Exception> error)
    {
        var resend = new List<IPendingCall>();
        foreach (var call in _calls.Values)
        {
            if (call.Request is null)
            {
                call.TrySetErrorLater(error());
            }
            else if (call.ClaimResend())
            {
                resend.Add(call);
            }
        }
        return resend;
    }

    /// <summary>Times out the calls whose deadline passed; a blocking one is withdrawn on the host too.</summary>
    private void Sweep()
    {
        if (_calls.IsEmpty)
        {
            return;
        }
        var now = Environment.TickCount64;
        foreach (var call in _calls.Values)
        {
            if (call.Deadline > now)
            {
                continue;
            }
            if (call.CancelRequested)
            {
                call.TrySetCancelled();
                continue;
            }
            if (call.Method.IsBlocking && !call.IsCompleted)
            {
                // Withdrawn before the caller moves on; a call answered meanwhile is no longer parked, and the host ignores it.
                call.Outbox?.Cancel(call.CallId);
            }
            call.TrySetError(_timedOut(call));
        }
    }

    private static Exception Fault(byte[] payload)
    {
        try
        {
            return FaultInfo.Decode(payload).ToException();
        }
        catch (FormatException e)
        {
            return new ManagedRemoteException("FormatException", "The host's fault could not be read: " + e.Message, null);
        }
    }

    public void Dispose() => _sweep.Dispose();
}
