namespace ManagedActors.Values;

/// <summary>One value shared between processes (Python's <c>manager.Value(typecode, value)</c>), with atomic updates.</summary>
public interface IManagedValue<T> : IManagedObject
{
    /// <summary>The current value (<c>v.value</c>).</summary>
    [ReadOnlyCall]
    Task<T> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the value (<c>v.value = x</c>).</summary>
    Task SetAsync(T value, CancellationToken cancellationToken = default);

    /// <summary>Atomically adds <paramref name="delta"/> to a numeric value; the new value.</summary>
    Task<T> IncrementAsync(T delta, CancellationToken cancellationToken = default);

    /// <summary>Atomically sets <paramref name="newValue"/> if the value equals <paramref name="expected"/>; whether it did.</summary>
    Task<bool> CompareAndSetAsync(T expected, T newValue, CancellationToken cancellationToken = default);

    /// <summary>Atomically replaces the value and returns the previous one.</summary>
    Task<T> ExchangeAsync(T value, CancellationToken cancellationToken = default);
}

/// <summary>A fixed-length array shared between processes (Python's <c>manager.Array(typecode, sequence)</c>).</summary>
public interface IManagedArray<T> : IManagedObject
{
    /// <summary>The length, fixed at creation (<c>len</c>).</summary>
    [ReadOnlyCall]
    Task<int> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>The element at <paramref name="index"/>; negative counts from the end (<c>a[i]</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    [ReadOnlyCall]
    Task<T> GetAsync(int index, CancellationToken cancellationToken = default);

    /// <summary>Replaces the element at <paramref name="index"/> (<c>a[i] = x</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    Task SetAsync(int index, T value, CancellationToken cancellationToken = default);

    /// <summary>A copy of a slice (<c>a[start:stop:step]</c>).</summary>
    [ReadOnlyCall]
    Task<List<T>> SliceAsync(int? start, int? stop, int? step = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces a slice with as many values as it selects (<c>a[start:stop:step] = values</c>); the length never changes.</summary>
    /// <exception cref="ArgumentException">The number of values differs from the slice's length.</exception>
    Task SetSliceAsync(int? start, int? stop, int? step, IEnumerable<T> values, CancellationToken cancellationToken = default);

    /// <summary>A copy of the whole array (<c>a[:]</c>).</summary>
    [ReadOnlyCall]
    Task<T[]> SnapshotAsync(CancellationToken cancellationToken = default);

    /// <summary>Atomically adds <paramref name="delta"/> to the numeric element at <paramref name="index"/>; the new value.</summary>
    Task<T> IncrementAsync(int index, T delta, CancellationToken cancellationToken = default);

    /// <summary>Atomically sets the element at <paramref name="index"/> to <paramref name="newValue"/> if it equals <paramref name="expected"/>.</summary>
    Task<bool> CompareAndSetAsync(int index, T expected, T newValue, CancellationToken cancellationToken = default);
}
