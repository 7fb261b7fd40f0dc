namespace ManagedActors;

/// <summary>
/// What a proxy is on the wire: where its object lives and which interface it is seen through. A reference
/// stored in a managed object or passed to another process becomes a live proxy again where it is read.
/// </summary>
/// <param name="ActorPath">The object actor's full path, host address included.</param>
/// <param name="ObjectId">The object's id: its name, or a generated id for an anonymous object.</param>
/// <param name="Kind">The object kind ("list", "dict", ...).</param>
/// <param name="InterfaceType">The proxy interface, as a type name.</param>
/// <param name="Incarnation">The id of the host's run that created the object; a restarted host has another.</param>
/// <param name="Name">The object's name, or null for an anonymous object.</param>
public sealed record ObjectReference(string ActorPath, string ObjectId, string Kind, string InterfaceType, Guid Incarnation, string? Name);
