using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace ManagedActors.Codec;

/// <summary>
/// Bounds what goes through the Hyperion fallback (records and other types the codec does not write itself),
/// whose reader and writer recurse once per level of the object graph. A graph's depth is the longest chain of
/// references from the value, measured without recursion; a graph deeper than managed-actors.max-value-depth is
/// refused before it is written and after it is read. Reading a payload large enough to be deep runs on a thread
/// whose stack is sized to the payload, one at a time, so a hostile one cannot overflow the reader's stack first.
/// </summary>
internal static class RecordGraph
{
    /// <summary>Payloads up to this size nest at most ~1,400 levels (3 bytes a level at least): safe on any thread.</summary>
    private const int InlineBytes = 4096;

    /// <summary>Stack to reserve per payload byte: Hyperion's reader takes 120-180 bytes of stack per byte of a chain.</summary>
    private const int StackPerByte = 384;

    private static readonly SemaphoreSlim DeepReads = new(1, 1);
    private static readonly ConcurrentDictionary<Type, FieldInfo[]> Fields = new();

    /// <summary>Runs <paramref name="read"/> where a payload of <paramref name="bytes"/> cannot overflow the stack.</summary>
    public static object? Read(int bytes, Func<object?> read)
    {
        if (bytes <= InlineBytes)
        {
            return read();
        }
        DeepReads.Wait();
        try
        {
            object? result = null;
            ExceptionDispatchInfo? failure = null;
            var thread = new Thread(
                () =>
                {
                    try
                    {
                        result = read();
                    }
                    catch (Exception e)
                    {
                        failure = ExceptionDispatchInfo.Capture(e);
                    }
                },
                (int)Math.Clamp((long)bytes * StackPerByte, 16L << 20, 1L << 30))
            {
                IsBackground = true,
                Name = "ManagedActors deep record reader",
            };
            thread.Start();
            thread.Join();
            failure?.Throw();
            return result;
        }
        finally
        {
            DeepReads.Release();
        }
    }

    /// <summary>The longest chain of references from <paramref name="root"/>, or more than <paramref name="limit"/> once that is certain.</summary>
    public static int Depth(object root, int limit)
    {
        if (Fields.GetOrAdd(root.GetType(), AllFields).Length == 0 && root is not Array)
        {
            // A record of numbers and strings only (the common case): nothing to walk.
            return 1;
        }
        // Iterative post-order walk; a node's height is computed once, and a reference back onto the current path
        // (a cycle) counts for nothing, as the serializers write it as a back-reference.
        var heights = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        var onPath = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var stack = new List<(object Node, IEnumerator<object> Children, int Height)>();
        Push(root);
        while (stack.Count > 0)
        {
            if (stack.Count > limit)
            {
                return stack.Count;
            }
            var (node, children, height) = stack[^1];
            if (children.MoveNext())
            {
                var child = children.Current;
                if (heights.TryGetValue(child, out var known))
                {
                    stack[^1] = (node, children, Math.Max(height, known + 1));
                }
                else if (!onPath.Contains(child))
                {
                    Push(child);
                }
                continue;
            }
            stack.RemoveAt(stack.Count - 1);
            onPath.Remove(node);
            heights[node] = height;
            if (height > limit)
            {
                return height;
            }
            if (stack.Count > 0)
            {
                var parent = stack[^1];
                stack[^1] = (parent.Node, parent.Children, Math.Max(parent.Height, height + 1));
            }
        }
        return heights[root];

        void Push(object node)
        {
            onPath.Add(node);
            stack.Add((node, Children(node).GetEnumerator(), 1));
        }
    }

    private static IEnumerable<object> Children(object node)
    {
        // A proxy travels as its reference (a surrogate of strings), whatever it holds on this side.
        if (node is string or IManagedProxy or ObjectReference or Type or MemberInfo
            || node.GetType().IsPrimitive || node.GetType().IsEnum)
        {
            yield break;
        }
        if (node is Array array)
        {
            if (array.GetType().GetElementType() is { IsPrimitive: true })
            {
                yield break;
            }
            foreach (var item in array)
            {
                if (item is not null)
                {
                    yield return item;
                }
            }
            yield break;
        }
        foreach (var field in Fields.GetOrAdd(node.GetType(), AllFields))
        {
            if (field.GetValue(node) is { } value)
            {
                yield return value;
            }
        }
    }

    private static FieldInfo[] AllFields(Type type)
    {
        var fields = new List<FieldInfo>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            fields.AddRange(t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => !f.FieldType.IsPrimitive && !f.FieldType.IsEnum && !f.FieldType.IsPointer && f.FieldType != typeof(string)));
        }
        return [.. fields];
    }
}
