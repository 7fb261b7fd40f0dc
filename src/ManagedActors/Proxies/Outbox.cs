using System.Collections.Concurrent;
using Akka.Actor;
using ManagedActors.Protocol;

namespace ManagedActors.Proxies;

/// <summary>
/// The calls of one client waiting to go to one object. The first caller schedules one flush on the thread
/// pool; every call issued before it runs (the continuations of a batch of replies, or many callers at once)
/// leaves in the same remote message, and a lone sequential caller is flushed at once. The flush goes to the
/// pool's global queue: the continuations of a batch of replies sit in the current thread's local queue, and a
/// flush queued there would run first (local queues are LIFO) and send their calls one by one.
/// </summary>
internal sealed class Outbox : IThreadPoolWorkItem
{
    private readonly ConcurrentQueue<object> _queue = new();
    private readonly IActorRef _target;
    private readonly string _path;
    private readonly IActorRef _replyTo;
    private readonly ClientRuntime _runtime;
    private readonly int _maxCalls;
    private readonly int _maxBytes;
    private readonly List<CallRequest> _batch = [];
    private int _batchBytes;
    private int _scheduled;
    private int _inFlight;

    public Outbox(IActorRef target, string path, ClientRuntime runtime, int maxCalls, int maxBytes)
    {
        _target = target;
        _path = path;
        _replyTo = runtime.ReplyActor;
        _runtime = runtime;
        _maxCalls = maxCalls;
        _maxBytes = maxBytes;
    }

    public IActorRef Target => _target;

    /// <summary>
    /// Sends a call. Over the direct lane it goes to the connection's writer, which coalesces across objects. Over
    /// Akka.Remote, with no other call of this client in flight to the object (a sequential caller) it is sent at once
    /// on the caller's thread, which saves a thread-pool hop on the latency path; otherwise it waits for the flush,
    /// with the calls that join it meanwhile.
    /// </summary>
    /// <param name="call">The call.</param>
    /// <param name="wait">How long the caller may wait for room under the lane's cap of outstanding calls.</param>
    public void Enqueue(CallRequest call, TimeSpan wait)
    {
        if (SentOnLane(call, wait, resent: false))
        {
            return;
        }
        if (Interlocked.Increment(ref _inFlight) == 1 && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            _queue.Enqueue(call);
            Execute();
            return;
        }
        Add(call);
    }

    /// <summary>
    /// Sends again a call whose connection was lost before its answer, on its own (resends are rare) and marked as
    /// resent, so an object that ran it answers with its first answer.
    /// </summary>
    public void Resend(CallRequest call, TimeSpan wait)
    {
        if (SentOnLane(call, wait, resent: true))
        {
            return;
        }
        Interlocked.Increment(ref _inFlight);
        _target.Tell(new Calls(_runtime.Session, [call], Resent: true), _replyTo);
    }

    /// <summary>
    /// Hands a call to the direct lane; when the lane closed between the caller's check and here, to the resend path.
    /// False when this client's calls go over Akka.Remote.
    /// </summary>
    private bool SentOnLane(CallRequest call, TimeSpan wait, bool resent)
    {
        var lane = _runtime.Lane;
        if (lane is null && !_runtime.UsesLane)
        {
            return false;
        }
        Interlocked.Increment(ref _inFlight);
        if ((lane is null ? new HostUnavailableException("The connection to the host was lost.") : lane.Send(_path, call, wait, resent)) is { } error)
        {
            Unsent(call, error);
        }
        return true;
    }

    /// <summary>A call that could not leave: a closed lane's goes again once connected (if it may change the object), a full lane's fails.</summary>
    private void Unsent(CallRequest call, Exception error)
    {
        if (error is HostUnavailableException)
        {
            _runtime.Unsent(call, error);
        }
        else
        {
            _runtime.FailPending(call.CallId, error);
        }
    }

    /// <summary>A call of this outbox got its answer (or gave up waiting).</summary>
    public void Completed() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Withdraws a call; sent after every call queued before it, so it never overtakes the call it cancels.</summary>
    public void Cancel(long callId)
    {
        if (_runtime.Lane is { } lane)
        {
            lane.Cancel(_path, callId);
            return;
        }
        Add(new CancelCall(_runtime.Session, callId));
    }

    private void Add(object item)
    {
        _queue.Enqueue(item);
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    public void Execute()
    {
        while (true)
        {
            Drain();
            // A full fence, not a release store: the emptiness check below must not be read before the flag is
            // cleared, or a caller that enqueued meanwhile and saw the flag still set would leave its call behind.
            Interlocked.Exchange(ref _scheduled, 0);
            if (_queue.IsEmpty || Interlocked.Exchange(ref _scheduled, 1) != 0)
            {
                return;
            }
        }
    }

    /// <summary>Sends what is queued, in order: runs of calls as batches (bounded in count and bytes), cancels on their own.</summary>
    private void Drain()
    {
        while (_queue.TryDequeue(out var next))
        {
            if (next is not CallRequest call)
            {
                Flush();
                _target.Tell(next, _replyTo);
                continue;
            }
            if (_batch.Count >= _maxCalls || _batchBytes + call.Args.Length > _maxBytes)
            {
                Flush();
            }
            _batch.Add(call);
            _batchBytes += call.Args.Length + 16;
        }
        Flush();
    }

    /// <summary>One remote message for the batch; the list is reused, only the drainer touches it.</summary>
    private void Flush()
    {
        if (_batch.Count == 0)
        {
            return;
        }
        if (ClientMetrics.Messages.Enabled)
        {
            ClientMetrics.Messages.Add(1);
            ClientMetrics.Calls.Add(_batch.Count);
        }
        // The session is read at send time: after a reconnection the same outbox carries the new one.
        _target.Tell(new Calls(_runtime.Session, [.. _batch]), _replyTo);
        _batch.Clear();
        _batchBytes = 0;
    }
}

/// <summary>
/// Calls and the remote messages that carried them, from every outbox of this process: their ratio is how well calls
/// coalesce. Published on the <c>ManagedActors.Client</c> meter (OpenTelemetry or a MeterListener reads it); they cost a
/// flag check per message while nothing listens.
/// </summary>
internal static class ClientMetrics
{
    private static readonly System.Diagnostics.Metrics.Meter Meter = new("ManagedActors.Client");

    public static readonly System.Diagnostics.Metrics.Counter<long> Messages =
        Meter.CreateCounter<long>("managed_actors.client.messages", description: "Remote messages that carried calls.");

    public static readonly System.Diagnostics.Metrics.Counter<long> Calls =
        Meter.CreateCounter<long>("managed_actors.client.calls", description: "Calls sent.");
}
