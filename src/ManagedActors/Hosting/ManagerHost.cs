using System.Reflection;
using System.Security.Cryptography;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Configuration;
using ManagedActors.Clustering;
using ManagedActors.Codec;
using ManagedActors.Configuration;
using ManagedActors.Journaling;
using ManagedActors.Lane;
using ManagedActors.ObjectDirectory;
using ManagedActors.Protocol;
using ManagedActors.Runtime;
using ManagedActors.Security;
using ManagedActors.Sessions;
using ManagedActors.Telemetry;
using Microsoft.Extensions.Logging;

namespace ManagedActors.Hosting;

/// <summary>
/// The host side of a manager: an ActorSystem with remoting on the given address, the gatekeeper, the objects under
/// it, the direct lane's data port and, once it joins one, its cluster membership. Used by the embedded
/// <see cref="Manager"/>, by a host in a user's own system, and by the standalone host.
/// </summary>
internal sealed class ManagerHost : IAsyncDisposable
{
    private readonly bool _ownsSystem;
    private readonly LaneListener? _lane;
    private readonly DurabilitySettings _durability;
    private IDisposable? _storeClaim;
    private ILoggerFactory? _logging;
    private readonly IDisposable _readings;
    private int _disposed;

    private ManagerHost(ActorSystem system, bool ownsSystem, IActorRef gatekeeper, HostContext context, DurabilitySettings durability, byte[] authKey, LaneListener? lane)
    {
        _lane = lane;
        _durability = durability;
        System = system;
        _ownsSystem = ownsSystem;
        Gatekeeper = gatekeeper;
        Context = context;
        AuthKey = authKey;
        _readings = context.Instruments.Register(new HostReadings(context.Objects, () => context.Sessions.Count, MemberCounts));
    }

    private IEnumerable<(string Status, int Count)> MemberCounts() => Member is { } member
        ? member.Members().GroupBy(m => m.State.ToLowerInvariant()).Select(g => (g.Key, g.Count()))
        : [];

    public ActorSystem System { get; }

    /// <summary>The direct lane's listener, or null when the host does not listen (<c>managed-actors.direct.enabled = off</c>).</summary>
    public LaneListener? Lane => _lane;

    public IActorRef Gatekeeper { get; }

    public HostContext Context { get; }

    public byte[] AuthKey { get; }

    public ManagerSettings Settings => Context.Settings;

    /// <summary>The host's address, <c>akka.mauth.tcp://managed-actors@127.0.0.1:port</c>.</summary>
    public string Address => Context.HostAddress;

    /// <summary>The host's membership of its cluster, or null when it runs alone.</summary>
    public ClusterMember? Member { get; private set; }

    /// <summary>Starts a host in an ActorSystem of its own, built from <paramref name="given"/> over <paramref name="user"/> over the host role's defaults.</summary>
    /// <remarks>Its log, and its cluster member's, go to <paramref name="logging"/> when given, else to standard error.</remarks>
    public static ManagerHost Start(
        Config given, Config? user, byte[] authKey, IEnumerable<Assembly> trustedAssemblies, IEnumerable<ObjectKind> kinds, ILoggerFactory? logging = null,
        Instruments? instruments = null)
    {
        var config = ManagedActorsConfig.Build(given, user, ManagedActorsConfig.Host);
        Ports.EnsureRemotingPortFree(config, "the host's port for clients");
        var system = ActorSystems.Create(HostPaths.SystemName, config, new TransportKey(authKey), logging: logging);
        try
        {
            var host = Attach(system, ownsSystem: true, authKey, trustedAssemblies, kinds, instruments);
            host._logging = logging;
            return host;
        }
        catch
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(5));
            throw;
        }
    }

    /// <summary>
    /// Starts the host's actors in <paramref name="system"/>. A system the library did not create must have been
    /// created with <see cref="ManagedActorsSystem.Setup"/>: remoting, untrusted mode with only the gatekeeper
    /// selectable, the protocol serializer, and the serializers that keep a peer from building arbitrary types.
    /// </summary>
    public static ManagerHost Attach(
        ActorSystem system, bool ownsSystem, byte[] authKey, IEnumerable<Assembly> trustedAssemblies, IEnumerable<ObjectKind> kinds, Instruments? instruments = null)
    {
        if (authKey.Length < 16)
        {
            throw new ArgumentException("The authkey must be at least 16 bytes long.", nameof(authKey));
        }
        if (!ownsSystem)
        {
            SystemCheck.EnsureProtected(system);
        }
        var config = system.Settings.Config;
        var settings = ManagerSettings.Create(config);
        var durability = DurabilitySettings.Create(config);
        var lane = LaneSettings.Create(config);
        DurableStore.Prepare(durability);
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString();
        var sessions = new SessionTable();
        var context = new HostContext(
            new ValueCodec(new TypeAllowList(trustedAssemblies), materializer: null, trustWrittenTypes: false, settings.MaxValueDepth, settings.MaxDecodedSize),
            sessions, settings, Guid.NewGuid(), address, new KindTable(kinds),
            system.Dispatchers.HasDispatcher(ManagedActorsConfig.ObjectDispatcher) ? ManagedActorsConfig.ObjectDispatcher : null, instruments);
        // The data port is bound before the gatekeeper admits anyone, so every Welcome can name it.
        var listener = lane.Listen ? LaneListener.Start(system, sessions, settings, lane, address, context.Instruments) : null;
        try
        {
            var gatekeeper = system.ActorOf(
                Hosting.Gatekeeper.PropsFor(context, durability, HandshakeSettings.Create(config), authKey.ToArray(), (listener?.PublicPort ?? 0, listener?.Tls ?? false), lane.HeartbeatInterval),
                HostPaths.GatekeeperName);
            return new ManagerHost(system, ownsSystem, gatekeeper, context, durability, authKey.ToArray(), listener);
        }
        catch
        {
            listener?.Dispose();
            throw;
        }
    }

    /// <summary>Joins the cluster through <paramref name="seeds"/> on a second port, proving <paramref name="clusterKey"/> to the other members.</summary>
    /// <exception cref="ArgumentException">The cluster key is shorter than 16 bytes or is the authkey.</exception>
    /// <exception cref="HostUnavailableException">No member let the host in within the join timeout.</exception>
    public async Task JoinClusterAsync(string hostname, int port, IReadOnlyList<string> seeds, byte[]? clusterKey, Config? user, CancellationToken cancellationToken)
    {
        if (clusterKey is null || clusterKey.Length < 16)
        {
            throw new ArgumentException("A clustered host needs a cluster key of at least 16 bytes (ManagerOptions.ClusterKey, --cluster-key-file).", nameof(clusterKey));
        }
        if (CryptographicOperations.FixedTimeEquals(clusterKey, AuthKey))
        {
            throw new ArgumentException("The cluster key must differ from the authkey: clients hold the authkey, and a member can down any other.", nameof(clusterKey));
        }
        if (_durability.HasDurableStore && _durability.IsSqlite)
        {
            // SQLite takes one writer at a time, by a lock in the file: a member that stops (SIGSTOP, a pause) while it
            // holds the lock stops every member's durable writes until it resumes or dies.
            Logging.GetLogger(System, typeof(ManagerHost)).Warning(
                "This clustered host journals to a SQLite file. Every member's durable writes go through one lock in that " +
                "file: a member that freezes while it holds the lock holds up every other member's durable objects until " +
                "it resumes or dies. Journal a cluster that spans processes to PostgreSQL (--durable \"Host=...;Database=...\").");
        }
        Ports.EnsureFree(hostname, port, "the host's cluster port");
        var member = ClusterMember.Start(hostname, port, clusterKey, Context.HostAddress, user, _logging);
        ObjectShards shards;
        try
        {
            // The region (and the replicator that keeps the shards' coordinator state) runs before the other members
            // count this one: a coordinator's write to a member whose replicator has not started waits for its timeout.
            var directory = await System.ActorSelection(Gatekeeper.Path / HostPaths.DirectoryName).ResolveOne(Settings.HandshakeTimeout, cancellationToken).ConfigureAwait(false);
            shards = await ObjectShards.StartAsync(member.System, Context, _durability, ClusterSettings.Create(member.System.Settings.Config), directory)
                .ConfigureAwait(false);
            await member.JoinAsync(seeds, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await member.System.Terminate().ConfigureAwait(false);
            throw;
        }
        Member = member;
        await Gatekeeper.Ask<Done>(
            new UseCluster(context => new ShardedObjectRouter(context, shards, Context), new ClusterView(member, shards.Status)),
            Settings.HandshakeTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Claims the SQLite journal for this host (<see cref="DurableStore.Claim"/>): alone, or with the other members of
    /// its cluster (<paramref name="clustered"/>). Let go when the host is disposed.
    /// </summary>
    /// <exception cref="DurableStoreInUseException">Another host holds the file.</exception>
    public void ClaimStore(bool clustered) => _storeClaim ??= DurableStore.Claim(_durability, clustered, Address);

    /// <summary>
    /// Whether the host serves: its gatekeeper answers, its durable store answers a query, its cluster member is up. Each
    /// check has <paramref name="limit"/>; what failed is said in <see cref="HostHealth.Problems"/>.
    /// </summary>
    public async Task<HostHealth> CheckHealthAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var accepts = false;
        try
        {
            var identity = await Gatekeeper.Ask<ActorIdentity>(new Identify(null), limit, cancellationToken).ConfigureAwait(false);
            accepts = identity.Subject is not null && Volatile.Read(ref _disposed) == 0;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or OperationCanceledException)
        {
            // Said below.
        }
        if (!accepts)
        {
            problems.Add($"the host at {Address} does not answer within {limit.TotalSeconds:0.#} s");
        }
        bool? store = null;
        if (_durability.HasDurableStore)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(limit);
                await DurableStore.AnswerAsync(_durability, timeout.Token).ConfigureAwait(false);
                store = true;
            }
            catch (Exception e) when (e is global::System.Data.Common.DbException or OperationCanceledException or IOException or InvalidOperationException)
            {
                store = false;
                problems.Add($"the durable store does not answer: {e.Message}");
            }
        }
        string? memberState = null;
        if (Member is { } member)
        {
            memberState = Akka.Cluster.Cluster.Get(member.System).SelfMember.Status.ToString();
            if (memberState != "Up")
            {
                problems.Add($"this host's cluster member is {memberState}, not Up");
            }
        }
        return new HostHealth(accepts, store, memberState, problems);
    }

    /// <summary>Opens a session for a client in this process; no handshake, the process holds the key already.</summary>
    public async Task<Guid> OpenLocalSessionAsync(IActorRef replyTo) =>
        await Gatekeeper.Ask<Guid>(new Hosting.Gatekeeper.OpenLocalSession(replyTo), Settings.HandshakeTimeout).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _readings.Dispose();
        try
        {
            await Gatekeeper.Ask<Done>(Hosting.Gatekeeper.AnnounceShutdown.Instance, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            // Shutting down anyway; clients fall back to noticing the disconnection.
        }
        _lane?.Dispose();
        if (Member is { } member)
        {
            // Leaving hands the member's objects off before its system stops.
            await member.DisposeAsync().ConfigureAwait(false);
        }
        if (_ownsSystem)
        {
            await System.Terminate().ConfigureAwait(false);
            _storeClaim?.Dispose();
            return;
        }
        // A system the user owns keeps running; only the host's actors (gatekeeper, directory, objects) stop.
        try
        {
            await Gatekeeper.GracefulStop(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TaskCanceledException or AskTimeoutException)
        {
            System.Stop(Gatekeeper);
        }
        _storeClaim?.Dispose();
    }
}
