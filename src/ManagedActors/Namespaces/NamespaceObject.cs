using ManagedActors.Objects;

namespace ManagedActors.Namespaces;

/// <summary>The host side of <see cref="IManagedNamespace"/>.</summary>
internal sealed class NamespaceObject : ManagedObject
{
    private readonly Dictionary<string, object?> _attributes = new(StringComparer.Ordinal);

    /// <summary>A namespace holding <paramref name="initial"/>'s attributes (a snapshot's; clients create empty ones).</summary>
    public NamespaceObject(System.Collections.IDictionary? initial = null)
    {
        var e = initial?.GetEnumerator();
        while (e?.MoveNext() == true)
        {
            _attributes[Check(e.Key as string ?? throw new ArgumentException("A namespace's attribute names are strings."))] = e.Value;
        }
    }

    public override int Size => _attributes.Count;

    public override object? StoredState => _attributes;

    public override object?[]? SnapshotArguments() => [_attributes];

    public object? Get(string name) =>
        _attributes.TryGetValue(Check(name), out var value) ? value : throw Missing(name);

    public object? GetOrDefault(string name, object? defaultValue) =>
        _attributes.TryGetValue(Check(name), out var value) ? value : defaultValue;

    public void Set(string name, object? value) => _attributes[Check(name)] = value;

    public void Delete(string name)
    {
        if (!_attributes.Remove(Check(name)))
        {
            throw Missing(name);
        }
    }

    public bool Contains(string name) => _attributes.ContainsKey(Check(name));

    public Dictionary<string, object?> Snapshot() => new(_attributes, StringComparer.Ordinal);

    public object Increment(string name, object? delta)
    {
        _attributes.TryGetValue(Check(name), out var current);
        var sum = Numeric.Add(current, delta);
        _attributes[name] = sum;
        return sum;
    }

    public bool CompareAndSet(string name, object? expected, object? newValue)
    {
        if (!_attributes.TryGetValue(Check(name), out var current) || !Equals(current, expected))
        {
            return false;
        }
        _attributes[name] = newValue;
        return true;
    }

    private static string Check(string name) =>
        string.IsNullOrEmpty(name) ? throw new ArgumentException("An attribute name must not be empty.", nameof(name)) : name;

    private static KeyNotFoundException Missing(string name) => new($"The namespace has no attribute '{name}'.");
}
