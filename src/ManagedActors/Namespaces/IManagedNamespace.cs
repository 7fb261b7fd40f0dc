namespace ManagedActors.Namespaces;

/// <summary>
/// A bag of named attributes shared between processes (Python's <c>manager.Namespace()</c>). Attributes hold
/// values of any type; each read names the type it expects.
/// </summary>
public interface IManagedNamespace : IManagedObject
{
    /// <summary>The value of attribute <paramref name="name"/> (<c>ns.name</c>).</summary>
    /// <exception cref="KeyNotFoundException">No such attribute (Python's AttributeError).</exception>
    [ReadOnlyCall]
    Task<T> GetAsync<T>(string name, CancellationToken cancellationToken = default);

    /// <summary>The value of attribute <paramref name="name"/>, or <paramref name="defaultValue"/> (<c>getattr(ns, name, default)</c>).</summary>
    [ReadOnlyCall]
    Task<T> GetOrDefaultAsync<T>(string name, T defaultValue = default!, CancellationToken cancellationToken = default);

    /// <summary>Sets attribute <paramref name="name"/> (<c>ns.name = value</c>).</summary>
    Task SetAsync<T>(string name, T value, CancellationToken cancellationToken = default);

    /// <summary>Removes attribute <paramref name="name"/> (<c>del ns.name</c>).</summary>
    /// <exception cref="KeyNotFoundException">No such attribute.</exception>
    Task DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Whether attribute <paramref name="name"/> exists (<c>hasattr</c>).</summary>
    [ReadOnlyCall]
    Task<bool> ContainsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>A copy of every attribute (<c>vars(ns)</c>).</summary>
    [ReadOnlyCall]
    Task<Dictionary<string, object?>> SnapshotAsync(CancellationToken cancellationToken = default);

    /// <summary>Atomically adds <paramref name="delta"/> to a numeric attribute (absent counts as zero); the new value.</summary>
    Task<T> IncrementAsync<T>(string name, T delta, CancellationToken cancellationToken = default);

    /// <summary>Atomically sets <paramref name="newValue"/> if the attribute equals <paramref name="expected"/>; whether it did.</summary>
    Task<bool> CompareAndSetAsync<T>(string name, T expected, T newValue, CancellationToken cancellationToken = default);
}
