using ManagedActors.Objects;

namespace ManagedActors.Runtime;

/// <summary>A registered type's instance as a managed object: the user's class needs no base class.</summary>
internal sealed class CustomObject(object instance) : ManagedObject
{
    public override object Instance => instance;

    public override object? StoredState => instance;

    /// <summary>A record (value semantics, fields the serializer can read) is its own snapshot; other types are rebuilt by replay only.</summary>
    public override object?[]? SnapshotArguments() => instance.GetType().GetMethod("<Clone>$") is not null ? [instance] : null;
}
