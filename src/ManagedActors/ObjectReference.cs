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
/// <param name="ObjectIncarnation">
/// Which object of that name this is: a new id each time an object is created, except for a durable one, whose id
/// follows its journal (the same on every host and after every restart). A proxy that must find its object again (its
/// host restarted, or its client failed over) takes only the object with this id, and fails with
/// <see cref="ObjectLostException"/> rather than reach another object of the same name. Empty in a reference written
/// before objects had one: such a proxy takes whatever object of its name it finds.
/// </param>
public sealed record ObjectReference(string ActorPath, string ObjectId, string Kind, string InterfaceType, Guid Incarnation, string? Name, Guid ObjectIncarnation = default)
{
    /// <summary>The incarnation of the durable object that <paramref name="persistenceId"/> journals: the same wherever and whenever it runs.</summary>
    internal static Guid DurableIncarnation(string persistenceId) =>
        Journaled(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("managed-actors durable object|" + persistenceId)).AsSpan(0, 16));

    /// <summary>The incarnation of a new object journaled in the host's memory: random, marked as journaled.</summary>
    internal static Guid MemoryIncarnation() => Journaled(Guid.NewGuid().ToByteArray());

    /// <summary>
    /// Whether the object is journaled (its incarnation is marked so, as an RFC 9562 version 8 id): it keeps a call
    /// parked in it across a lost connection, so a client sends a blocking call again rather than fail it.
    /// </summary>
    internal bool IsJournaled => ObjectIncarnation.Version == 8;

    private static Guid Journaled(ReadOnlySpan<byte> bytes)
    {
        Span<byte> id = stackalloc byte[16];
        bytes[..16].CopyTo(id);
        id[7] = (byte)((id[7] & 0x0F) | 0x80);
        id[8] = (byte)((id[8] & 0x3F) | 0x80);
        return new Guid(id);
    }
}
