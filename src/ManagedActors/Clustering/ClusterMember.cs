using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using ManagedActors.Configuration;
using ManagedActors.Protocol;
using ManagedActors.Security;
using Microsoft.Extensions.Logging;

namespace ManagedActors.Clustering;

/// <summary>
/// A host's membership of the cluster: a second ActorSystem of the host process, on its own port (the cluster port),
/// whose connections prove the cluster key, not the authkey. Clients hold the authkey and reach only the host's
/// client-facing system; the cluster's own protocol (joins, gossip, downing), which authenticates nothing by itself,
/// is spoken only between systems that proved the cluster key.
/// </summary>
internal sealed class ClusterMember : IAsyncDisposable
{
    /// <summary>The ActorSystem name every member shares (Akka.Cluster joins only systems of one name).</summary>
    public const string SystemName = "managed-actors-cluster";

    private readonly Cluster _cluster;

    private ClusterMember(ActorSystem system)
    {
        System = system;
        _cluster = Cluster.Get(system);
    }

    public ActorSystem System { get; }

    /// <summary>This member's address (<c>akka.mauth.tcp://managed-actors-cluster@host:port</c>).</summary>
    public Address Address => _cluster.SelfAddress;

    /// <summary>
    /// Starts the member system on <paramref name="hostname"/>:<paramref name="port"/>, not yet a member: what must run
    /// before other members count this one (sharding's region and its replicator) starts next, then <see cref="JoinAsync"/>.
    /// </summary>
    public static ClusterMember Start(string hostname, int port, byte[] clusterKey, string clientAddress, Config? userConfig, ILoggerFactory? logging = null)
    {
        // The host's client address travels with its membership, as a role, so that every host can name the others to clients.
        var given = Hocon.Values(
            ("akka.remote.dot-netty.tcp.hostname", hostname),
            ("akka.remote.dot-netty.tcp.port", port),
            ("akka.cluster.roles", new[] { ClientRole + clientAddress }));
        // Sharding's and distributed data's serializers are registered from the start: other members gossip to this one
        // as soon as it joins.
        var config = ManagedActorsConfig.Build(given, userConfig, ManagedActorsConfig.Member)
            .WithFallback(Akka.Cluster.Sharding.ClusterSharding.DefaultConfig())
            .WithFallback(Akka.DistributedData.DistributedData.DefaultConfig());
        var system = ActorSystems.Create(SystemName, config, new TransportKey(clusterKey, TransportKey.ClusterLabel), member: true, logging: logging);
        if (ClusterSettings.Create(system.Settings.Config).DownDeadMembers)
        {
            system.ActorOf(DeadMemberProbe.Props(), DeadMemberProbe.Name);
        }
        return new ClusterMember(system);
    }

    /// <summary>
    /// Joins the cluster through <paramref name="seeds"/> (host:port of members' cluster ports; the first seed starts a
    /// new cluster when it lists itself first), waiting until this member is up.
    /// </summary>
    /// <exception cref="HostUnavailableException">No seed let this member in within <c>managed-actors.cluster.join-timeout</c>.</exception>
    public async Task JoinAsync(IReadOnlyList<string> seeds, CancellationToken cancellationToken)
    {
        var timeout = ClusterSettings.Create(System.Settings.Config).JoinTimeout;
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cluster.RegisterOnMemberUp(() => up.TrySetResult());
        _cluster.JoinSeedNodes(seeds.Select(SeedAddress).ToImmutableList());
        try
        {
            await up.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new HostUnavailableException(
                $"No member let this host into the cluster within {timeout.TotalSeconds:0.#} s (seeds: {string.Join(", ", seeds)}); " +
                "check that the first seed runs, that the cluster ports are reachable and that every host has the same cluster key.", e);
        }
    }

    /// <summary>A seed given as <c>host:port</c> (or a full member address) as an Akka address.</summary>
    public static Address SeedAddress(string seed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(seed);
        var text = seed.Contains("://", StringComparison.Ordinal) ? seed : $"{HostPaths.Protocol}://{SystemName}@{seed}";
        try
        {
            var address = Address.Parse(text);
            return address.Port is > 0 ? address : throw new FormatException("no port");
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            throw new ArgumentException($"'{seed}' is not a seed (host:port of a host's cluster port).", nameof(seed), e);
        }
    }

    /// <summary>The role that carries a member's client address: the prefix, then the address.</summary>
    public const string ClientRole = "managed-actors-client=";

    /// <summary>The client addresses of the hosts that are up and reachable, this one first: the contact points clients are given.</summary>
    public string[] Contacts() => Members()
        .Where(m => m is { State: "Up", Unreachable: false, ClientAddress: not null })
        .OrderByDescending(m => m.IsSelf)
        .Select(m => m.ClientAddress!)
        .ToArray();

    /// <summary>The members as this member sees them, oldest first.</summary>
    public IReadOnlyList<ClusterMemberStatus> Members()
    {
        var state = _cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        return state.Members
            .OrderBy(m => m, Member.AgeOrdering)
            .Select(m => new ClusterMemberStatus(
                $"{m.Address.Host}:{m.Address.Port}", m.Status.ToString(), unreachable.Contains(m.Address), m.Address == _cluster.SelfAddress,
                m.Roles.FirstOrDefault(r => r.StartsWith(ClientRole, StringComparison.Ordinal))?[ClientRole.Length..]))
            .ToArray();
    }

    /// <summary>
    /// Leaves the cluster gracefully (coordinated shutdown: the member's objects are handed off first) and stops the
    /// member system.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).ConfigureAwait(false);
        await System.WhenTerminated.ConfigureAwait(false);
    }
}
