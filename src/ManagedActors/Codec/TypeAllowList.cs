using System.Collections.Concurrent;
using System.Numerics;
using System.Reflection;

namespace ManagedActors.Codec;

/// <summary>
/// Decides which types may be deserialized. A value names its type before its bytes, and the name is checked
/// here before anything is built from it: the common framework types, the library's own, and the types of the
/// assemblies this side was told to trust.
/// </summary>
internal sealed class TypeAllowList
{
    private static readonly HashSet<Type> FrameworkTypes =
    [
        typeof(object), typeof(bool), typeof(byte), typeof(sbyte), typeof(short), typeof(ushort), typeof(int),
        typeof(uint), typeof(long), typeof(ulong), typeof(float), typeof(double), typeof(decimal), typeof(char),
        typeof(string), typeof(Guid), typeof(DateTime), typeof(DateTimeOffset), typeof(TimeSpan), typeof(DateOnly),
        typeof(TimeOnly), typeof(BigInteger), typeof(Half), typeof(Int128), typeof(UInt128),
        typeof(List<>), typeof(Dictionary<,>), typeof(HashSet<>), typeof(SortedDictionary<,>), typeof(SortedSet<>),
        typeof(SortedList<,>), typeof(Queue<>), typeof(Stack<>), typeof(LinkedList<>), typeof(KeyValuePair<,>),
        typeof(Nullable<>), typeof(Tuple<>), typeof(Tuple<,>), typeof(Tuple<,,>), typeof(Tuple<,,,>),
        typeof(ValueTuple<>), typeof(ValueTuple<,>), typeof(ValueTuple<,,>), typeof(ValueTuple<,,,>),
        typeof(ValueTuple<,,,,>), typeof(ValueTuple<,,,,,>), typeof(ValueTuple<,,,,,,>),
        typeof(IEqualityComparer<>), typeof(IComparer<>), typeof(EqualityComparer<>), typeof(Comparer<>),
    ];

    private readonly ConcurrentDictionary<string, byte> _assemblies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, byte> _types = new();
    private readonly ConcurrentDictionary<string, Type> _resolved = new(StringComparer.Ordinal);

    public TypeAllowList(IEnumerable<Assembly> trusted)
    {
        AllowAssembly(typeof(TypeAllowList).Assembly);
        foreach (var assembly in trusted)
        {
            AllowAssembly(assembly);
        }
    }

    public void AllowAssembly(Assembly assembly)
    {
        var name = assembly.GetName().Name;
        if (name is not null)
        {
            _assemblies.TryAdd(name, 0);
        }
    }

    /// <summary>Trusts one type (and the types it is built from); a client trusts the types it sends itself.</summary>
    public void AllowType(Type type)
    {
        if (!_types.TryAdd(type, 0))
        {
            return;
        }
        _resolved.TryAdd(TypeNames.Of(type), type);
        if (type.IsArray)
        {
            AllowType(type.GetElementType()!);
        }
        else if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                AllowType(argument);
            }
        }
    }

    public bool IsAllowed(Type type)
    {
        if (_types.ContainsKey(type))
        {
            return true;
        }
        if (type.IsArray)
        {
            return type.GetArrayRank() == 1 && IsAllowed(type.GetElementType()!);
        }
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            var definition = type.GetGenericTypeDefinition();
            if (!FrameworkTypes.Contains(definition) && !IsTrustedAssembly(definition.Assembly))
            {
                return false;
            }
            foreach (var argument in type.GetGenericArguments())
            {
                if (!IsAllowed(argument))
                {
                    return false;
                }
            }
            return true;
        }
        return FrameworkTypes.Contains(type) || IsTrustedAssembly(type.Assembly);
    }

    public bool IsTrustedAssemblyName(string? name) => name is not null && _assemblies.ContainsKey(name);

    private bool IsTrustedAssembly(Assembly assembly) => IsTrustedAssemblyName(assembly.GetName().Name);

    private static bool IsFrameworkAssemblyName(string? name) =>
        name is "System.Private.CoreLib" or "mscorlib" or "netstandard" or "System.Runtime"
        || (name is not null && name.StartsWith("System.", StringComparison.Ordinal));

    /// <summary>Turns a type name from the wire into a type, refusing anything outside the allow-list before loading it.</summary>
    public Type Resolve(string typeName)
    {
        if (_resolved.TryGetValue(typeName, out var cached))
        {
            return cached;
        }
        Type? type;
        try
        {
            type = Type.GetType(
                typeName,
                assemblyName =>
                {
                    if (!IsTrustedAssemblyName(assemblyName.Name) && !IsFrameworkAssemblyName(assemblyName.Name))
                    {
                        throw new ManagedTypeNotAllowedException(typeName);
                    }
                    return LoadAssembly(assemblyName, typeName);
                },
                null,
                throwOnError: false);
        }
        catch (ManagedActorsException)
        {
            throw;
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or TypeLoadException or ArgumentException)
        {
            throw new ManagedTypeNotLoadedException(typeName, e);
        }
        if (type is null)
        {
            throw new ManagedTypeNotLoadedException(typeName, (Exception?)null);
        }
        if (!IsAllowed(type))
        {
            throw new ManagedTypeNotAllowedException(typeName);
        }
        _resolved.TryAdd(typeName, type);
        return type;
    }

    private static Assembly LoadAssembly(AssemblyName name, string typeName)
    {
        foreach (var loaded in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (AssemblyName.ReferenceMatchesDefinition(name, loaded.GetName()))
            {
                return loaded;
            }
        }
        try
        {
            return Assembly.Load(name);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new ManagedTypeNotLoadedException(typeName, e);
        }
    }

    /// <summary>
    /// The check Hyperion runs on every type name inside a payload, at every depth of the object graph: the same
    /// allow-list as a value's announced type (framework types by name, the library's and trusted assemblies' types),
    /// never "anything in a System assembly".
    /// </summary>
    public bool IsAllowedForHyperion(string typeName)
    {
        try
        {
            Resolve(typeName.Replace(",%core%", "", StringComparison.Ordinal));
            return true;
        }
        catch (ManagedActorsException)
        {
            return false;
        }
    }
}
