using System.Collections.Concurrent;
using System.Reflection;

namespace ManagedActors.Protocol;

/// <summary>
/// The method table of one proxy interface, built once. Every remote method has an id that names it alone: a hash
/// of its declaring interface, name and parameter types, so client and host agree on ids without sending names, and
/// an id sent through the wrong interface (a forged call, a proxy opened with another interface) matches no method
/// of the object instead of whichever method sits at the same position. Methods returning
/// <see cref="IAsyncEnumerable{T}"/> or <see cref="IAsyncEnumerator{T}"/> run on the client.
/// </summary>
internal sealed class InterfaceContract
{
    private static readonly ConcurrentDictionary<Type, InterfaceContract> Cache = new();

    private readonly Dictionary<(Module, int), ContractMethod> _byToken;

    private InterfaceContract(Type definition)
    {
        Definition = definition;
        var methods = new List<MethodInfo>();
        foreach (var type in new[] { definition }.Concat(definition.GetInterfaces()))
        {
            if (type == typeof(IManagedObject))
            {
                continue;
            }

            methods.AddRange(type.GetMethods(BindingFlags.Public | BindingFlags.Instance));
        }
        var ordered = methods
            .Select(m => (Method: m, Signature: SignatureOf(m)))
            .OrderBy(m => m.Signature, StringComparer.Ordinal)
            .ToList();
        var remote = new List<ContractMethod>();
        var ids = new Dictionary<int, ContractMethod>();
        _byToken = [];
        foreach (var (method, signature) in ordered)
        {
            var contractMethod = IsLocal(method) ? new ContractMethod(0, -1, method) : new ContractMethod(IdOf(method, signature), remote.Count, method);
            if (contractMethod.Slot >= 0)
            {
                if (!ids.TryAdd(contractMethod.Id, contractMethod))
                {
                    throw new ArgumentException($"{definition}: {ids[contractMethod.Id]} and {contractMethod} hash to the same method id; rename one of them.");
                }
                remote.Add(contractMethod);
            }
            _byToken[(method.Module, method.MetadataToken)] = contractMethod;
        }
        RemoteMethods = [.. remote];
        JournalKeys = JournalKeysOf(definition, RemoteMethods);
    }

    /// <summary>The interface (its generic definition when it is generic).</summary>
    public Type Definition { get; }

    /// <summary>The methods that travel to the host, indexed by <see cref="ContractMethod.Slot"/>.</summary>
    public ContractMethod[] RemoteMethods { get; }

    /// <summary>
    /// The remote methods by their journal keys and aliases (<see cref="ManagedMethodAttribute"/>); overloads share a
    /// key and are told apart by how many arguments a journaled call carries.
    /// </summary>
    public IReadOnlyDictionary<string, ContractMethod[]> JournalKeys { get; }

    public static InterfaceContract For(Type interfaceType)
    {
        var definition = interfaceType.IsGenericType ? interfaceType.GetGenericTypeDefinition() : interfaceType;
        return Cache.GetOrAdd(definition, static d =>
        {
            if (!d.IsInterface || !typeof(IManagedObject).IsAssignableFrom(d))
            {
                throw new ArgumentException($"{d} is not an interface derived from IManagedObject.");
            }
            return new InterfaceContract(d);
        });
    }

    /// <summary>Finds the contract method of a method of a closed interface type (as DispatchProxy passes it).</summary>
    public ContractMethod Find(MethodInfo method)
    {
        var definition = method.IsGenericMethod ? method.GetGenericMethodDefinition() : method;
        return _byToken.TryGetValue((definition.Module, definition.MetadataToken), out var found)
            ? found
            : throw new UnknownMethodException($"{method.DeclaringType}.{method.Name} is not part of {Definition}.");
    }

    /// <summary>
    /// Indexes the methods by journal key and alias. Overloads of one name that take as many arguments get their
    /// parameter types in their default key; two methods given one key (or alias) with as many arguments are refused.
    /// </summary>
    private static Dictionary<string, ContractMethod[]> JournalKeysOf(Type definition, ContractMethod[] methods)
    {
        foreach (var clash in methods.Where(m => !m.HasExplicitJournalKey).GroupBy(m => (m.JournalKey, m.WireParameters.Length)).Where(g => g.Count() > 1))
        {
            foreach (var method in clash)
            {
                method.JournalKey += "(" + string.Join(",", method.WireParameters.Select(p => p.ParameterType.Name)) + ")";
            }
        }
        var byKey = new Dictionary<string, List<ContractMethod>>(StringComparer.Ordinal);
        foreach (var method in methods)
        {
            foreach (var key in method.JournalAliases.Prepend(method.JournalKey).Distinct(StringComparer.Ordinal))
            {
                if (!byKey.TryGetValue(key, out var list))
                {
                    byKey[key] = list = [];
                }
                if (list.FirstOrDefault(other => other.WireParameters.Length == method.WireParameters.Length) is { } other)
                {
                    throw new ArgumentException(
                        $"{definition}: {other} and {method} both answer to the journal key '{key}' with {method.WireParameters.Length} argument(s); give each its own [ManagedMethod] key.");
                }
                list.Add(method);
            }
        }
        return byKey.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }

    private static bool IsLocal(MethodInfo method) =>
        method.DeclaringType == typeof(IAsyncDisposable) ||
        method.ReturnType.IsGenericType
        && method.ReturnType.GetGenericTypeDefinition() is var d
        && (d == typeof(IAsyncEnumerable<>) || d == typeof(IAsyncEnumerator<>));

    /// <summary>FNV-1a over the declaring interface's name and the method's signature: the same in every process.</summary>
    private static int IdOf(MethodInfo method, string signature)
    {
        var declaring = method.DeclaringType!;
        var name = (declaring.IsGenericType ? declaring.GetGenericTypeDefinition() : declaring).FullName + "::" + signature;
        var hash = 2166136261u;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash == CallRequest.NoMethod ? 1 : unchecked((int)hash);
    }

    private static string SignatureOf(MethodInfo method) =>
        $"{method.Name}`{method.GetGenericArguments().Length}({string.Join(",", method.GetParameters().Select(p => p.ParameterType.ToString()))})";
}

/// <summary>One method of a proxy interface, as both sides see it.</summary>
internal sealed class ContractMethod
{
    public ContractMethod(int id, int slot, MethodInfo method)
    {
        Id = id;
        Slot = slot;
        Method = method;
        var parameters = method.GetParameters();
        CancellationIndex = Array.FindLastIndex(parameters, p => p.ParameterType == typeof(CancellationToken));
        if (CancellationIndex >= 0 && CancellationIndex != parameters.Length - 1)
        {
            throw new ArgumentException($"{method.DeclaringType}.{method.Name}: the CancellationToken must be the last parameter.");
        }
        WireParameters = parameters.Where(p => p.ParameterType != typeof(CancellationToken)).ToArray();
        IsBlocking = method.GetCustomAttribute<BlockingCallAttribute>() is not null;
        IsReadOnly = method.GetCustomAttribute<ReadOnlyCallAttribute>() is not null;
        IsOwnerBound = method.DeclaringType?.GetCustomAttribute<OwnerBoundAttribute>() is not null;
        TimeoutIndex = Array.FindIndex(parameters, p => p.Name == "timeout" && (p.ParameterType == typeof(TimeSpan?) || p.ParameterType == typeof(TimeSpan)));
        if (slot >= 0 && !typeof(Task).IsAssignableFrom(method.ReturnType))
        {
            throw new ArgumentException($"{method.DeclaringType}.{method.Name} must return Task or Task<T>: every remote call is asynchronous.");
        }
        ResultType = method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
            ? method.ReturnType.GetGenericArguments()[0]
            : null;
        var named = method.GetCustomAttribute<ManagedMethodAttribute>();
        HasExplicitJournalKey = !string.IsNullOrWhiteSpace(named?.Key);
        JournalKey = HasExplicitJournalKey ? named!.Key! : DefaultJournalKey(method);
        JournalAliases = named?.Aliases ?? [];
    }

    /// <summary>
    /// The method's key in durable objects' journals: its <see cref="ManagedMethodAttribute.Key"/>, or the declaring
    /// interface's name (no namespace, no generic arity) and the method's name, which outlive a move to another namespace.
    /// </summary>
    public string JournalKey { get; internal set; }

    /// <summary>Whether <see cref="JournalKey"/> was given by <see cref="ManagedMethodAttribute"/>.</summary>
    public bool HasExplicitJournalKey { get; }

    /// <summary>The method's former journal keys (<see cref="ManagedMethodAttribute.Aliases"/>).</summary>
    public string[] JournalAliases { get; }

    private static string DefaultJournalKey(MethodInfo method)
    {
        var name = method.DeclaringType!.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return (tick < 0 ? name : name[..tick]) + "." + method.Name;
    }

    /// <summary>The method's id on the wire, unique to its interface, name and parameter types.</summary>
    public int Id { get; }

    /// <summary>The method's index in <see cref="InterfaceContract.RemoteMethods"/>; -1 for a method that runs on the client.</summary>
    public int Slot { get; }

    /// <summary>The method as declared on the interface definition.</summary>
    public MethodInfo Method { get; }

    /// <summary>The parameters that travel: all but the CancellationToken.</summary>
    public ParameterInfo[] WireParameters { get; }

    public int CancellationIndex { get; }

    /// <summary>Index of the <c>timeout</c> parameter that bounds a blocking call's wait, or -1.</summary>
    public int TimeoutIndex { get; }

    public bool IsBlocking { get; }

    /// <summary>The method reads the object and changes nothing (<see cref="ReadOnlyCallAttribute"/>); otherwise it may change it.</summary>
    public bool IsReadOnly { get; }

    /// <summary>The call carries its flow's <see cref="LockOwner"/> after its arguments (see <see cref="OwnerBoundAttribute"/>).</summary>
    public bool IsOwnerBound { get; }

    /// <summary>T of Task&lt;T&gt; (open, as declared), or null for Task.</summary>
    public Type? ResultType { get; }

    /// <summary>The method name without its Async suffix, which names the implementing method on the host.</summary>
    public string ImplementationName => Method.Name.EndsWith("Async", StringComparison.Ordinal) ? Method.Name[..^5] : Method.Name;

    public override string ToString() => $"{Method.DeclaringType?.Name}.{Method.Name}";
}
