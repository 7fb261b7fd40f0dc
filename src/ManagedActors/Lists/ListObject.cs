using System.Collections;
using ManagedActors.Objects;

namespace ManagedActors.Lists;

/// <summary>The host side of <see cref="IManagedList{T}"/>: a list of untyped values, as Python keeps them.</summary>
internal sealed class ListObject : ManagedObject
{
    private List<object?> _items;

    public ListObject(IEnumerable? initial) => _items = initial is null ? [] : initial.Cast<object?>().ToList();

    public override int Size => _items.Count;

    public override object? StoredState => _items;

    public override object?[]? SnapshotArguments() => [_items];

    public void Append(object? item) => _items.Add(item);

    public void Extend(object? items) => _items.AddRange(Sequences.Of(items));

    public void Insert(int index, object? item)
    {
        var count = _items.Count;
        var at = index < 0 ? Math.Max(0, index + count) : Math.Min(index, count);
        _items.Insert(at, item);
    }

    public object? Pop(int index)
    {
        if (_items.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index), "pop from empty list");
        }
        var at = PythonIndexing.Index(index, _items.Count);
        var item = _items[at];
        _items.RemoveAt(at);
        return item;
    }

    public void Remove(object? item)
    {
        var at = _items.IndexOf(item);
        if (at < 0)
        {
            throw new ArgumentException($"list.remove(x): {item ?? "null"} is not in the list", nameof(item));
        }
        _items.RemoveAt(at);
    }

    public int IndexOf(object? item, int start, int? stop)
    {
        foreach (var i in PythonIndexing.Slice(start, stop, 1, _items.Count))
        {
            if (Equals(_items[i], item))
            {
                return i;
            }
        }
        return -1;
    }

    public int CountOf(object? item) => _items.Count(x => Equals(x, item));

    public int Count() => _items.Count;

    public void Reverse() => _items.Reverse();

    public void Sort(bool descending)
    {
        try
        {
            // A stable sort, as Python's is.
            var sorted = descending
                ? _items.OrderByDescending(x => x, Comparer<object?>.Default).ToList()
                : _items.OrderBy(x => x, Comparer<object?>.Default).ToList();
            _items = sorted;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new ArgumentException("The list's items cannot be compared with each other: " + (e.InnerException ?? e).Message, e);
        }
    }

    public object? Get(int index) => _items[PythonIndexing.Index(index, _items.Count)];

    public void Set(int index, object? item) => _items[PythonIndexing.Index(index, _items.Count, "list assignment")] = item;

    public void RemoveAt(int index) => _items.RemoveAt(PythonIndexing.Index(index, _items.Count, "list assignment"));

    public List<object?> Slice(int? start, int? stop, int? step) =>
        PythonIndexing.Slice(start, stop, step, _items.Count).Select(i => _items[i]).ToList();

    public void SetSlice(int? start, int? stop, int? step, object? items)
    {
        var values = Sequences.Of(items).ToList();
        if ((step ?? 1) == 1)
        {
            var count = _items.Count;
            var lo = Bound(start ?? 0, count);
            var hi = Math.Max(lo, Bound(stop ?? count, count));
            _items.RemoveRange(lo, hi - lo);
            _items.InsertRange(lo, values);
            return;
        }
        var indexes = PythonIndexing.Slice(start, stop, step, _items.Count);
        if (indexes.Count != values.Count)
        {
            throw new ArgumentException($"attempt to assign sequence of size {values.Count} to extended slice of size {indexes.Count}", nameof(items));
        }
        for (var i = 0; i < indexes.Count; i++)
        {
            _items[indexes[i]] = values[i];
        }
    }

    public void DeleteSlice(int? start, int? stop, int? step)
    {
        var doomed = PythonIndexing.Slice(start, stop, step, _items.Count).ToHashSet();
        if (doomed.Count == 0)
        {
            return;
        }
        var kept = new List<object?>(_items.Count - doomed.Count);
        for (var i = 0; i < _items.Count; i++)
        {
            if (!doomed.Contains(i))
            {
                kept.Add(_items[i]);
            }
        }
        _items = kept;
    }

    public bool Contains(object? item) => _items.Contains(item);

    public void Multiply(int times)
    {
        if (times <= 0)
        {
            _items.Clear();
            return;
        }
        var original = _items.ToArray();
        if ((long)original.Length * times > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(times), times, "The repeated list would be too long.");
        }
        for (var i = 1; i < times; i++)
        {
            _items.AddRange(original);
        }
    }

    public List<object?> Snapshot() => [.. _items];

    public void Clear() => _items.Clear();

    private static int Bound(int index, int count)
    {
        if (index < 0)
        {
            index += count;
        }
        return Math.Clamp(index, 0, count);
    }
}
