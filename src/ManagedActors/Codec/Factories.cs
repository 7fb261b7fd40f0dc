using System.Collections.Concurrent;
using System.Linq.Expressions;

namespace ManagedActors.Codec;

/// <summary>
/// Compiled constructors and accessors for the generic types values come in (lists, dictionaries, sets,
/// pairs, tuples), built once per closed type so that reading a value never goes through reflection.
/// </summary>
internal static class Factories
{
    private static readonly ConcurrentDictionary<Type, Func<int, object>> Collections = new();
    private static readonly ConcurrentDictionary<Type, Func<object?[], object>> Constructors = new();
    private static readonly ConcurrentDictionary<Type, Action<object, object?>> Adders = new();
    private static readonly ConcurrentDictionary<Type, Func<object, (object? Key, object? Value)>> Pairs = new();

    /// <summary>A new empty collection of the type (List, Dictionary, HashSet), with room for <c>capacity</c> items.</summary>
    public static Func<int, object> Collection(Type type) => Collections.GetOrAdd(type, static t =>
    {
        var capacity = Expression.Parameter(typeof(int), "capacity");
        var constructor = t.GetConstructor([typeof(int)]);
        Expression body = constructor is not null ? Expression.New(constructor, capacity) : Expression.New(t);
        return Expression.Lambda<Func<int, object>>(Expression.Convert(body, typeof(object)), capacity).Compile();
    });

    /// <summary>Builds a tuple or key-value pair from its items, each cast to its declared type.</summary>
    public static Func<object?[], object> Constructor(Type type) => Constructors.GetOrAdd(type, static t =>
    {
        var arguments = t.GetGenericArguments();
        var items = Expression.Parameter(typeof(object?[]), "items");
        var constructor = t.GetConstructor(arguments)
            ?? throw new InvalidOperationException($"{t} has no constructor taking its type arguments.");
        var values = arguments.Select((a, i) => (Expression)Expression.Convert(Expression.ArrayIndex(items, Expression.Constant(i)), a));
        return Expression.Lambda<Func<object?[], object>>(Expression.Convert(Expression.New(constructor, values), typeof(object)), items).Compile();
    });

    /// <summary>Adds an item to a set (HashSet&lt;T&gt; has no non-generic Add).</summary>
    public static Action<object, object?> Adder(Type setType) => Adders.GetOrAdd(setType, static t =>
    {
        var set = Expression.Parameter(typeof(object), "set");
        var item = Expression.Parameter(typeof(object), "item");
        var element = t.GetGenericArguments()[0];
        var add = Expression.Call(Expression.Convert(set, t), t.GetMethod("Add", [element])!, Expression.Convert(item, element));
        return Expression.Lambda<Action<object, object?>>(Expression.Block(add, Expression.Empty()), set, item).Compile();
    });

    /// <summary>The key and value of a boxed KeyValuePair.</summary>
    public static Func<object, (object? Key, object? Value)> Pair(Type pairType) => Pairs.GetOrAdd(pairType, static t =>
    {
        var pair = Expression.Parameter(typeof(object), "pair");
        var typed = Expression.Convert(pair, t);
        var tuple = typeof(ValueTuple<object, object>).GetConstructor([typeof(object), typeof(object)])!;
        var body = Expression.New(tuple,
            Expression.Convert(Expression.Property(typed, "Key"), typeof(object)),
            Expression.Convert(Expression.Property(typed, "Value"), typeof(object)));
        return Expression.Lambda<Func<object, (object?, object?)>>(body, pair).Compile();
    });

    /// <summary>Whether the type is a KeyValuePair.</summary>
    public static bool IsPair(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>);
}
