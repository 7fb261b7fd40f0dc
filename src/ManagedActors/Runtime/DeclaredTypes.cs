using System.Collections;
using ManagedActors.Codec;

namespace ManagedActors.Runtime;

/// <summary>
/// The element types an object was created with (the <c>string, int</c> of a <c>dict&lt;string, int&gt;</c>), checked
/// on every argument that carries them, so no call can store a value that would break a later read. The host keeps
/// values untyped; this is the one place the creator's declaration is enforced.
/// </summary>
internal static class DeclaredTypes
{
    /// <summary>
    /// For each method of <paramref name="binding"/>, the closed type of each parameter that mentions the
    /// interface's type parameters, or null where there is nothing more to check than the binding does already.
    /// </summary>
    public static Type?[]?[] Close(ObjectBinding binding, Type[]? declared)
    {
        var closed = new Type?[]?[binding.Methods.Length];
        if (declared is null || declared.Length == 0)
        {
            return closed;
        }
        for (var m = 0; m < binding.Methods.Length; m++)
        {
            var parameters = binding.Methods[m].Contract.WireParameters;
            Type?[]? types = null;
            for (var i = 0; i < parameters.Length; i++)
            {
                var type = parameters[i].ParameterType;
                if (type.ContainsGenericParameters && Substitute(type, declared) is { } concrete && concrete != typeof(object))
                {
                    types ??= new Type?[parameters.Length];
                    types[i] = concrete;
                }
            }
            closed[m] = types;
        }
        return closed;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the parameter when an argument does not fit the declared type.</summary>
    public static void Check(BoundMethod method, Type?[]? closed, object?[] args)
    {
        if (closed is null)
        {
            return;
        }
        for (var i = 0; i < closed.Length; i++)
        {
            if (closed[i] is { } type && !Fits(args[i], type, 0))
            {
                var name = method.Contract.WireParameters[i].Name;
                throw new ArgumentException(
                    $"{method.Contract}: argument '{name}' must be {Display(type)}, as the object was created, not {(args[i] is null ? "null" : Display(args[i]!.GetType()))}.",
                    name);
            }
        }
    }

    private static Type? Substitute(Type type, Type[] declared)
    {
        if (type.IsGenericParameter)
        {
            // A method's own type parameter (GetAsync<T>) is the caller's choice: nothing to check.
            return type.DeclaringMethod is null && type.GenericParameterPosition < declared.Length ? declared[type.GenericParameterPosition] : null;
        }
        if (type.IsArray)
        {
            return Substitute(type.GetElementType()!, declared)?.MakeArrayType();
        }
        if (!type.IsGenericType)
        {
            return type;
        }
        var arguments = type.GetGenericArguments();
        for (var i = 0; i < arguments.Length; i++)
        {
            if (Substitute(arguments[i], declared) is not { } argument)
            {
                return null;
            }
            arguments[i] = argument;
        }
        try
        {
            return type.GetGenericTypeDefinition().MakeGenericType(arguments);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool Fits(object? value, Type type, int depth)
    {
        if (type == typeof(object))
        {
            return true;
        }
        if (value is null)
        {
            return !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;
        }
        if (type.IsInstanceOfType(value) || Nullable.GetUnderlyingType(type)?.IsInstanceOfType(value) == true)
        {
            return true;
        }
        if (typeof(IManagedObject).IsAssignableFrom(type))
        {
            // Proxies arrive on the host as references (or inert proxies inside records).
            return value is ObjectReference or IManagedProxy;
        }
        if (depth > 8)
        {
            return false;
        }
        // A collection read with looser element types (List<object> for IEnumerable<int>) fits if each item does.
        if (ElementOf(type) is { } element && value is IEnumerable items and not string)
        {
            foreach (var item in items)
            {
                if (!Fits(item, element, depth + 1))
                {
                    return false;
                }
            }
            return true;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>)
            && value.GetType() is { IsGenericType: true } actual && actual.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
        {
            var parts = type.GetGenericArguments();
            return Fits(actual.GetProperty("Key")!.GetValue(value), parts[0], depth + 1)
                && Fits(actual.GetProperty("Value")!.GetValue(value), parts[1], depth + 1);
        }
        return false;
    }

    private static string Display(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Display))}>"
        : type.Name;

    private static Type? ElementOf(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }
        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }
}
