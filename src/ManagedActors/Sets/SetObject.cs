using System.Collections;
using ManagedActors.Objects;

namespace ManagedActors.Sets;

/// <summary>The host side of <see cref="IManagedSet{T}"/>.</summary>
internal sealed class SetObject : ManagedObject
{
    private readonly HashSet<object?> _items;

    public SetObject(IEnumerable? initial) => _items = initial is null ? [] : [.. initial.Cast<object?>()];

    public override int Size => _items.Count;

    public override object? StoredState => _items;

    public override object?[]? SnapshotArguments() => [_items];

    public bool Add(object? item) => _items.Add(item);

    public bool Discard(object? item) => _items.Remove(item);

    public void Remove(object? item)
    {
        if (!_items.Remove(item))
        {
            throw new KeyNotFoundException($"{item ?? "null"} is not in the set.");
        }
    }

    public object? Pop()
    {
        if (_items.Count == 0)
        {
            throw new KeyNotFoundException("pop from an empty set");
        }
        var item = _items.First();
        _items.Remove(item);
        return item;
    }

    public void Clear() => _items.Clear();

    public bool Contains(object? item) => _items.Contains(item);

    public int Count() => _items.Count;

    public HashSet<object?> Union(object? other) => [.. _items, .. Items(other)];

    public HashSet<object?> Intersection(object? other)
    {
        var result = new HashSet<object?>(_items);
        result.IntersectWith(Items(other));
        return result;
    }

    public HashSet<object?> Difference(object? other)
    {
        var result = new HashSet<object?>(_items);
        result.ExceptWith(Items(other));
        return result;
    }

    public HashSet<object?> SymmetricDifference(object? other)
    {
        var result = new HashSet<object?>(_items);
        result.SymmetricExceptWith(Items(other));
        return result;
    }

    public void UnionWith(object? other) => _items.UnionWith(Items(other));

    public void IntersectWith(object? other) => _items.IntersectWith(Items(other));

    public void ExceptWith(object? other) => _items.ExceptWith(Items(other));

    public void SymmetricExceptWith(object? other) => _items.SymmetricExceptWith(Items(other));

    public bool IsSubsetOf(object? other) => _items.IsSubsetOf(Items(other));

    public bool IsSupersetOf(object? other) => _items.IsSupersetOf(Items(other));

    public bool IsDisjoint(object? other) => !_items.Overlaps(Items(other));

    public HashSet<object?> Snapshot() => [.. _items];

    private static IEnumerable<object?> Items(object? other) => Sequences.Of(other);
}
