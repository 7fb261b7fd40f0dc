namespace ManagedActors.Sets;

/// <summary>A set shared between processes (Python's <c>manager.set()</c>), with the set algebra done on the host.</summary>
public interface IManagedSet<T> : IManagedObject
{
    /// <summary>Adds an item (<c>add</c>); whether it was new.</summary>
    Task<bool> AddAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>Removes an item if present (<c>discard</c>); whether it was there.</summary>
    Task<bool> DiscardAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>Removes an item (<c>remove</c>).</summary>
    /// <exception cref="KeyNotFoundException">The item is not in the set.</exception>
    Task RemoveAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns an arbitrary item (<c>pop</c>).</summary>
    /// <exception cref="KeyNotFoundException">The set is empty.</exception>
    Task<T> PopAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes every item (<c>clear</c>).</summary>
    Task ClearAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the item is in the set (<c>x in s</c>).</summary>
    [ReadOnlyCall]
    Task<bool> ContainsAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>The number of items (<c>len</c>).</summary>
    [ReadOnlyCall]
    Task<int> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>The items in the set or in <paramref name="other"/> (<c>union</c>).</summary>
    [ReadOnlyCall]
    Task<HashSet<T>> UnionAsync(IEnumerable<T> other, CancellationToken cancellationToken = default);

    /// <summary>The items in both (<c>intersection</c>).</summary>
    [ReadOnlyCall]
    Task<HashSet<T>> IntersectionAsync(IEnumerable<T> other, CancellationToken cancellationToken = default);

    /// <summary>The items in the set and not in <paramref name="other"/> (<c>difference</c>).</summary>
    [ReadOnlyCall]
    Task<HashSet<T>> DifferenceAsync(IEnumerable<T> other, CancellationToken cancellationToken = default);

    /// <summary>The items in exactly one of them (<c>symmetric_difference</c>).</summary>
    [ReadOnlyCall]
    Task<HashSet<T>> SymmetricDifferenceAsync(IEnumerable<T> other, CancellationToken cancellationToken = default);

    /// <summary>Adds every item of <paramref name="other"/> (<c>update</c>, <c>|=</c>).</summary>
    Task UnionWithAsync(IEnumerable<T> other, CancellationToken cancellationToken = default);

    /// <summary>Keeps only the items also in <paramref name="other"/> (<c>intersection_update</c>, <c>&amp;=</c>).</summary>
    Task IntersectWithAsync(IEnumerable<T> other, CancellationToken cancellationToken = default);

    /// <summary>Removes the items of <paramref name="other"/> (<c>difference_update</c>, <c>-=</c>).</summary>
    Task ExceptWithAsync(IEnumerable<T> other, CancellationToken cancellationToken = default);

    /// <summary>Keeps the items in exactly one of them (<c>symmetric_difference_update</c>, <c>^=</c>).</summary>
    Task SymmetricExceptWithAsync(IEnumerable<T> other, CancellationToken cancellationToken = default);

    /// <summary>Whether every item is in <paramref name="other"/> (<c>issubset</c>).</summary>
    [ReadOnlyCall]
    Task<bool> IsSubsetOfAsync(IEnumerable<T> other, CancellationToken cancellationToken = default);

    /// <summary>Whether every item of <paramref name="other"/> is in the set (<c>issuperset</c>).</summary>
    [ReadOnlyCall]
    Task<bool> IsSupersetOfAsync(IEnumerable<T> other, CancellationToken cancellationToken = default);

    /// <summary>Whether the set shares no item with <paramref name="other"/> (<c>isdisjoint</c>).</summary>
    [ReadOnlyCall]
    Task<bool> IsDisjointAsync(IEnumerable<T> other, CancellationToken cancellationToken = default);

    /// <summary>A copy of the set (<c>copy</c>).</summary>
    [ReadOnlyCall]
    Task<HashSet<T>> SnapshotAsync(CancellationToken cancellationToken = default);
}
