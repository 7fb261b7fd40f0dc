using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using ManagedActors.Protocol;

namespace ManagedActors.Client;

/// <summary>One method of one closed proxy interface, ready to call: built on its first call, then reused.</summary>
internal sealed class ClientMethod
{
    private ClientMethod(ContractMethod contract, MethodInfo method)
    {
        Contract = contract;
        TimeoutIndex = contract.IsBlocking ? contract.TimeoutIndex : -1;
        var parameters = method.GetParameters();
        ArgumentShapers = parameters
            .Select(p => p.ParameterType == typeof(CancellationToken) ? null : ShaperFor(p.ParameterType))
            .ToArray();
        if (contract.Slot < 0)
        {
            Local = LocalMethods.Bind(method);
            CreatePending = _ => throw new InvalidOperationException("A client-side method has no pending call.");
            return;
        }
        var resultType = method.ReturnType.IsGenericType ? method.ReturnType.GetGenericArguments()[0] : typeof(object);
        var inline = Expression.Parameter(typeof(bool), "inline");
        CreatePending = Expression.Lambda<Func<bool, IPendingCall>>(
            Expression.New(typeof(PendingCall<>).MakeGenericType(resultType).GetConstructor([typeof(bool)])!, inline), inline).Compile();
    }

    public ContractMethod Contract { get; }

    private MethodName? _rpcName;

    /// <summary>The method's name in metrics and spans for an object of <paramref name="kind"/>: <c>{kind}/{Method}</c>, say <c>dict/Set</c>.</summary>
    public string RpcName(string kind)
    {
        var known = _rpcName;
        if (known is null || !string.Equals(known.Kind, kind, StringComparison.Ordinal))
        {
            _rpcName = known = new MethodName(kind, kind + "/" + Contract.ImplementationName);
        }
        return known.Name;
    }

    private sealed record MethodName(string Kind, string Name);

    public int Id => Contract.Id;

    public int CancellationIndex => Contract.CancellationIndex;

    /// <summary>Index of the timeout argument of a blocking call, or -1.</summary>
    public int TimeoutIndex { get; }

    public bool IsBlocking => Contract.IsBlocking;

    /// <summary>Makes the pending call of one invocation; true when its caller may continue on the thread that completes it.</summary>
    public Func<bool, IPendingCall> CreatePending { get; }

    /// <summary>Per argument, a conversion applied before encoding (a lazy sequence becomes an array), or null.</summary>
    public Func<object?, object?>?[] ArgumentShapers { get; }

    /// <summary>The client-side implementation of a method that does not travel (an async enumerator over a snapshot).</summary>
    public Func<ManagedProxy, object?[], object?>? Local { get; }

    private static Func<object?, object?>? ShaperFor(Type type)
    {
        if (!type.IsGenericType || !type.IsInterface)
        {
            return null;
        }
        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IReadOnlyList<>)
            || definition == typeof(ICollection<>) || definition == typeof(IList<>))
        {
            var method = typeof(ClientMethod).GetMethod(nameof(Materialize), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(type.GetGenericArguments()[0]);
            return method.CreateDelegate<Func<object?, object?>>();
        }
        if (definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>))
        {
            var method = typeof(ClientMethod).GetMethod(nameof(MaterializeDictionary), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(type.GetGenericArguments());
            return method.CreateDelegate<Func<object?, object?>>();
        }
        return null;
    }

    private static object? Materialize<T>(object? value) => value switch
    {
        null => null,
        T[] or List<T> => value,
        IEnumerable<T> items => items.ToArray(),
        _ => value,
    };

    private static object? MaterializeDictionary<TKey, TValue>(object? value) where TKey : notnull => value switch
    {
        null => null,
        Dictionary<TKey, TValue> => value,
        IEnumerable<KeyValuePair<TKey, TValue>> items => new Dictionary<TKey, TValue>(items),
        _ => value,
    };

    /// <summary>The methods of one closed interface, each built on its first call.</summary>
    internal sealed class Table
    {
        private static readonly ConcurrentDictionary<Type, Table> Tables = new();
        private readonly ConcurrentDictionary<MethodInfo, ClientMethod> _methods = new();
        private readonly InterfaceContract _contract;

        private Table(Type interfaceType) => _contract = InterfaceContract.For(interfaceType);

        public static Table For(Type interfaceType) => Tables.GetOrAdd(interfaceType, static t => new Table(t));

        public ClientMethod Get(MethodInfo method) =>
            _methods.TryGetValue(method, out var found)
                ? found
                : _methods.GetOrAdd(method, m => new ClientMethod(_contract.Find(m), m));
    }
}
