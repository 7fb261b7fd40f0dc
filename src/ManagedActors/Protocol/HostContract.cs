namespace ManagedActors.Protocol;

/// <summary>Where a client finds a host's services: the only path it may select, and the directory's.</summary>
internal static class HostPaths
{
    /// <summary>The protocol of every address the library's systems listen on: TCP under the authenticated transport.</summary>
    public const string Protocol = "akka.mauth.tcp";

    /// <summary>The ActorSystem name of every host; a client addresses <c>akka.mauth.tcp://managed-actors@host:port</c>.</summary>
    public const string SystemName = "managed-actors";

    /// <summary>The gatekeeper's actor name: the handshake, and the one path untrusted mode lets a peer select.</summary>
    public const string GatekeeperName = "managed-actors";

    /// <summary>The object directory's actor name, under the gatekeeper.</summary>
    public const string DirectoryName = "directory";

    public static string Gatekeeper(string hostAddress) => hostAddress + "/user/" + GatekeeperName;

    public static string Directory(string hostAddress) => Gatekeeper(hostAddress) + "/" + DirectoryName;

    /// <summary>The kind (and name) of the directory's own reference, which lives at a fixed path and survives host restarts.</summary>
    public const string DirectoryKind = "directory";
}

/// <summary>The names of the built-in object kinds, as clients ask for them.</summary>
internal static class KindNames
{
    public const string List = "list", Dict = "dict", Namespace = "namespace", Queue = "queue",
        JoinableQueue = "joinable-queue", Value = "value", Array = "array", Set = "set", Lock = "lock", RLock = "rlock",
        Semaphore = "semaphore", BoundedSemaphore = "bounded-semaphore", Event = "event", Condition = "condition",
        Barrier = "barrier";
}

/// <summary>The object directory's methods, as clients call them: opening (get-or-create), holding, finding and deleting objects.</summary>
internal interface IDirectory : IManagedObject
{
    /// <summary>Gets or creates an object; <paramref name="durability"/> is a <c>Durability</c>, or -1 for the host's default.</summary>
    Task<IManagedObject> OpenAsync(string kind, string? name, string interfaceType, object?[] createArgs, int durability, CancellationToken cancellationToken = default);

    /// <summary>This session holds a proxy to the anonymous object: it lives at least as long as the session.</summary>
    Task HoldAsync(string objectId, CancellationToken cancellationToken = default);

    /// <summary>This session's last proxy to the anonymous object was disposed.</summary>
    Task ReleaseAsync(string objectId, CancellationToken cancellationToken = default);

    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Snapshots the named journaled object and deletes its events up to the snapshot; the snapshot's event.</summary>
    Task<long> CompactAsync(string name, string? kind, CancellationToken cancellationToken = default);

    [ReadOnlyCall]
    Task<int> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>The named object, seen through <paramref name="interfaceType"/>, or null when there is none.</summary>
    [ReadOnlyCall]
    Task<IManagedObject?> FindAsync(string name, string kind, string interfaceType, CancellationToken cancellationToken = default);

    /// <summary>
    /// The named object for a proxy that must find its object again: the one whose incarnation is
    /// <paramref name="objectIncarnation"/> (any, when empty), or null when the name leads to nothing.
    /// </summary>
    /// <exception cref="ObjectLostException">The name leads to another object, or the lost object was not durable.</exception>
    [ReadOnlyCall]
    Task<IManagedObject?> ReattachAsync(string name, string kind, string interfaceType, Guid objectIncarnation, CancellationToken cancellationToken = default);

    [ReadOnlyCall]
    Task<HostStatus> StatusAsync(CancellationToken cancellationToken = default);

    /// <summary>The status with each object's preview as of the last such call, and a new preview asked of every object of this host.</summary>
    [ReadOnlyCall]
    Task<HostStatus> StatusWithPreviewsAsync(CancellationToken cancellationToken = default);

    /// <summary>The client addresses of the cluster's hosts that are up, this one first; empty off a cluster.</summary>
    [ReadOnlyCall]
    Task<string[]> ContactsAsync(CancellationToken cancellationToken = default);
}
