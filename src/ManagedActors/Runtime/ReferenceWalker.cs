using System.Collections.Concurrent;
using System.Collections;
using System.Reflection;
using ManagedActors.Codec;

namespace ManagedActors.Runtime;

/// <summary>
/// Finds the managed objects a value refers to: the references inside an object's state (what it holds) and inside
/// a call's arguments and results. Types that cannot hold a reference (numbers, strings, a <c>List&lt;int&gt;</c>, a
/// record of those) are known by their type alone and never walked, so a plain call costs a type check or two.
/// Walks without recursion, visiting each object once, so no graph is too deep or too cyclic for it.
/// </summary>
internal static class ReferenceWalker
{
    private static readonly ConcurrentDictionary<Type, bool> MayHold = new();
    private static readonly ConcurrentDictionary<Type, FieldInfo[]> Fields = new();

    /// <summary>Adds the ids of the objects <paramref name="value"/> refers to; whether it found any.</summary>
    public static bool Collect(object? value, HashSet<string> into)
    {
        if (value is null || !MayHoldReference(value.GetType()))
        {
            return false;
        }
        var before = into.Count;
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<object>();
        pending.Push(value);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (!node.GetType().IsValueType && !visited.Add(node))
            {
                continue;
            }
            switch (node)
            {
                case IManagedProxy proxy:
                    into.Add(proxy.Reference.ObjectId);
                    break;
                case ObjectReference reference:
                    into.Add(reference.ObjectId);
                    break;
                case IDictionary dictionary:
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        PushIfMayHold(pending, entry.Key);
                        PushIfMayHold(pending, entry.Value);
                    }
                    break;
                case IEnumerable items:
                    foreach (var item in items)
                    {
                        PushIfMayHold(pending, item);
                    }
                    break;
                default:
                    foreach (var field in FieldsOf(node.GetType()))
                    {
                        PushIfMayHold(pending, field.GetValue(node));
                    }
                    break;
            }
        }
        return into.Count > before;
    }

    private static void PushIfMayHold(Stack<object> pending, object? value)
    {
        if (value is not null && MayHoldReference(value.GetType()))
        {
            pending.Push(value);
        }
    }

    /// <summary>Whether <paramref name="value"/> could refer to a managed object, judged by its type alone.</summary>
    public static bool MayHoldReference(object? value) => value is not null && MayHoldReference(value.GetType());

    /// <summary>Whether a value of this runtime type could refer to a managed object, at any depth.</summary>
    private static bool MayHoldReference(Type type) =>
        !type.IsPrimitive && type != typeof(string) && MayHold.GetOrAdd(type, static t => Decide(t, []));

    private static bool Decide(Type type, HashSet<Type> seen)
    {
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime)
            || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid) || type.IsPointer)
        {
            return false;
        }
        if (typeof(IManagedProxy).IsAssignableFrom(type) || type == typeof(ObjectReference))
        {
            return true;
        }
        if (!seen.Add(type))
        {
            return false;
        }
        if (type.IsArray)
        {
            return Decide(type.GetElementType()!, seen);
        }
        // A closed generic collection (List<int>, Dictionary<string, double>) holds only its type arguments' values.
        if (type.IsGenericType && !type.IsInterface && typeof(IEnumerable).IsAssignableFrom(type))
        {
            return type.GetGenericArguments().Any(a => Decide(a, seen));
        }
        // What a field of this type may hold at run time is open: object, an interface, a class others derive from.
        if (type == typeof(object) || type.IsInterface || type.IsAbstract || (!type.IsValueType && !type.IsSealed))
        {
            return true;
        }
        return FieldsOf(type).Any(f => Decide(f.FieldType, seen));
    }

    private static FieldInfo[] FieldsOf(Type type) => Fields.GetOrAdd(type, static t =>
    {
        var fields = new List<FieldInfo>();
        for (var current = t; current is not null && current != typeof(object); current = current.BaseType)
        {
            fields.AddRange(current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly));
        }
        return [.. fields];
    });
}
