using System.Collections.Concurrent;
using System.Text;

namespace ManagedActors.Codec;

/// <summary>Short, version-free type names for the wire: "Namespace.Type, Assembly", framework types without the assembly.</summary>
internal static class TypeNames
{
    private static readonly ConcurrentDictionary<Type, string> Cache = new();
    private static readonly System.Reflection.Assembly CoreLibrary = typeof(object).Assembly;

    public static string Of(Type type) => Cache.GetOrAdd(type, static t =>
    {
        var builder = new StringBuilder();
        Append(builder, t, qualify: true);
        return builder.ToString();
    });

    /// <summary>
    /// The name of a type's generic definition, from a name <see cref="Of"/> wrote: <c>IManagedList`1, ManagedActors</c>
    /// from <c>IManagedList`1[[System.Int32]], ManagedActors</c>; a non-generic name unchanged. No type is loaded.
    /// </summary>
    public static string DefinitionOf(string typeName)
    {
        var open = typeName.IndexOf('[', StringComparison.Ordinal);
        return open < 0 ? typeName : typeName[..open] + typeName[(typeName.LastIndexOf(']') + 1)..];
    }

    private static void Append(StringBuilder builder, Type type, bool qualify)
    {
        if (type.IsArray)
        {
            Append(builder, type.GetElementType()!, qualify: false);
            builder.Append("[]");
        }
        else if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            builder.Append(type.GetGenericTypeDefinition().FullName);
            builder.Append('[');
            var arguments = type.GetGenericArguments();
            for (var i = 0; i < arguments.Length; i++)
            {
                builder.Append(i == 0 ? "[" : ",[");
                Append(builder, arguments[i], qualify: true);
                builder.Append(']');
            }
            builder.Append(']');
        }
        else
        {
            builder.Append(type.FullName ?? type.Name);
        }
        var root = type;
        while (root.IsArray)
        {
            root = root.GetElementType()!;
        }
        if (qualify && root.Assembly != CoreLibrary)
        {
            builder.Append(", ").Append(root.Assembly.GetName().Name);
        }
    }
}
