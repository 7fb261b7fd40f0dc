using Akka.Configuration;
using ManagedActors.Configuration;

namespace ManagedActors.Clustering;

/// <summary>The <c>managed-actors.cluster</c> section: how a host joins its cluster and how durable objects are sharded.</summary>
/// <param name="Seeds">Hosts to form a cluster with (host:port of their cluster ports); empty: the host runs alone.</param>
/// <param name="Port">The port other hosts reach this one on; 0 picks a free one.</param>
/// <param name="JoinTimeout">How long a host waits to become a member.</param>
/// <param name="Shards">How many shards durable objects are spread over.</param>
/// <param name="ResendAfter">How long a relaying host waits for an answer before it sends the calls again.</param>
/// <param name="DownDeadMembers">Whether a member whose port refuses connections is downed at once (<see cref="DeadMemberProbe"/>).</param>
internal sealed record ClusterSettings(IReadOnlyList<string> Seeds, int Port, TimeSpan JoinTimeout, int Shards, TimeSpan ResendAfter, bool DownDeadMembers)
{
    /// <exception cref="ConfigurationException">A setting is missing or malformed.</exception>
    public static ClusterSettings Create(Config config)
    {
        var section = Section.Of(config, "managed-actors.cluster");
        return new ClusterSettings(
            section.Strings("seeds"),
            section.Int("port"),
            section.TimeSpan("join-timeout"),
            section.Positive("shards"),
            section.TimeSpan("resend-after"),
            section.Bool("down-dead-members"));
    }
}
