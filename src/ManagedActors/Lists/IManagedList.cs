namespace ManagedActors.Lists;

/// <summary>
/// A list shared between processes (Python's <c>manager.list()</c>). Python's semantics: negative indexes count
/// from the end, <see cref="PopAsync"/> takes the last item by default, slices take a step. Every call is one
/// message, applied atomically by the list's actor. Enumerating the proxy enumerates a snapshot.
/// </summary>
/// <typeparam name="T">The item type; items are stored as copies, except proxies, which stay live references.</typeparam>
public interface IManagedList<T> : IManagedObject, IAsyncEnumerable<T>
{
    /// <summary>Adds an item at the end (<c>append</c>).</summary>
    Task AppendAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>Adds items at the end in one message (<c>extend</c>, <c>+=</c>).</summary>
    Task ExtendAsync(IEnumerable<T> items, CancellationToken cancellationToken = default);

    /// <summary>Inserts an item before <paramref name="index"/>; an index past either end inserts at that end (<c>insert</c>).</summary>
    Task InsertAsync(int index, T item, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns the item at <paramref name="index"/>, the last by default (<c>pop</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The list is empty or the index is out of range.</exception>
    Task<T> PopAsync(int index = -1, CancellationToken cancellationToken = default);

    /// <summary>Removes the first item equal to <paramref name="item"/> (<c>remove</c>).</summary>
    /// <exception cref="ArgumentException">No item is equal to <paramref name="item"/>.</exception>
    Task RemoveAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>The index of the first item equal to <paramref name="item"/> within [start, stop), or -1 (<c>index</c>, which raises instead).</summary>
    [ReadOnlyCall]
    Task<int> IndexOfAsync(T item, int start = 0, int? stop = null, CancellationToken cancellationToken = default);

    /// <summary>How many items equal <paramref name="item"/> (<c>count(x)</c>).</summary>
    [ReadOnlyCall]
    Task<int> CountOfAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>The number of items (<c>len</c>).</summary>
    [ReadOnlyCall]
    Task<int> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Reverses the list in place (<c>reverse</c>).</summary>
    Task ReverseAsync(CancellationToken cancellationToken = default);

    /// <summary>Sorts the list in place with the items' default ordering (<c>sort</c>, <c>reverse=True</c> as <paramref name="descending"/>).</summary>
    Task SortAsync(bool descending = false, CancellationToken cancellationToken = default);

    /// <summary>The item at <paramref name="index"/> (<c>l[i]</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    [ReadOnlyCall]
    Task<T> GetAsync(int index, CancellationToken cancellationToken = default);

    /// <summary>Replaces the item at <paramref name="index"/> (<c>l[i] = x</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    Task SetAsync(int index, T item, CancellationToken cancellationToken = default);

    /// <summary>Removes the item at <paramref name="index"/> (<c>del l[i]</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    Task RemoveAtAsync(int index, CancellationToken cancellationToken = default);

    /// <summary>A copy of a slice (<c>l[start:stop:step]</c>); null bounds are the slice's defaults.</summary>
    /// <exception cref="ArgumentException">The step is zero.</exception>
    [ReadOnlyCall]
    Task<List<T>> SliceAsync(int? start, int? stop, int? step = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces a slice (<c>l[start:stop:step] = items</c>); an extended slice (step other than 1) needs as many items as it selects.</summary>
    Task SetSliceAsync(int? start, int? stop, int? step, IEnumerable<T> items, CancellationToken cancellationToken = default);

    /// <summary>Removes a slice (<c>del l[start:stop:step]</c>).</summary>
    Task DeleteSliceAsync(int? start, int? stop, int? step = null, CancellationToken cancellationToken = default);

    /// <summary>Whether an item equals <paramref name="item"/> (<c>x in l</c>).</summary>
    [ReadOnlyCall]
    Task<bool> ContainsAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>Repeats the contents <paramref name="times"/> times in place (<c>l *= n</c>); zero or less empties the list.</summary>
    Task MultiplyAsync(int times, CancellationToken cancellationToken = default);

    /// <summary>A copy of the whole list (<c>l[:]</c>).</summary>
    [ReadOnlyCall]
    Task<List<T>> SnapshotAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes every item (<c>clear</c>).</summary>
    Task ClearAsync(CancellationToken cancellationToken = default);
}
