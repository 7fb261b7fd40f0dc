namespace ManagedActors.ObjectDirectory;

/// <summary>What a host of a cluster knows of its cluster, as its directory and its Welcome show it.</summary>
internal interface IClusterView
{
    /// <summary>The client addresses of the cluster's hosts that are up and reachable, this one first.</summary>
    string[] Contacts();

    /// <summary>The members as this host sees them, oldest first.</summary>
    IReadOnlyList<ClusterMemberStatus> Members();

    /// <summary>The durable objects running in the cluster, with the host each runs on (as last collected).</summary>
    IReadOnlyList<ObjectStatus> ShardedObjects();
}
