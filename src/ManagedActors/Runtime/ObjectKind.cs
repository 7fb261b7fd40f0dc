using ManagedActors.Codec;
using ManagedActors.Objects;

namespace ManagedActors.Runtime;

/// <summary>One kind of object the host can create: its proxy interface, its implementation and its factory.</summary>
/// <param name="Name">The name clients create it by.</param>
/// <param name="Interface">The proxy interface (generic definition for the built-in collections).</param>
/// <param name="Implementation">The class whose methods serve the calls.</param>
/// <param name="Create">Builds a new object from its creation arguments.</param>
internal sealed record ObjectKind(string Name, Type Interface, Type Implementation, Func<object?[], HostContext, ManagedObject> Create)
{
    /// <summary>A registered user type, whose instances need no base class; a record's snapshot is the instance itself.</summary>
    public static ObjectKind For(TypeRegistration registration) => new(
        registration.TypeId, registration.ProxyInterface, registration.Implementation, (args, _) => new CustomObject(registration.Create(args)))
    {
        Fatal = registration.Fatal,
        Upcasters = registration.Upcasters,
        Restore = (args, _) => new CustomObject(args is [{ } instance] && registration.Implementation.IsInstanceOfType(instance)
            ? instance
            : throw new ArgumentException($"A snapshot of {registration.TypeId} holds no {registration.Implementation.Name}.")),
    };

    /// <summary>What rewrites journaled calls of changed methods on recovery (a registration's upcasters); none for built-in kinds.</summary>
    public IReadOnlyList<CallUpcaster> Upcasters { get; init; } = [];

    /// <summary>Exception types that restart an object of this kind (a registration's <c>fatal:</c>); none for built-in kinds.</summary>
    public IReadOnlyList<Type> Fatal { get; init; } = [];

    /// <summary>Builds an object from its snapshot's arguments (<see cref="ManagedObject.SnapshotArguments"/>); the factory for built-in kinds.</summary>
    public Func<object?[], HostContext, ManagedObject> Restore { get; init; } = Create;

    public ObjectBinding Binding { get; } = ObjectBinding.For(Interface, Implementation);

    /// <summary>
    /// Whether its objects park callers or hold something for them (a lock, permits): journaled, such an object keeps
    /// its parked calls and holds across a restart of its host, for clients whose leases have not run out.
    /// </summary>
    public bool HoldsCallers => Binding.Methods.Any(m => m.TakesCall) || typeof(ISessionAware).IsAssignableFrom(Implementation);

    /// <summary>The interfaces an object of this kind may be opened through: its own and those it extends, by definition name.</summary>
    private HashSet<string> Views { get; } = new(
        new[] { Interface }.Concat(Interface.GetInterfaces())
            .Where(i => typeof(IManagedObject).IsAssignableFrom(i) && i != typeof(IManagedObject))
            .Select(i => TypeNames.Of(i.IsGenericType ? i.GetGenericTypeDefinition() : i)),
        StringComparer.Ordinal);

    /// <summary>Refuses a proxy interface that is not this kind's: its calls would name methods the object does not have.</summary>
    /// <exception cref="InterfaceMismatchException">The interface is not one of this kind's.</exception>
    public void CheckInterface(string interfaceType)
    {
        var asked = TypeNames.DefinitionOf(interfaceType);
        if (!Views.Contains(asked))
        {
            var own = TypeNames.Of(Interface.IsGenericType ? Interface.GetGenericTypeDefinition() : Interface);
            throw new InterfaceMismatchException(own, asked,
                $"A '{Name}' is served through {Interface.Name}; it cannot be opened as {ShortName(asked)}.");
        }
    }

    /// <summary>
    /// The creator's type arguments (<c>string, int</c> for a dict opened as <c>IManagedDict&lt;string, int&gt;</c>), which
    /// every later call must respect; null when <paramref name="interfaceType"/> is not this kind's generic interface, or
    /// names a type argument this host cannot load (the object stays untyped, as Python's are).
    /// </summary>
    public Type[]? DeclaredArguments(string interfaceType, TypeAllowList allowList)
    {
        try
        {
            var type = allowList.Resolve(interfaceType);
            // The generic definition itself (an object opened by its kind alone) declares no arguments.
            return type.IsConstructedGenericType && Interface.IsGenericType && type.GetGenericTypeDefinition() == Interface.GetGenericTypeDefinition()
                ? type.GetGenericArguments()
                : null;
        }
        catch (ManagedActorsException)
        {
            return null;
        }
    }

    private static string ShortName(string typeName)
    {
        var name = typeName.Split(',')[0];
        return name[(name.LastIndexOfAny(['.', '+']) + 1)..];
    }
}

/// <summary>Rewrites, on recovery, the calls journaled under <paramref name="JournalKey"/> with <paramref name="Arguments"/> arguments.</summary>
internal sealed record CallUpcaster(string JournalKey, int Arguments, Func<IReadOnlyList<object?>, JournaledCall> Upcast);

/// <summary>A registered type's instance as a managed object: the user's class needs no base class.</summary>
internal sealed class CustomObject(object instance) : ManagedObject
{
    public override object Instance => instance;

    public override object? StoredState => instance;

    /// <summary>A record (value semantics, fields the serializer can read) is its own snapshot; other types are rebuilt by replay only.</summary>
    public override object?[]? SnapshotArguments() => instance.GetType().GetMethod("<Clone>$") is not null ? [instance] : null;
}
