using ManagedActors.Codec;

namespace ManagedActors.Runtime;

/// <summary>
/// The objects an object's methods return (Python's <c>method_to_typeid</c>): an instance of a registered type becomes
/// a managed object of its own, a child of the returning object's actor, and the caller gets a live proxy to it.
/// </summary>
internal sealed class ReturnedObjects(HostContext host, IRunnerHost actor)
{
    private long _children;

    /// <exception cref="InvalidOperationException">The instance's interface is not registered on this host.</exception>
    public ObjectReference Adopt(object instance, Type resultInterface)
    {
        var kind = host.Kinds.FindByInterface(resultInterface)
            ?? throw new InvalidOperationException($"{resultInterface.Name} is not registered on this host, so a method cannot return one.");
        // Its gauge names its kind in metrics and spans; the directory does not list it (its parent holds it).
        var child = actor.SpawnChild(ObjectActor.PropsFor(new CustomObject(instance), kind.Binding, host, gauge: new ObjectGauge(Durability.None, kind.Name, host.Instruments), fatal: kind.Fatal),
            "c" + (++_children).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new ObjectReference(Akka.Serialization.Serialization.SerializedActorPath(child), Guid.NewGuid().ToString("N"), kind.Name,
            TypeNames.Of(resultInterface), host.Incarnation, null, Guid.NewGuid());
    }
}
