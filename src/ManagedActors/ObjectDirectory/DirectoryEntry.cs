using ManagedActors.Runtime;

namespace ManagedActors.ObjectDirectory;

/// <summary>One object of the host as the directory knows it: its kind, its reference, its gauge, and what holds it.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Reference">What its proxies carry.</param>
/// <param name="Gauge">Its size, waiters, durability and restarts for status reports.</param>
internal sealed record DirectoryEntry(ObjectKind Kind, ObjectReference Reference, ObjectGauge Gauge)
{
    public string Id => Reference.ObjectId;

    /// <summary>The sessions holding a proxy to the object (anonymous objects only).</summary>
    public HashSet<Guid> Holders { get; } = [];

    /// <summary>The objects whose state refers to this one.</summary>
    public HashSet<string> HeldBy { get; } = new(StringComparer.Ordinal);

    /// <summary>The reference as seen through <paramref name="interfaceType"/> (one the kind may be opened through).</summary>
    public ObjectReference ReferenceAs(string interfaceType) =>
        Reference.InterfaceType == interfaceType ? Reference : Reference with { InterfaceType = interfaceType };
}
