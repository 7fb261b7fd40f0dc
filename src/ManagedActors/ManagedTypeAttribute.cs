namespace ManagedActors;

/// <summary>Marks a class the standalone host registers when it loads the class's assembly (<c>--assembly</c>).</summary>
/// <param name="typeId">The name clients create it by.</param>
/// <param name="proxyInterface">The interface clients see it through.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ManagedTypeAttribute(string typeId, Type proxyInterface) : Attribute
{
    /// <summary>The name clients create it by.</summary>
    public string Name { get; } = typeId;

    /// <summary>The interface clients see it through.</summary>
    public Type ProxyInterface { get; } = proxyInterface;

    /// <summary>Exception types that restart the object when one of its methods throws them (see <see cref="ManagerOptions.Register{TProxy, TImpl}(string, Func{TImpl}, Type[])"/>).</summary>
    public Type[] Fatal { get; set; } = [];
}
