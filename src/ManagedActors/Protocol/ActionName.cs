using System.Reflection;
using ManagedActors.Codec;

namespace ManagedActors.Protocol;

/// <summary>
/// A parameterless action named by its method, so it can cross to the host (a barrier's action): a static method or
/// a lambda that captures nothing. The host runs it only from an assembly it trusts, found by name and metadata token
/// in the same build, never loaded because a client named it.
/// </summary>
internal static class ActionName
{
    /// <summary>The creation arguments that name <paramref name="action"/>: type, method, token.</summary>
    public static object?[] Of(Action action)
    {
        var method = action.Method;
        if (method.GetParameters().Length != 0 || method.ReturnType != typeof(void) || method.DeclaringType is null || method.IsGenericMethod
            || (action.Target is { } target && target.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Length > 0))
        {
            throw new ArgumentException(
                "The action runs on the host, so it must be a static method or a lambda that captures no variables; "
                + $"{method.DeclaringType?.Name}.{method.Name} captures state of this process.", nameof(action));
        }
        return [TypeNames.Of(method.DeclaringType), method.Name, method.MetadataToken];
    }

    /// <summary>The action the creation arguments from <paramref name="index"/> name, or null when they name none.</summary>
    /// <exception cref="ManagedTypeNotLoadedException">The method is not in an assembly this host trusts and has loaded.</exception>
    public static Action? Resolve(object?[] args, int index, TypeAllowList allowList)
    {
        if (args.Length <= index || args[index] is null)
        {
            return null;
        }
        if (args.Length < index + 3 || args[index] is not string typeName || args[index + 1] is not string name || args[index + 2] is not int token)
        {
            throw new ArgumentException("An action is named by its type, method and token.");
        }
        var type = allowList.Resolve(typeName);
        if (!allowList.IsTrustedAssemblyName(type.Assembly.GetName().Name))
        {
            throw new ManagedTypeNotAllowedException(typeName);
        }
        const BindingFlags all = BindingFlags.DeclaredOnly | BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var method = type.GetMethods(all).FirstOrDefault(m => m.Name == name && m.MetadataToken == token
            && m.GetParameters().Length == 0 && m.ReturnType == typeof(void) && !m.IsGenericMethodDefinition)
            ?? throw new ManagedTypeNotLoadedException(typeName, $"{typeName}.{name} is not a parameterless action of this host's build of its assembly.");
        if (method.IsStatic)
        {
            return method.CreateDelegate<Action>();
        }
        // A lambda that captures nothing is an instance method of the compiler's stateless singleton.
        if (type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Length > 0
            || type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic).FirstOrDefault(f => f.FieldType == type)?.GetValue(null) is not { } instance)
        {
            throw new ArgumentException($"{typeName}.{name} needs an instance with state; an action must be static or capture nothing.");
        }
        return method.CreateDelegate<Action>(instance);
    }
}
