namespace ManagedActors.Queues;

/// <summary>
/// A FIFO queue shared between processes (Python's <c>manager.Queue(maxsize)</c>). A get from an empty queue
/// or a put to a full bounded one waits on the host without blocking its actor; other callers are served
/// meanwhile. Beyond Python, <see cref="CompleteAsync"/> ends the stream so readers stop without a sentinel.
/// </summary>
public interface IManagedQueue<T> : IManagedObject
{
    /// <summary>Adds an item, waiting up to <paramref name="timeout"/> for room in a bounded queue (null waits as long as needed, zero not at all).</summary>
    /// <exception cref="QueueFullException">No room came in time.</exception>
    /// <exception cref="InvalidOperationException">The queue was completed.</exception>
    [BlockingCall]
    Task PutAsync(T item, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Adds an item if there is room now (<c>put_nowait</c>); whether it did.</summary>
    /// <exception cref="InvalidOperationException">The queue was completed.</exception>
    Task<bool> TryPutAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns the oldest item, waiting up to <paramref name="timeout"/> for one (null waits as long as needed, zero not at all).</summary>
    /// <exception cref="QueueEmptyException">No item came in time.</exception>
    /// <exception cref="QueueCompletedException">The queue was completed and is empty.</exception>
    [BlockingCall]
    Task<T> GetAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns the oldest item if there is one now (<c>get_nowait</c>).</summary>
    Task<(bool Success, T Item)> TryGetAsync(CancellationToken cancellationToken = default);

    /// <summary>The number of items (<c>qsize</c>).</summary>
    [ReadOnlyCall]
    Task<int> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the queue is empty (<c>empty</c>).</summary>
    [ReadOnlyCall]
    Task<bool> IsEmptyAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether a bounded queue is full (<c>full</c>).</summary>
    [ReadOnlyCall]
    Task<bool> IsFullAsync(CancellationToken cancellationToken = default);

    /// <summary>The bound given at creation; zero for unbounded (<c>maxsize</c>).</summary>
    [ReadOnlyCall]
    Task<int> MaxSizeAsync(CancellationToken cancellationToken = default);

    /// <summary>Ends the queue: later puts fail, and readers get the remaining items, then <see cref="QueueCompletedException"/>.</summary>
    Task CompleteAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads items until the queue is completed and drained (no sentinel needed).</summary>
    IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default);
}

/// <summary>A queue that tracks unfinished work (Python's <c>manager.JoinableQueue()</c>).</summary>
public interface IManagedJoinableQueue<T> : IManagedQueue<T>
{
    /// <summary>Marks one item got from the queue as processed (<c>task_done</c>).</summary>
    /// <exception cref="InvalidOperationException">Called more times than items were put.</exception>
    Task TaskDoneAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until every item put has been marked done (<c>join</c>), up to <paramref name="timeout"/> (null waits as long as needed).</summary>
    /// <exception cref="TimeoutException">Items were still unfinished when the timeout passed.</exception>
    [BlockingCall]
    [ReadOnlyCall]
    Task JoinAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>The number of items put and not yet marked done.</summary>
    [ReadOnlyCall]
    Task<int> UnfinishedCountAsync(CancellationToken cancellationToken = default);
}
