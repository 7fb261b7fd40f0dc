using System.Collections;
using ManagedActors.Objects;

namespace ManagedActors.Values;

/// <summary>The host side of <see cref="IManagedValue{T}"/>.</summary>
internal sealed class ValueObject : ManagedObject
{
    private object? _value;

    public ValueObject(object? initial) => _value = initial;

    public override int Size => 1;

    public override object? StoredState => _value;

    public override object?[]? SnapshotArguments() => [_value];

    public object? Get() => _value;

    public void Set(object? value) => _value = value;

    public object Increment(object? delta)
    {
        var sum = Numeric.Add(_value, delta);
        _value = sum;
        return sum;
    }

    public bool CompareAndSet(object? expected, object? newValue)
    {
        if (!Equals(_value, expected))
        {
            return false;
        }
        _value = newValue;
        return true;
    }

    public object? Exchange(object? value)
    {
        var previous = _value;
        _value = value;
        return previous;
    }
}

/// <summary>The host side of <see cref="IManagedArray{T}"/>: a fixed-length array of untyped values.</summary>
internal sealed class ArrayObject : ManagedObject
{
    private readonly object?[] _items;
    private readonly Type _elementType;

    public ArrayObject(IList initial)
    {
        _items = new object?[initial.Count];
        initial.CopyTo(_items, 0);
        var listType = initial.GetType();
        _elementType = listType.IsArray ? listType.GetElementType()! : typeof(object);
    }

    public override int Size => _items.Length;

    public override object? StoredState => _items;

    public override object?[]? SnapshotArguments() => [_items];

    public int Count() => _items.Length;

    public object? Get(int index) => _items[PythonIndexing.Index(index, _items.Length, "array")];

    public void Set(int index, object? value) => _items[PythonIndexing.Index(index, _items.Length, "array assignment")] = value;

    public List<object?> Slice(int? start, int? stop, int? step) =>
        PythonIndexing.Slice(start, stop, step, _items.Length).Select(i => _items[i]).ToList();

    public void SetSlice(int? start, int? stop, int? step, object? values)
    {
        var items = Sequences.Of(values).ToList();
        var indexes = PythonIndexing.Slice(start, stop, step, _items.Length);
        if (indexes.Count != items.Count)
        {
            throw new ArgumentException($"Can only assign a sequence of the same size: the slice has {indexes.Count} elements, the values {items.Count}.", nameof(values));
        }
        for (var i = 0; i < indexes.Count; i++)
        {
            _items[indexes[i]] = items[i];
        }
    }

    public Array Snapshot()
    {
        var copy = Array.CreateInstance(_elementType, _items.Length);
        for (var i = 0; i < _items.Length; i++)
        {
            copy.SetValue(_items[i], i);
        }
        return copy;
    }

    public object Increment(int index, object? delta)
    {
        var at = PythonIndexing.Index(index, _items.Length, "array");
        var sum = Numeric.Add(_items[at], delta);
        _items[at] = sum;
        return sum;
    }

    public bool CompareAndSet(int index, object? expected, object? newValue)
    {
        var at = PythonIndexing.Index(index, _items.Length, "array");
        if (!Equals(_items[at], expected))
        {
            return false;
        }
        _items[at] = newValue;
        return true;
    }
}
