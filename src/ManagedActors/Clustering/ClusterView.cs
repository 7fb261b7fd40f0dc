using ManagedActors.ObjectDirectory;

namespace ManagedActors.Clustering;

/// <summary>The cluster as a host of it sees it: its membership, and where its sharded objects run.</summary>
internal sealed class ClusterView(ClusterMember member, ShardStatus shards) : IClusterView
{
    public string[] Contacts() => member.Contacts();

    public IReadOnlyList<ClusterMemberStatus> Members() => member.Members();

    public IReadOnlyList<ObjectStatus> ShardedObjects() => shards.Objects;
}
