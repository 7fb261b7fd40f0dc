using System.Collections.Concurrent;
using System.Collections;
using System.Reflection;
using ManagedActors.Codec;
using ManagedActors.Objects;

namespace ManagedActors.Dicts;

/// <summary>The host side of <see cref="IManagedDict{TKey, TValue}"/>: an insertion-ordered dictionary of untyped values.</summary>
internal sealed class DictObject : ManagedObject
{
    private static readonly ConcurrentDictionary<Type, Func<object, object, object?, bool, (object? Result, bool Changed, bool Exists, object? Value)>> Operations = new();

    private readonly OrderedDictionary<object, object?> _entries = [];

    public DictObject(IEnumerable? initial)
    {
        if (initial is not null)
        {
            Update(initial);
        }
    }

    public override int Size => _entries.Count;

    public override object? StoredState => _entries;

    public override object?[]? SnapshotArguments() => [Snapshot()];

    public object? Get(object key) =>
        _entries.TryGetValue(key, out var value) ? value : throw Missing(key);

    public object? GetOrDefault(object key, object? defaultValue) =>
        _entries.TryGetValue(key, out var value) ? value : defaultValue;

    public void Set(object key, object? value) => _entries[key] = value;

    public void Delete(object key)
    {
        if (!_entries.Remove(key))
        {
            throw Missing(key);
        }
    }

    public bool Remove(object key) => _entries.Remove(key);

    public bool ContainsKey(object key) => _entries.ContainsKey(key);

    public int Count() => _entries.Count;

    public List<object> Keys() => [.. _entries.Keys];

    public List<object?> Values() => [.. _entries.Values];

    public List<KeyValuePair<object, object?>> Items() => [.. _entries];

    public object? Pop(object key) => _entries.Remove(key, out var value) ? value : throw Missing(key);

    public object? PopOrDefault(object key, object? defaultValue) => _entries.Remove(key, out var value) ? value : defaultValue;

    public KeyValuePair<object, object?> PopItem()
    {
        if (_entries.Count == 0)
        {
            throw new KeyNotFoundException("popitem(): dictionary is empty");
        }
        var last = _entries.GetAt(_entries.Count - 1);
        _entries.RemoveAt(_entries.Count - 1);
        return last;
    }

    public object? SetDefault(object key, object? defaultValue)
    {
        if (_entries.TryGetValue(key, out var value))
        {
            return value;
        }
        _entries.Add(key, defaultValue);
        return defaultValue;
    }

    public object? GetOrAdd(object key, object? value) => SetDefault(key, value);

    public void Update(object items)
    {
        switch (items)
        {
            case IDictionary dictionary:
                var e = dictionary.GetEnumerator();
                while (e.MoveNext())
                {
                    _entries[e.Key] = e.Value;
                }
                break;
            case IEnumerable sequence:
                foreach (var item in sequence)
                {
                    var (key, value) = Pair(item);
                    _entries[key] = value;
                }
                break;
            default:
                throw new ArgumentException($"Expected key-value pairs, got {items.GetType().Name}.", nameof(items));
        }
    }

    public void Clear() => _entries.Clear();

    public Dictionary<object, object?> Snapshot() => new(_entries);

    public object Increment(object key, object? delta)
    {
        _entries.TryGetValue(key, out var current);
        var sum = Numeric.Add(current, delta);
        _entries[key] = sum;
        return sum;
    }

    public bool CompareAndSet(object key, object? expected, object? newValue)
    {
        if (!_entries.TryGetValue(key, out var current) || !Equals(current, expected))
        {
            return false;
        }
        _entries[key] = newValue;
        return true;
    }

    public object? Apply(object key, object operation)
    {
        var apply = Operations.GetOrAdd(operation.GetType(), BindOperation);
        var exists = _entries.TryGetValue(key, out var current);
        var (result, changed, stillExists, value) = apply(operation, key, current, exists);
        if (changed)
        {
            if (stillExists)
            {
                _entries[key] = value;
            }
            else
            {
                _entries.Remove(key);
            }
        }
        return result;
    }

    private static Func<object, object, object?, bool, (object?, bool, bool, object?)> BindOperation(Type type)
    {
        var contract = type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEntryOperation<,>))
            ?? throw new ArgumentException($"{type.Name} does not implement IEntryOperation<TValue, TResult>.");
        return typeof(DictObject).GetMethod(nameof(RunOperation), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(contract.GetGenericArguments())
            .CreateDelegate<Func<object, object, object?, bool, (object?, bool, bool, object?)>>();
    }

    private static (object?, bool, bool, object?) RunOperation<TValue, TResult>(object operation, object key, object? current, bool exists)
    {
        if (exists && current is not TValue && current is not null)
        {
            throw new InvalidCastException($"The entry's value is a {current.GetType().Name}, but the operation works on {typeof(TValue).Name}.");
        }
        var entry = new ManagedEntry<TValue>(key, exists, exists && current is TValue typed ? typed : default!);
        var result = ((IEntryOperation<TValue, TResult>)operation).Apply(entry);
        return (result, entry.Changed, entry.Exists, entry.Value);
    }

    private static (object Key, object? Value) Pair(object? item)
    {
        if (item is null)
        {
            throw new ArgumentException("A key-value pair is null.");
        }
        var type = item.GetType();
        if (Factories.IsPair(type))
        {
            var (key, value) = Factories.Pair(type)(item);
            return (key ?? throw new ArgumentException("A key is null."), value);
        }
        if (item is System.Runtime.CompilerServices.ITuple { Length: 2 } tuple)
        {
            return (tuple[0] ?? throw new ArgumentException("A key is null."), tuple[1]);
        }
        throw new ArgumentException($"Expected a key-value pair, got {type.Name}.");
    }

    private static KeyNotFoundException Missing(object key) => new($"The key '{key}' is not in the dictionary.");
}
