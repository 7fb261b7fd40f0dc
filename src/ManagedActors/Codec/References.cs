using System.Reflection;

namespace ManagedActors.Codec;

/// <summary>Implemented by every proxy, live or inert: the reference it stands for.</summary>
internal interface IManagedProxy
{
    ObjectReference Reference { get; }
}

/// <summary>Turns references into live proxies when a value is read on a client.</summary>
internal interface IReferenceMaterializer
{
    object Materialize(ObjectReference reference);
}

/// <summary>What a proxy inside a Hyperion-serialized value is on the wire: its reference.</summary>
internal sealed record ProxySurrogate(string ActorPath, string ObjectId, string Kind, string InterfaceType, Guid Incarnation, string? Name)
{
    public static ProxySurrogate From(IManagedProxy proxy)
    {
        var r = proxy.Reference;
        return new ProxySurrogate(r.ActorPath, r.ObjectId, r.Kind, r.InterfaceType, r.Incarnation, r.Name);
    }

    public ObjectReference ToReference() => new(ActorPath, ObjectId, Kind, InterfaceType, Incarnation, Name);
}

/// <summary>
/// A reference in the shape of its proxy interface, where no client runtime exists to call it (on a host, inside an
/// object's state or a registered type's field): it can be stored, compared by its reference and sent on, and a
/// call through it is refused.
/// </summary>
internal class InertProxy : DispatchProxy, IManagedProxy
{
    public ObjectReference Reference { get; private set; } = null!;

    public static object Create(Type interfaceType, ObjectReference reference)
    {
        var proxy = (InertProxy)DispatchProxy.Create(interfaceType, typeof(InertProxy));
        proxy.Reference = reference;
        return proxy;
    }

    /// <summary>Two references to one object are equal, as the references themselves are.</summary>
    public override bool Equals(object? obj) => obj is IManagedProxy other && Reference.Equals(other.Reference);

    public override int GetHashCode() => Reference.GetHashCode();

    public override string ToString() => $"{Reference.Kind} {Reference.Name ?? Reference.ObjectId} (a reference held on the host)";

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        throw new InvalidOperationException(
            $"{targetMethod?.Name} was called through a reference held on the host; the host stores and passes references, it does not call them.");
}
