using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ManagedActors.Codec;

/// <summary>
/// Fits a decoded value to the type a proxy method declares. The host keeps values untyped (as Python does), so
/// a list comes back as <c>List&lt;object&gt;</c> and becomes <c>List&lt;T&gt;</c> here; conversions are built once per type.
/// </summary>
internal static class ValueConverter
{
    private static readonly ConcurrentDictionary<Type, Func<object?, object?>> Cache = new();

    public static Func<object?, object?> For(Type target) => Cache.GetOrAdd(target, Build);

    public static T Convert<T>(object? value, Func<object?, object?> converter)
    {
        if (value is T typed)
        {
            return typed;
        }
        var converted = converter(value);
        if (converted is null)
        {
            return default(T) is null
                ? default!
                : throw new InvalidCastException($"The host returned null where the proxy expects {typeof(T).Name}.");
        }
        return (T)converted;
    }

    private static Func<object?, object?> Build(Type target)
    {
        if (target == typeof(object))
        {
            return v => v;
        }
        if (Nullable.GetUnderlyingType(target) is { } underlying)
        {
            var inner = For(underlying);
            return v => v is null ? null : inner(v);
        }
        if (target.IsSZArray)
        {
            var element = target.GetElementType()!;
            var convert = For(element);
            return v =>
            {
                if (v is null || target.IsInstanceOfType(v))
                {
                    return v;
                }
                var source = AsList(v, target);
                var array = Array.CreateInstance(element, source.Count);
                for (var i = 0; i < source.Count; i++)
                {
                    array.SetValue(Fit(convert(source[i]), element), i);
                }
                return array;
            };
        }
        if (target.IsGenericType)
        {
            var definition = target.GetGenericTypeDefinition();
            var arguments = target.GetGenericArguments();
            if (definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)
                || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IEnumerable<>))
            {
                var create = Factories.Collection(typeof(List<>).MakeGenericType(arguments));
                var convert = For(arguments[0]);
                return v =>
                {
                    if (v is null || target.IsInstanceOfType(v))
                    {
                        return v;
                    }
                    var source = AsList(v, target);
                    var list = (IList)create(source.Count);
                    foreach (var item in source)
                    {
                        list.Add(Fit(convert(item), arguments[0]));
                    }
                    return list;
                };
            }
            if (definition == typeof(HashSet<>) || definition == typeof(ISet<>) || definition == typeof(IReadOnlySet<>))
            {
                var setType = typeof(HashSet<>).MakeGenericType(arguments);
                var create = Factories.Collection(setType);
                var add = Factories.Adder(setType);
                var convert = For(arguments[0]);
                return v =>
                {
                    if (v is null || target.IsInstanceOfType(v))
                    {
                        return v;
                    }
                    var set = create(0);
                    foreach (var item in (IEnumerable)v)
                    {
                        add(set, Fit(convert(item), arguments[0]));
                    }
                    return set;
                };
            }
            if (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            {
                var create = Factories.Collection(typeof(Dictionary<,>).MakeGenericType(arguments));
                var convertKey = For(arguments[0]);
                var convertValue = For(arguments[1]);
                return v =>
                {
                    if (v is null || target.IsInstanceOfType(v))
                    {
                        return v;
                    }
                    var source = v as IDictionary ?? throw Mismatch(v, target);
                    var dictionary = (IDictionary)create(source.Count);
                    var e = source.GetEnumerator();
                    while (e.MoveNext())
                    {
                        dictionary.Add(Fit(convertKey(e.Key), arguments[0])!, Fit(convertValue(e.Value), arguments[1]));
                    }
                    return dictionary;
                };
            }
            if (definition == typeof(KeyValuePair<,>))
            {
                var convertKey = For(arguments[0]);
                var convertValue = For(arguments[1]);
                var construct = Factories.Constructor(target);
                return v =>
                {
                    if (v is null || target.IsInstanceOfType(v))
                    {
                        return v;
                    }
                    var type = v.GetType();
                    if (!Factories.IsPair(type))
                    {
                        throw Mismatch(v, target);
                    }
                    var (key, value) = Factories.Pair(type)(v);
                    return construct([Fit(convertKey(key), arguments[0]), Fit(convertValue(value), arguments[1])]);
                };
            }
            if (target.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal))
            {
                var converters = arguments.Select(For).ToArray();
                var defaults = arguments.Select(a => a.IsValueType ? Activator.CreateInstance(a) : null).ToArray();
                var construct = Factories.Constructor(target);
                return v =>
                {
                    if (v is null || target.IsInstanceOfType(v))
                    {
                        return v;
                    }
                    var tuple = v as ITuple ?? throw Mismatch(v, target);
                    if (tuple.Length != converters.Length)
                    {
                        throw Mismatch(v, target);
                    }
                    var items = new object?[tuple.Length];
                    for (var i = 0; i < items.Length; i++)
                    {
                        // A tuple's absent part (the item of a failed TryGet) is the type's default.
                        items[i] = tuple[i] is null && arguments[i].IsValueType
                            ? defaults[i]
                            : Fit(converters[i](tuple[i]), arguments[i]);
                    }
                    return construct(items);
                };
            }
        }
        return v => v is null || target.IsInstanceOfType(v) ? v : throw Mismatch(v, target);
    }

    private static object? Fit(object? value, Type type)
    {
        if (value is null)
        {
            return type.IsValueType && Nullable.GetUnderlyingType(type) is null
                ? throw new InvalidCastException($"The host returned null where the proxy expects {type.Name}.")
                : null;
        }
        return type.IsInstanceOfType(value) ? value : throw Mismatch(value, type);
    }

    private static IList AsList(object value, Type target) => value as IList ?? throw Mismatch(value, target);

    private static InvalidCastException Mismatch(object value, Type target) =>
        new($"The host returned a {value.GetType().Name} where the proxy expects {target.Name}; was the object created with other type arguments?");
}
