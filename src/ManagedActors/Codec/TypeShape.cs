using System.Collections;
using System.Reflection;

namespace ManagedActors.Codec;

internal enum ShapeKind { Other, List, Array, Dictionary, Set, Pair, Tuple, Nullable, Enum, Refused, Sequence }

/// <summary>What the codec knows about one runtime type, worked out once: its kind and how to build one.</summary>
internal sealed class TypeShape
{
    public ShapeKind Kind { get; private init; }
    public Type[] Arguments { get; private init; } = [];
    public string? RefusalReason { get; private init; }
    private Func<int, object>? _create;
    private Action<object, int, object?>? _add;
    private Func<object?[], object>? _construct;
    private Func<object, int, object?>? _pairItem;

    public object Create(int count) => _create!(count);

    public void Add(object collection, int index, object? item)
    {
        try
        {
            _add!(collection, index, item);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException)
        {
            throw new FormatException($"An element of type '{item?.GetType()}' does not fit '{collection.GetType()}'.", e);
        }
    }

    public object Construct(object?[] items)
    {
        try
        {
            return _construct!(items);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or NullReferenceException)
        {
            throw new FormatException("A tuple's items do not fit its types.", e);
        }
    }

    public object? PairItem(object pair, int index) => _pairItem!(pair, index);

    public static TypeShape For(Type type)
    {
        if (type.IsEnum)
        {
            return new TypeShape { Kind = ShapeKind.Enum };
        }
        if (Refusal(type) is { } reason)
        {
            return new TypeShape { Kind = ShapeKind.Refused, RefusalReason = reason };
        }
        if (type.IsSZArray)
        {
            var element = type.GetElementType()!;
            return new TypeShape
            {
                Kind = ShapeKind.Array,
                Arguments = [element],
                _create = count => Array.CreateInstance(element, count),
                _add = (array, index, item) => ((IList)array)[index] = item,
            };
        }
        if (type.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), inherit: false) && ElementOf(type) is { } item)
        {
            // A collection the compiler made for a collection expression ([1, 2] as IReadOnlyList<int>): its type is the
            // compiler's, named differently from one build to the next, so it is written as the array of its items.
            return new TypeShape { Kind = ShapeKind.Sequence, Arguments = [item] };
        }
        if (!type.IsGenericType)
        {
            return new TypeShape { Kind = ShapeKind.Other };
        }
        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        if (definition == typeof(List<>))
        {
            return new TypeShape
            {
                Kind = ShapeKind.List,
                Arguments = arguments,
                _create = Factories.Collection(type),
                _add = (list, _, item) => ((IList)list).Add(item),
            };
        }
        if (definition == typeof(Dictionary<,>))
        {
            return new TypeShape
            {
                Kind = ShapeKind.Dictionary,
                Arguments = arguments,
                _create = Factories.Collection(type),
            };
        }
        if (definition == typeof(HashSet<>))
        {
            var add = Factories.Adder(type);
            return new TypeShape
            {
                Kind = ShapeKind.Set,
                Arguments = arguments,
                _create = Factories.Collection(type),
                _add = (set, _, item) => add(set, item),
            };
        }
        if (definition == typeof(KeyValuePair<,>))
        {
            var pair = Factories.Pair(type);
            return new TypeShape
            {
                Kind = ShapeKind.Pair,
                Arguments = arguments,
                _construct = Factories.Constructor(type),
                _pairItem = (value, index) => index == 0 ? pair(value).Key : pair(value).Value,
            };
        }
        if (definition == typeof(Nullable<>))
        {
            return new TypeShape { Kind = ShapeKind.Nullable, Arguments = arguments };
        }
        if (type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal) && arguments.Length <= 7)
        {
            return new TypeShape
            {
                Kind = ShapeKind.Tuple,
                Arguments = arguments,
                _construct = Factories.Constructor(type),
            };
        }
        return new TypeShape { Kind = ShapeKind.Other };
    }

    /// <summary>
    /// The <c>T</c> of the one <see cref="IReadOnlyCollection{T}"/> the type implements, or null: a collection, whose
    /// items are counted (an iterator's may never end, and it stays what it was).
    /// </summary>
    private static Type? ElementOf(Type type)
    {
        var elements = type.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyCollection<>))
            .Select(i => i.GetGenericArguments()[0])
            .ToList();
        return elements.Count == 1 ? elements[0] : null;
    }

    private static string? Refusal(Type type)
    {
        if (typeof(Delegate).IsAssignableFrom(type))
        {
            return "a delegate is code, and code cannot be sent to another process";
        }
        if (typeof(Stream).IsAssignableFrom(type) || typeof(Task).IsAssignableFrom(type)
            || typeof(Thread).IsAssignableFrom(type) || typeof(WaitHandle).IsAssignableFrom(type)
            || typeof(CancellationTokenSource).IsAssignableFrom(type) || type == typeof(CancellationToken)
            || typeof(MemberInfo).IsAssignableFrom(type) || typeof(Assembly).IsAssignableFrom(type))
        {
            return "it is bound to this process and has no meaning in another";
        }
        if (type.IsPointer || type == typeof(IntPtr) || type == typeof(UIntPtr) || type.IsByRefLike)
        {
            return "it is a pointer or a stack-only type";
        }
        return null;
    }
}
