namespace ManagedActors.Dicts;

/// <summary>
/// A dictionary shared between processes (Python's <c>manager.dict()</c>), insertion-ordered as Python's is.
/// Beyond Python it offers atomic read-modify-write: <see cref="IncrementAsync"/>, <see cref="CompareAndSetAsync"/>,
/// <see cref="GetOrAddAsync"/> and <see cref="ApplyAsync{TResult}"/> run inside the dictionary's actor, so no
/// update is lost between processes (the <c>d[k] = d.get(k, 0) + 1</c> pattern loses them).
/// </summary>
public interface IManagedDict<TKey, TValue> : IManagedObject
    where TKey : notnull
{
    /// <summary>The value of <paramref name="key"/> (<c>d[k]</c>).</summary>
    /// <exception cref="KeyNotFoundException">The key is absent.</exception>
    [ReadOnlyCall]
    Task<TValue> GetAsync(TKey key, CancellationToken cancellationToken = default);

    /// <summary>The value of <paramref name="key"/>, or <paramref name="defaultValue"/> (<c>d.get(k, default)</c>).</summary>
    [ReadOnlyCall]
    Task<TValue> GetOrDefaultAsync(TKey key, TValue defaultValue = default!, CancellationToken cancellationToken = default);

    /// <summary>Sets the value of <paramref name="key"/> (<c>d[k] = v</c>).</summary>
    Task SetAsync(TKey key, TValue value, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="key"/> (<c>del d[k]</c>).</summary>
    /// <exception cref="KeyNotFoundException">The key is absent.</exception>
    Task DeleteAsync(TKey key, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="key"/> if present; whether it was.</summary>
    Task<bool> RemoveAsync(TKey key, CancellationToken cancellationToken = default);

    /// <summary>Whether <paramref name="key"/> is present (<c>k in d</c>).</summary>
    [ReadOnlyCall]
    Task<bool> ContainsKeyAsync(TKey key, CancellationToken cancellationToken = default);

    /// <summary>The number of entries (<c>len</c>).</summary>
    [ReadOnlyCall]
    Task<int> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>The keys, in insertion order (<c>keys()</c>).</summary>
    [ReadOnlyCall]
    Task<List<TKey>> KeysAsync(CancellationToken cancellationToken = default);

    /// <summary>The values, in insertion order (<c>values()</c>).</summary>
    [ReadOnlyCall]
    Task<List<TValue>> ValuesAsync(CancellationToken cancellationToken = default);

    /// <summary>The entries, in insertion order (<c>items()</c>).</summary>
    [ReadOnlyCall]
    Task<List<KeyValuePair<TKey, TValue>>> ItemsAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="key"/> and returns its value (<c>pop(k)</c>).</summary>
    /// <exception cref="KeyNotFoundException">The key is absent.</exception>
    Task<TValue> PopAsync(TKey key, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="key"/> and returns its value, or <paramref name="defaultValue"/> when absent (<c>pop(k, default)</c>).</summary>
    Task<TValue> PopOrDefaultAsync(TKey key, TValue defaultValue, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns the most recently inserted entry (<c>popitem()</c>, LIFO).</summary>
    /// <exception cref="KeyNotFoundException">The dictionary is empty.</exception>
    Task<KeyValuePair<TKey, TValue>> PopItemAsync(CancellationToken cancellationToken = default);

    /// <summary>The value of <paramref name="key"/>, inserting <paramref name="defaultValue"/> first if absent (<c>setdefault</c>).</summary>
    Task<TValue> SetDefaultAsync(TKey key, TValue defaultValue, CancellationToken cancellationToken = default);

    /// <summary>Sets every entry of <paramref name="items"/> in one message (<c>update</c>).</summary>
    Task UpdateAsync(IEnumerable<KeyValuePair<TKey, TValue>> items, CancellationToken cancellationToken = default);

    /// <summary>Removes every entry (<c>clear</c>).</summary>
    Task ClearAsync(CancellationToken cancellationToken = default);

    /// <summary>A copy of the whole dictionary (<c>copy()</c>).</summary>
    [ReadOnlyCall]
    Task<Dictionary<TKey, TValue>> SnapshotAsync(CancellationToken cancellationToken = default);

    /// <summary>Atomically adds <paramref name="delta"/> to a numeric value (an absent key counts as zero); the new value.</summary>
    /// <exception cref="ArgumentException">The stored value is not a number.</exception>
    /// <exception cref="OverflowException">The sum overflows the value type.</exception>
    Task<TValue> IncrementAsync(TKey key, TValue delta, CancellationToken cancellationToken = default);

    /// <summary>Atomically sets <paramref name="newValue"/> if the key is present with a value equal to <paramref name="expected"/>; whether it did.</summary>
    Task<bool> CompareAndSetAsync(TKey key, TValue expected, TValue newValue, CancellationToken cancellationToken = default);

    /// <summary>The value of <paramref name="key"/>, atomically adding <paramref name="value"/> first if absent.</summary>
    Task<TValue> GetOrAddAsync(TKey key, TValue value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a registered read-modify-write <paramref name="operation"/> on one entry inside the dictionary's actor
    /// (an entry processor). The operation is a serializable record whose type the host trusts.
    /// </summary>
    Task<TResult> ApplyAsync<TResult>(TKey key, IEntryOperation<TValue, TResult> operation, CancellationToken cancellationToken = default);
}

/// <summary>
/// A read-modify-write of one dictionary entry that runs on the host, atomically. A lambda cannot cross
/// processes, so the operation is a serializable record (its type's assembly trusted by the host).
/// </summary>
public interface IEntryOperation<TValue, out TResult>
{
    /// <summary>Reads and changes <paramref name="entry"/>; the result goes back to the caller.</summary>
    TResult Apply(ManagedEntry<TValue> entry);
}

/// <summary>One dictionary entry as an <see cref="IEntryOperation{TValue, TResult}"/> sees it.</summary>
public sealed class ManagedEntry<TValue>
{
    private TValue _value;

    internal ManagedEntry(object key, bool exists, TValue value)
    {
        Key = key;
        Exists = exists;
        _value = value;
    }

    /// <summary>The entry's key.</summary>
    public object Key { get; }

    /// <summary>Whether the entry exists (after the operation's changes so far).</summary>
    public bool Exists { get; private set; }

    /// <summary>Whether the operation changed the entry.</summary>
    internal bool Changed { get; private set; }

    /// <summary>The entry's value (default when absent); setting it creates the entry.</summary>
    public TValue Value
    {
        get => _value;
        set
        {
            _value = value;
            Exists = true;
            Changed = true;
        }
    }

    /// <summary>Removes the entry.</summary>
    public void Remove()
    {
        _value = default!;
        Exists = false;
        Changed = true;
    }
}
