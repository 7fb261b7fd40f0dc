using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using ManagedActors.Configuration;
using ManagedActors.Protocol;
using ManagedActors.Security;

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

    /// <summary>
    /// The member system's defaults under the user's settings: the loopback profile (a dead member is downed within
    /// seconds on one machine), keep-majority split-brain resolution, sharding's coordinator state in distributed data.
    /// hocon/cluster-seed.conf and hocon/cluster-node.conf show each setting beside Akka's production default.
    /// </summary>
    public const string RoleDefaults = """
        akka.actor.provider = cluster
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
        akka.remote.dot-netty.tcp.port = 0
        akka.actor {
          serializers.managed-actors-entity = "ManagedActors.Protocol.EntitySerializer, ManagedActors"
          serialization-bindings {
            "ManagedActors.Protocol.IEntityMessage, ManagedActors" = managed-actors-entity
            "ManagedActors.Protocol.RelayedResults, ManagedActors" = managed-actors-entity
            "ManagedActors.Protocol.EntityOpened, ManagedActors" = managed-actors-entity
            "ManagedActors.Protocol.ShardStatusQuery, ManagedActors" = managed-actors-entity
            "ManagedActors.Protocol.ShardStatusReport, ManagedActors" = managed-actors-entity
          }
          serialization-identifiers {
            "ManagedActors.Protocol.EntitySerializer, ManagedActors" = 1713
          }
        }
        akka.cluster {
          downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
          split-brain-resolver {
            active-strategy = keep-majority
            stable-after = 2s
          }
          down-removal-margin = 2s
          gossip-interval = 250ms
          leader-actions-interval = 250ms
          unreachable-nodes-reaper-interval = 250ms
          periodic-tasks-initial-delay = 250ms
          failure-detector {
            heartbeat-interval = 500ms
            acceptable-heartbeat-pause = 2s
            expected-response-after = 500ms
          }
          seed-node-timeout = 2s
          retry-unsuccessful-join-after = 2s
          run-coordinated-shutdown-when-down = on
          sharding {
            state-store-mode = ddata
            remember-entities = off
            retry-interval = 250ms
          }
        }
        """;

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
    /// Starts the member system on <paramref name="hostname"/>:<paramref name="port"/> and joins the cluster through
    /// <paramref name="seeds"/> (host:port of members' cluster ports; the first seed starts a new cluster when it
    /// lists itself first), waiting until this member is up.
    /// </summary>
    /// <exception cref="HostUnavailableException">No seed let this member in within <c>managed-actors.cluster.join-timeout</c>.</exception>
    public static async Task<ClusterMember> JoinAsync(
        string hostname, int port, IReadOnlyList<string> seeds, byte[] clusterKey, string clientAddress, string? userHocon, CancellationToken cancellationToken)
    {
        // The host's client address travels with its membership, as a role, so that every host can name the others to clients.
        var explicitHocon = $$"""
            akka.remote.dot-netty.tcp.hostname = "{{hostname}}"
            akka.remote.dot-netty.tcp.port = {{port}}
            akka.cluster.roles = ["{{ClientRole}}{{clientAddress}}"]
            """;
        // Sharding's and distributed data's serializers are registered from the start: other members gossip to this one
        // as soon as it joins, before its own region starts.
        var config = ManagedActorsConfig.Build(explicitHocon, userHocon, RoleDefaults)
            .WithFallback(Akka.Cluster.Sharding.ClusterSharding.DefaultConfig())
            .WithFallback(Akka.DistributedData.DistributedData.DefaultConfig());
        var system = ActorSystems.Create(SystemName, config, new TransportKey(clusterKey, TransportKey.ClusterLabel), member: true);
        var member = new ClusterMember(system);
        try
        {
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            member._cluster.RegisterOnMemberUp(() => up.TrySetResult());
            member._cluster.JoinSeedNodes(seeds.Select(SeedAddress).ToImmutableList());
            var timeout = config.GetTimeSpan("managed-actors.cluster.join-timeout", TimeSpan.FromSeconds(30));
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
            return member;
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            throw;
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
