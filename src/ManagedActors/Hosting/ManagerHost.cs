using System.Reflection;
using Akka;
using Akka.Actor;
using ManagedActors.Configuration;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>
/// The host side of a manager: an ActorSystem with remoting on the given address, the gatekeeper, and the
/// objects under it. Used by the embedded <see cref="Manager"/> and by the standalone host.
/// </summary>
internal sealed class ManagerHost : IAsyncDisposable
{
    private int _disposed;

    private readonly bool _ownsSystem;

    private readonly LaneListener? _lane;

    private ManagerHost(ActorSystem system, bool ownsSystem, IActorRef gatekeeper, HostContext context, byte[] authKey, ManagerSettings settings, LaneListener? lane)
    {
        _lane = lane;
        System = system;
        _ownsSystem = ownsSystem;
        Gatekeeper = gatekeeper;
        Context = context;
        AuthKey = authKey;
        Settings = settings;
    }

    public ActorSystem System { get; }

    /// <summary>The direct lane's listener, or null when the host does not listen (<c>managed-actors.direct.enabled = off</c>).</summary>
    public LaneListener? Lane => _lane;

    public IActorRef Gatekeeper { get; }

    public HostContext Context { get; }

    public byte[] AuthKey { get; }

    public ManagerSettings Settings { get; }

    /// <summary>The host's address, <c>akka.mauth.tcp://managed-actors@127.0.0.1:port</c>.</summary>
    public string Address => Context.HostAddress;

    /// <summary>
    /// The host's defaults under the user's configuration: remoting on loopback and a free port, untrusted mode with
    /// only the gatekeeper selectable.
    /// </summary>
    public const string RoleDefaults = """
        akka.actor.provider = remote
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
        akka.remote.dot-netty.tcp.port = 0
        akka.remote.untrusted-mode = on
        akka.remote.trusted-selection-paths = ["/user/managed-actors"]
        """;

    public static ManagerHost Start(
        string hostname, int port, byte[] authKey, string? userHocon, IEnumerable<Assembly> trustedAssemblies, IEnumerable<ObjectKind> kinds)
    {
        var explicitHocon = $$"""
            akka.remote.dot-netty.tcp.hostname = "{{hostname}}"
            akka.remote.dot-netty.tcp.port = {{port}}
            """;
        var config = ManagedActorsConfig.Build(explicitHocon, userHocon, RoleDefaults);
        var system = ActorSystems.Create(HostPaths.SystemName, config, new Security.TransportKey(authKey));
        try
        {
            return Attach(system, ownsSystem: true, authKey, trustedAssemblies, kinds);
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
    public static ManagerHost Attach(ActorSystem system, bool ownsSystem, byte[] authKey, IEnumerable<Assembly> trustedAssemblies, IEnumerable<ObjectKind> kinds)
    {
        if (authKey.Length < 16)
        {
            throw new ArgumentException("The authkey must be at least 16 bytes long.", nameof(authKey));
        }
        if (!ownsSystem)
        {
            SystemCheck.EnsureProtected(system);
        }
        var settings = ManagerSettings.From(system.Settings.Config);
        DurableStore.Prepare(settings.Durability);
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString();
        var codec = new ValueCodec(new TypeAllowList(trustedAssemblies), materializer: null, trustWrittenTypes: false, settings.MaxValueDepth);
        var context = new HostContext(codec, new SessionTable(), settings, Guid.NewGuid(), address, new KindTable(kinds));
        if (system.Dispatchers.HasDispatcher(InlineExecutor.DispatcherId))
        {
            context.ObjectDispatcher = InlineExecutor.DispatcherId;
        }
        // The data port is bound before the gatekeeper admits anyone, so every Welcome can name it.
        var lane = settings.Lane.Listen ? LaneListener.Start(system, context, authKey.ToArray()) : null;
        if (lane is not null)
        {
            context.Lane = (lane.Port, lane.Tls);
        }
        try
        {
            var gatekeeper = system.ActorOf(Hosting.Gatekeeper.PropsFor(new RegistryObject(context), context, authKey.ToArray()), HostPaths.GatekeeperName);
            return new ManagerHost(system, ownsSystem, gatekeeper, context, authKey.ToArray(), settings, lane);
        }
        catch
        {
            lane?.Dispose();
            throw;
        }
    }

    /// <summary>The host's membership of its cluster, or null when it runs alone.</summary>
    public Clustering.ClusterMember? Member { get; private set; }

    /// <summary>Joins the cluster through <paramref name="seeds"/> on a second port, proving <paramref name="clusterKey"/> to the other members.</summary>
    /// <exception cref="ArgumentException">The cluster key is shorter than 16 bytes or is the authkey.</exception>
    /// <exception cref="HostUnavailableException">No member let the host in within the join timeout.</exception>
    public async Task JoinClusterAsync(string hostname, int port, IReadOnlyList<string> seeds, byte[]? clusterKey, string? userHocon, CancellationToken cancellationToken)
    {
        if (clusterKey is null || clusterKey.Length < 16)
        {
            throw new ArgumentException("A clustered host needs a cluster key of at least 16 bytes (ManagerOptions.ClusterKey, --cluster-key-file).", nameof(clusterKey));
        }
        if (global::System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(clusterKey, AuthKey))
        {
            throw new ArgumentException("The cluster key must differ from the authkey: clients hold the authkey, and a member can down any other.", nameof(clusterKey));
        }
        var member = await Clustering.ClusterMember.JoinAsync(hostname, port, seeds, clusterKey, Context.HostAddress, userHocon, cancellationToken).ConfigureAwait(false);
        Member = member;
        Context.Members = member.Members;
        Context.Contacts = member.Contacts;
        var shards = await ObjectShards.StartAsync(member.System, Context, Context.Directory!,
            member.System.Settings.Config.GetInt("managed-actors.cluster.shards", 60)).ConfigureAwait(false);
        Context.ShardedObjects = () => shards.Status.Objects;
        await Context.Directory!.Ask<Done>(new UseShards(shards), Settings.HandshakeTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a session for a client in this process; no handshake, the process holds the key already.</summary>
    public async Task<Guid> OpenLocalSessionAsync(IActorRef replyTo) =>
        await Gatekeeper.Ask<Guid>(new OpenLocalSession(replyTo), Settings.HandshakeTimeout).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            await Gatekeeper.Ask<Done>(AnnounceShutdown.Instance, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
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
    }
}
