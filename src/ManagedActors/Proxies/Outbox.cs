using System.Collections.Concurrent;
using Akka.Actor;
using ManagedActors.Protocol;

namespace ManagedActors.Proxies;

/// <summary>
/// The calls of one client waiting to go to one object. A caller enqueues and schedules one flush on its own
/// thread's local queue, so every call issued before that thread yields (the continuations of a batch of
/// replies, or many callers at once) leaves in one remote message; a lone sequential caller is flushed at once.
/// </summary>
internal sealed class Outbox : IThreadPoolWorkItem
{
    private readonly ConcurrentQueue<object> _queue = new();
    private readonly IActorRef _target;
    private readonly IActorRef _replyTo;
    private readonly Guid _session;
    private readonly int _maxCalls;
    private readonly int _maxBytes;
    private int _scheduled;

    public Outbox(IActorRef target, IActorRef replyTo, Guid session, int maxCalls, int maxBytes)
    {
        _target = target;
        _replyTo = replyTo;
        _session = session;
        _maxCalls = maxCalls;
        _maxBytes = maxBytes;
    }

    public IActorRef Target => _target;

    public void Enqueue(CallRequest call) => Add(call);

    /// <summary>Withdraws a call; sent after every call queued before it, so it never overtakes the call it cancels.</summary>
    public void Cancel(long callId) => Add(new CancelCall(_session, callId));

    private void Add(object item)
    {
        _queue.Enqueue(item);
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }
    }

    public void Execute()
    {
        while (true)
        {
            Drain();
            Volatile.Write(ref _scheduled, 0);
            if (_queue.IsEmpty || Interlocked.Exchange(ref _scheduled, 1) != 0)
            {
                return;
            }
        }
    }

    private void Drain()
    {
        var batch = new List<CallRequest>();
        var bytes = 0;
        while (_queue.TryPeek(out var next))
        {
            if (next is not CallRequest call)
            {
                if (batch.Count > 0)
                {
                    Send(batch);
                    batch = [];
                    bytes = 0;
                }
                _queue.TryDequeue(out _);
                _target.Tell(next, _replyTo);
                continue;
            }
            if (batch.Count > 0 && (batch.Count >= _maxCalls || bytes + call.Args.Length > _maxBytes))
            {
                Send(batch);
                batch = [];
                bytes = 0;
            }
            _queue.TryDequeue(out _);
            batch.Add(call);
            bytes += call.Args.Length + 16;
        }
        if (batch.Count > 0)
        {
            Send(batch);
        }
    }

    private void Send(List<CallRequest> batch) => _target.Tell(new Calls(_session, batch.ToArray()), _replyTo);
}
