using ManagedActors.Objects;

namespace ManagedActors.Queues;

/// <summary>
/// The host side of <see cref="IManagedQueue{T}"/>. Getters waiting on an empty queue and putters waiting on a
/// full one are parked calls in FIFO order; the actor keeps serving everyone else.
/// </summary>
internal class QueueObject : ManagedObject
{
    private readonly Queue<object?> _items = new();
    private readonly WaitQueue<object?> _getters = new();
    private readonly WaitQueue<object?> _putters = new();
    private readonly int _maxSize;
    private bool _completed;

    public QueueObject(int maxSize)
    {
        if (maxSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, "maxSize must be zero (unbounded) or positive.");
        }
        _maxSize = maxSize;
    }

    public override int Size => _items.Count;

    /// <summary>The queued items and the items of puts still waiting for room.</summary>
    public override object? StoredState => _putters.Count == 0 ? _items : new object?[] { _items, _putters.Values.ToArray() };

    public override int Waiters => _getters.Count + _putters.Count;

    private bool Full => _maxSize > 0 && _items.Count >= _maxSize;

    public object? Put(object? item, TimeSpan? timeout, Call call)
    {
        EnsureOpen();
        if (Offer(item))
        {
            return null;
        }
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw FullError();
        }
        return _putters.Park(call, item, timeout, FullError);
    }

    public bool TryPut(object? item)
    {
        EnsureOpen();
        return Offer(item);
    }

    public object? Get(TimeSpan? timeout, Call call)
    {
        if (_items.Count > 0)
        {
            return Take();
        }
        if (_completed)
        {
            throw CompletedError();
        }
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw EmptyError();
        }
        return _getters.Park(call, null, timeout, EmptyError);
    }

    public (bool, object?) TryGet() => _items.Count > 0 ? (true, Take()) : (false, null);

    public int Count() => _items.Count;

    public bool IsEmpty() => _items.Count == 0;

    public bool IsFull() => Full;

    public int MaxSize() => _maxSize;

    public void Complete()
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        foreach (var (getter, _) in _getters.DequeueAll())
        {
            getter.Fail(CompletedError());
        }
        foreach (var (putter, _) in _putters.DequeueAll())
        {
            putter.Fail(new InvalidOperationException("The queue was completed while the put waited for room."));
        }
    }

    /// <summary>Called for every item that enters the queue (or goes straight to a getter).</summary>
    protected virtual void OnItemAdded()
    {
    }

    private bool Offer(object? item)
    {
        // A waiting getter takes the item at once; its reply is already on the way if it was being cancelled,
        // and the client then gets the item rather than a cancellation, so the item is not lost.
        if (_getters.TryDequeue(out var getter, out _))
        {
            OnItemAdded();
            getter.Reply(item);
            return true;
        }
        if (Full)
        {
            return false;
        }
        _items.Enqueue(item);
        OnItemAdded();
        return true;
    }

    private object? Take()
    {
        var item = _items.Dequeue();
        if (!Full && _putters.TryDequeue(out var putter, out var waiting))
        {
            _items.Enqueue(waiting);
            OnItemAdded();
            putter.Reply(null);
        }
        return item;
    }

    private void EnsureOpen()
    {
        if (_completed)
        {
            throw new InvalidOperationException("The queue was completed; no more items can be put.");
        }
    }

    private QueueEmptyException EmptyError() =>
        new($"The queue stayed empty ({_getters.Count} getter(s) waiting, {_putters.Count} putter(s) waiting).");

    private QueueFullException FullError() =>
        new($"The queue stayed full ({_items.Count} of {_maxSize} items, {_putters.Count} putter(s) waiting).");

    private static QueueCompletedException CompletedError() => new("The queue was completed and has no items left.");
}

/// <summary>The host side of <see cref="IManagedJoinableQueue{T}"/>: a queue that counts unfinished items.</summary>
internal sealed class JoinableQueueObject : QueueObject
{
    private readonly WaitQueue<object?> _joiners = new();
    private int _unfinished;

    public JoinableQueueObject(int maxSize) : base(maxSize)
    {
    }

    public override int Waiters => base.Waiters + _joiners.Count;

    public void TaskDone()
    {
        if (_unfinished == 0)
        {
            throw new InvalidOperationException("task_done() called more times than there were items put.");
        }
        _unfinished--;
        if (_unfinished == 0)
        {
            foreach (var (joiner, _) in _joiners.DequeueAll())
            {
                joiner.Reply(null);
            }
        }
    }

    public object? Join(TimeSpan? timeout, Call call)
    {
        if (_unfinished == 0)
        {
            return null;
        }
        return _joiners.Park(call, null, timeout, () => new TimeoutException($"join(): {_unfinished} item(s) still unfinished."));
    }

    public int UnfinishedCount() => _unfinished;

    protected override void OnItemAdded() => _unfinished++;
}
