using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using ManagedActors.Codec;
using ManagedActors.Objects;
using ManagedActors.Protocol;

namespace ManagedActors.Runtime;

/// <summary>
/// Binds each remote method of a proxy interface to the implementation's method once, as a compiled delegate:
/// <c>AppendAsync(T item, CancellationToken)</c> is served by <c>Append(object? item)</c>, optionally with a
/// trailing <see cref="Call"/> parameter for methods that may park. A missing method fails at binding time,
/// naming what is missing; no reflection runs per call.
/// </summary>
internal sealed class ObjectBinding
{
    private static readonly ConcurrentDictionary<(Type, Type), ObjectBinding> Cache = new();

    private readonly Dictionary<int, BoundMethod> _byId = [];

    private ObjectBinding(InterfaceContract contract, Type implementation)
    {
        Contract = contract;
        var missing = new List<string>();
        Methods = new BoundMethod[contract.RemoteMethods.Length];
        foreach (var method in contract.RemoteMethods)
        {
            var target = FindImplementation(implementation, method);
            if (target is null)
            {
                missing.Add($"{method.ImplementationName}({string.Join(", ", method.WireParameters.Select(p => p.ParameterType.Name))}) for {method}");
                continue;
            }
            Methods[method.Slot] = new BoundMethod(method, target);
            _byId[method.Id] = Methods[method.Slot];
        }
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"{implementation} does not implement {contract.Definition}: missing {string.Join("; ", missing)}.");
        }
    }

    public InterfaceContract Contract { get; }

    /// <summary>The bound methods, indexed by <see cref="ContractMethod.Slot"/>.</summary>
    public BoundMethod[] Methods { get; }

    /// <summary>
    /// The object's method with this wire id. An id of another interface's method finds nothing here, even when that
    /// method sits at the same position of its own interface: a call never runs a method its caller did not name.
    /// </summary>
    public bool TryFind(int methodId, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out BoundMethod method) =>
        _byId.TryGetValue(methodId, out method);

    public static ObjectBinding For(Type interfaceType, Type implementation) =>
        Cache.GetOrAdd((InterfaceContract.For(interfaceType).Definition, implementation),
            static key => new ObjectBinding(InterfaceContract.For(key.Item1), key.Item2));

    private static MethodInfo? FindImplementation(Type implementation, ContractMethod method)
    {
        var count = method.WireParameters.Length;
        foreach (var candidate in implementation.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (candidate.Name != method.ImplementationName && candidate.Name != method.Method.Name)
            {
                continue;
            }
            var parameters = candidate.GetParameters();
            var takesCall = parameters.Length > 0 && parameters[^1].ParameterType == typeof(Call);
            if (parameters.Length - (takesCall ? 1 : 0) != count || candidate.IsGenericMethodDefinition)
            {
                continue;
            }
            var fits = true;
            for (var i = 0; i < count && fits; i++)
            {
                var wire = method.WireParameters[i].ParameterType;
                var impl = parameters[i].ParameterType;
                fits = impl == typeof(object) || (!wire.ContainsGenericParameters && impl.IsAssignableFrom(wire));
            }
            if (fits && typeof(Task).IsAssignableFrom(candidate.ReturnType))
            {
                throw new InvalidOperationException(
                    $"{implementation.Name}.{candidate.Name} returns a Task: implementation methods run to their end inside the object's actor, so they must be synchronous (the proxy side is async).");
            }
            if (fits)
            {
                return candidate;
            }
        }
        return null;
    }
}

/// <summary>One interface method bound to its implementation.</summary>
internal sealed class BoundMethod
{
    private readonly Func<object, object?[], Call?, object?> _invoke;
    private readonly Type?[] _checks;

    public BoundMethod(ContractMethod contract, MethodInfo target)
    {
        Contract = contract;
        var parameters = target.GetParameters();
        TakesCall = parameters.Length > 0 && parameters[^1].ParameterType == typeof(Call);
        ParameterCount = contract.WireParameters.Length;
        _checks = contract.WireParameters
            .Select(p => p.ParameterType.ContainsGenericParameters || p.ParameterType == typeof(object) ? null : p.ParameterType)
            .ToArray();

        var impl = Expression.Parameter(typeof(object), "impl");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var call = Expression.Parameter(typeof(Call), "call");
        var arguments = new List<Expression>();
        for (var i = 0; i < ParameterCount; i++)
        {
            Expression arg = Expression.ArrayIndex(args, Expression.Constant(i));
            arguments.Add(parameters[i].ParameterType == typeof(object) ? arg : Expression.Convert(arg, parameters[i].ParameterType));
        }
        if (TakesCall)
        {
            arguments.Add(call);
        }
        // Through a delegate, not a direct call: the JIT cannot inline the object's method into this one, so its frame
        // stays on the stack and a fault's remote stack names it in an optimized build too.
        var delegateType = Expression.GetDelegateType([target.DeclaringType!, .. parameters.Select(p => p.ParameterType), target.ReturnType]);
        var direct = target.CreateDelegate(delegateType);
        Expression body = Expression.Invoke(Expression.Constant(direct, delegateType), [Expression.Convert(impl, target.DeclaringType!), .. arguments]);
        body = target.ReturnType == typeof(void)
            ? Expression.Block(body, Expression.Constant(null, typeof(object)))
            : Expression.Convert(body, typeof(object));
        _invoke = Expression.Lambda<Func<object, object?[], Call?, object?>>(body, impl, args, call).Compile();
        ResultInterface = contract.ResultType is { IsInterface: true } result && typeof(IManagedObject).IsAssignableFrom(result) ? result : null;
    }

    public ContractMethod Contract { get; }

    public bool TakesCall { get; }

    public int ParameterCount { get; }

    /// <summary>
    /// Checks the decoded arguments against the declared parameter types; a mismatch is the caller's error. A reference
    /// for a proxy-typed parameter becomes an inert proxy of that interface, which the object can store and hand out.
    /// </summary>
    public void CheckArguments(object?[] args)
    {
        for (var i = 0; i < _checks.Length; i++)
        {
            var expected = _checks[i];
            if (expected is null)
            {
                continue;
            }
            if (args[i] is ObjectReference reference && expected.IsInterface && typeof(IManagedObject).IsAssignableFrom(expected))
            {
                args[i] = InertProxy.Create(expected, reference);
            }
            var arg = args[i];
            var fits = arg is null
                ? !expected.IsValueType || Nullable.GetUnderlyingType(expected) is not null
                : expected.IsInstanceOfType(arg) || Nullable.GetUnderlyingType(expected)?.IsInstanceOfType(arg) == true;
            if (!fits)
            {
                throw new ArgumentException(
                    $"{Contract}: argument '{Contract.WireParameters[i].Name}' must be {expected.Name}, not {arg?.GetType().Name ?? "null"}.",
                    Contract.WireParameters[i].Name);
            }
        }
    }

    /// <summary>The implementation instance is the object itself for built-ins, the user's instance for registered types.</summary>
    public object? Invoke(object instance, object?[] args, Call? call) => _invoke(instance, args, call);

    /// <summary>The proxy interface a method returns (Python's <c>method_to_typeid</c>): its result becomes a managed object.</summary>
    public Type? ResultInterface { get; }
}
