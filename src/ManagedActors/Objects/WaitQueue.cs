namespace ManagedActors.Objects;

/// <summary>
/// The callers waiting in an object, first come first served, each with what it waits with (the item of a put, the
/// depth a lock waiter takes back). A parked caller that times out or is withdrawn leaves the queue by itself, so a
/// caller served later is always one still waiting; a session that ends takes its callers out.
/// </summary>
internal sealed class WaitQueue<T>
{
    private readonly LinkedList<(Call Call, T Value)> _waiting = new();

    public int Count => _waiting.Count;

    /// <summary>The values of the callers waiting, oldest first.</summary>
    public IEnumerable<T> Values => _waiting.Select(w => w.Value);

    /// <summary>
    /// Parks <paramref name="call"/>; if its timeout passes while it still waits here, it leaves and fails with what
    /// <paramref name="onTimeout"/> makes.
    /// </summary>
    public object Park(Call call, T value, TimeSpan? timeout, Func<Exception> onTimeout) =>
        ParkWith(call, value, timeout, () => call.Fail(onTimeout()));

    /// <summary>
    /// Parks <paramref name="call"/>; if its timeout passes while it still waits here, it leaves and
    /// <paramref name="onTimeout"/> decides its answer. A caller moved on elsewhere (a condition waiter that was
    /// notified and now waits for the lock) is not timed out by this queue. <paramref name="onCancel"/> runs after
    /// a withdrawn caller left.
    /// </summary>
    public object ParkWith(Call call, T value, TimeSpan? timeout, Action onTimeout, Action? onCancel = null)
    {
        var node = _waiting.AddLast((call, value));
        return call.ParkWith(timeout, () =>
        {
            if (Unlink(node))
            {
                onTimeout();
            }
        }, () =>
        {
            if (Unlink(node))
            {
                onCancel?.Invoke();
            }
        });
    }

    /// <summary>Queues a call that is parked already (its timer belongs to an earlier wait): it leaves only when served or its session ends.</summary>
    public void Enqueue(Call call, T value) => _waiting.AddLast((call, value));

    /// <summary>
    /// Takes the oldest caller still waiting. One answered meanwhile (a queued call withdrawn after its own timer was
    /// gone, as a notified condition waiter's is) is dropped on the way, so nothing is handed to a caller that left.
    /// </summary>
    public bool TryDequeue(out Call call, out T value)
    {
        while (_waiting.First is { } first)
        {
            _waiting.RemoveFirst();
            (call, value) = first.Value;
            if (!call.IsCompleted)
            {
                return true;
            }
        }
        call = null!;
        value = default!;
        return false;
    }

    /// <summary>Takes every caller still waiting, oldest first.</summary>
    public List<(Call Call, T Value)> DequeueAll()
    {
        var all = _waiting.Where(w => !w.Call.IsCompleted).ToList();
        _waiting.Clear();
        return all;
    }

    /// <summary>
    /// Takes out the callers of a session that ended (their calls are dropped by whoever runs the object); whether it
    /// had any.
    /// </summary>
    public bool RemoveSession(Guid session)
    {
        var removed = false;
        for (var node = _waiting.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Call.Session == session)
            {
                _waiting.Remove(node);
                removed = true;
            }
            node = next;
        }
        return removed;
    }

    private bool Unlink(LinkedListNode<(Call Call, T Value)> node)
    {
        if (node.List is null)
        {
            return false;
        }
        _waiting.Remove(node);
        return true;
    }
}
