using System.Collections.Concurrent;

namespace ManagedActors.Codec;

/// <summary>The closed generic types (and array types) a reader builds from the types a value names, made once per combination.</summary>
internal static class ClosedTypes
{
    private static readonly ConcurrentDictionary<(Type Definition, Type First, Type? Second), Type> Made = new();

    /// <summary><paramref name="definition"/> closed over the arguments; <c>typeof(Array)</c> makes an array of <paramref name="first"/>.</summary>
    /// <exception cref="FormatException">The arguments do not fit the definition.</exception>
    public static Type Of(Type definition, Type first, Type? second = null)
    {
        if (Made.TryGetValue((definition, first, second), out var type))
        {
            return type;
        }
        try
        {
            type = definition == typeof(Array) ? first.MakeArrayType()
                : second is null ? definition.MakeGenericType(first) : definition.MakeGenericType(first, second);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{definition.Name} cannot be made of {first.Name}{(second is null ? "" : ", " + second.Name)}.", e);
        }
        return Made.GetOrAdd((definition, first, second), type);
    }

    /// <summary>The value tuple of <paramref name="types"/> (one to seven).</summary>
    /// <exception cref="FormatException">The types do not make a tuple.</exception>
    public static Type Tuple(Type[] types)
    {
        if (types.Length == 2)
        {
            return Of(typeof(ValueTuple<,>), types[0], types[1]);
        }
        try
        {
            return types.Length switch
            {
                1 => typeof(ValueTuple<>).MakeGenericType(types),
                3 => typeof(ValueTuple<,,>).MakeGenericType(types),
                4 => typeof(ValueTuple<,,,>).MakeGenericType(types),
                5 => typeof(ValueTuple<,,,,>).MakeGenericType(types),
                6 => typeof(ValueTuple<,,,,,>).MakeGenericType(types),
                _ => typeof(ValueTuple<,,,,,,>).MakeGenericType(types),
            };
        }
        catch (ArgumentException e)
        {
            throw new FormatException("A tuple's types are invalid.", e);
        }
    }
}
