using ManagedActors.Runtime;

namespace ManagedActors;

/// <summary>A user type a manager serves: its type id, the proxy interface clients see, and how to make one.</summary>
public sealed class TypeRegistration
{
    /// <summary>Creates a registration, checking that the implementation serves every method of the interface.</summary>
    /// <exception cref="InvalidOperationException">A method of the interface has no implementation; the message names it.</exception>
    internal TypeRegistration(string typeId, Type proxyInterface, Type implementation, Func<object?[], object> create, Type[]? fatal = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeId);
        ArgumentNullException.ThrowIfNull(proxyInterface);
        ArgumentNullException.ThrowIfNull(implementation);
        ArgumentNullException.ThrowIfNull(create);
        if (!proxyInterface.IsInterface || !typeof(IManagedObject).IsAssignableFrom(proxyInterface))
        {
            throw new ArgumentException($"{proxyInterface} must be an interface derived from IManagedObject.", nameof(proxyInterface));
        }
        _ = ObjectBinding.For(proxyInterface, implementation);
        TypeId = typeId;
        ProxyInterface = proxyInterface;
        Implementation = implementation;
        Create = create;
        Fatal = [.. fatal ?? []];
        if (Fatal.FirstOrDefault(t => !typeof(Exception).IsAssignableFrom(t)) is { } notAnException)
        {
            throw new ArgumentException($"{notAnException} is not an exception type, so it cannot be fatal.", nameof(fatal));
        }
    }

    /// <summary>Exception types (and their subtypes) that restart the object when one of its methods throws them.</summary>
    public IReadOnlyList<Type> Fatal { get; }

    /// <summary>The name clients create it by (Python's typeid).</summary>
    public string TypeId { get; }

    /// <summary>The interface clients see; its methods are the exposed ones.</summary>
    public Type ProxyInterface { get; }

    /// <summary>The class that holds the state and serves the calls.</summary>
    public Type Implementation { get; }

    internal Func<object?[], object> Create { get; }

    /// <summary>What rewrites journaled calls of changed methods on recovery (<see cref="ManagerOptions.Upcast"/>).</summary>
    internal IReadOnlyList<CallUpcaster> Upcasters { get; private init; } = [];

    internal TypeRegistration WithUpcaster(CallUpcaster upcaster) =>
        new(TypeId, ProxyInterface, Implementation, Create, [.. Fatal]) { Upcasters = [.. Upcasters, upcaster] };
}
