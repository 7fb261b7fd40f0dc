using System.Collections.Concurrent;
using Akka.Actor;
using ManagedActors.Lane;
using ManagedActors.Protocol;

namespace ManagedActors.Client;

/// <summary>What an outbox needs of its session's connection to the host.</summary>
internal interface ICallChannel
{
    /// <summary>The direct lane calls go over now; null over Akka.Remote, or while a lost lane is being replaced.</summary>
    ICallLane? Lane { get; }

    /// <summary>Whether calls go over a direct lane: while it is being replaced none leaves over Akka.Remote.</summary>
    bool UsesLane { get; }

    /// <summary>The session the calls carry (read at send time: after a reconnection the same outbox carries the new one).</summary>
    Guid Session { get; }

    /// <summary>The reply actor, the sender of calls that go over Akka.Remote.</summary>
    IActorRef ReplyTo { get; }

    /// <summary>A call could not leave: it goes again once connected (if it is kept for that), or fails with <paramref name="error"/>.</summary>
    void Unsent(CallRequest call, Exception error);
}

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
    private readonly ICallChannel _channel;
    private readonly int _maxCalls;
    private readonly int _maxBytes;
    private readonly List<CallRequest> _batch = [];
    private int _batchBytes;
    private int _scheduled;
    private int _inFlight;

    /// <param name="target">The object's actor (over Akka.Remote).</param>
    /// <param name="path">The object's path (over the lane).</param>
    /// <param name="channel">The session's connection.</param>
    /// <param name="maxCalls">Most calls one message carries.</param>
    /// <param name="maxBytes">Most bytes one message carries.</param>
    public Outbox(IActorRef target, string path, ICallChannel channel, int maxCalls, int maxBytes)
    {
        _target = target;
        _path = path;
        _channel = channel;
        _maxCalls = maxCalls;
        _maxBytes = maxBytes;
    }

    public IActorRef Target => _target;

    /// <summary>Calls of this outbox sent and not yet completed: while there are none, a call over Akka.Remote leaves on its caller's thread.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

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
        _target.Tell(new Calls(_channel.Session, [call], Resent: true), _channel.ReplyTo);
    }

    /// <summary>
    /// Hands a call to the direct lane; when the lane closed between the caller's check and here, to the resend path.
    /// False when this client's calls go over Akka.Remote.
    /// </summary>
    private bool SentOnLane(CallRequest call, TimeSpan wait, bool resent)
    {
        var lane = _channel.Lane;
        if (lane is null && !_channel.UsesLane)
        {
            return false;
        }
        Interlocked.Increment(ref _inFlight);
        if ((lane is null ? new HostUnavailableException("The connection to the host was lost.") : lane.Send(_path, call, wait, resent)) is { } error)
        {
            _channel.Unsent(call, error);
        }
        return true;
    }

    /// <summary>A call of this outbox got its answer (or gave up waiting).</summary>
    public void Completed() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Withdraws a call; sent after every call queued before it, so it never overtakes the call it cancels.</summary>
    public void Cancel(long callId)
    {
        if (_channel.Lane is { } lane)
        {
            lane.Cancel(_path, callId);
            return;
        }
        Add(new CancelCall(_channel.Session, callId));
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
                _target.Tell(next, _channel.ReplyTo);
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
        // The session is read at send time: after a reconnection the same outbox carries the new one.
        _target.Tell(new Calls(_channel.Session, [.. _batch]), _channel.ReplyTo);
        _batch.Clear();
        _batchBytes = 0;
    }
}
