using System.Reflection;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using ManagedActors.Client;
using ManagedActors.Clustering;
using ManagedActors.Codec;
using ManagedActors.Configuration;
using ManagedActors.Hosting;
using ManagedActors.Journaling;
using ManagedActors.Lane;
using ManagedActors.Runtime;
using ManagedActors.Telemetry;

namespace ManagedActors;

/// <summary>
/// An embedded manager (Python's <c>Manager()</c>): a host in this process whose objects other processes reach
/// at <see cref="ManagerSession.Address"/> with <see cref="AuthKey"/>. <c>await using</c> it as Python's
/// <c>with Manager() as m</c>; after disposal every proxy throws <see cref="ManagerShutDownException"/>.
/// </summary>
public sealed class Manager : ManagerSession
{
    private readonly ManagerHost _host;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private Manager(ManagerHost host, ClientRuntime runtime) : base(runtime) => _host = host;

    /// <summary>The key a client must prove it holds (32 random bytes unless given in the options).</summary>
    public byte[] AuthKey => _host.AuthKey.ToArray();

    /// <summary>
    /// Where the other hosts of its cluster reach this host (<c>akka.mauth.tcp://managed-actors-cluster@host:port</c>),
    /// or null when it runs alone (<see cref="ManagerOptions.Seeds"/> empty).
    /// </summary>
    public string? ClusterAddress => _host.Member?.Address.ToString();

    /// <summary>
    /// The port the host's direct lane listens on (clients send their calls there after the handshake; open it in a
    /// firewall beside the port for clients), or null when the lane is off (<c>managed-actors.direct.enabled = off</c>).
    /// </summary>
    public int? DataPort => _host.Lane?.Port;

    /// <summary>
    /// Checks that the host serves: it admits clients, its durable store (if any) answers a query, and its cluster member
    /// (if any) is up. Each check waits at most <paramref name="limit"/> (2 s by default).
    /// </summary>
    public Task<HostHealth> CheckHealthAsync(TimeSpan? limit = null, CancellationToken cancellationToken = default) =>
        _host.CheckHealthAsync(limit ?? TimeSpan.FromSeconds(2), cancellationToken);

    /// <summary>The host this manager runs, for the library's own tests and tools.</summary>
    internal ManagerHost Host => _host;

    /// <summary>Starts an embedded host on 127.0.0.1 (a free port unless one is given) with a random 32-byte authkey.</summary>
    /// <remarks>With <see cref="ManagerOptions.Seeds"/> it also joins the cluster, and returns once this host is a member.</remarks>
    /// <exception cref="HostUnavailableException">The host has seeds and no member let it in within the join timeout.</exception>
    /// <exception cref="PortInUseException">Another process listens on its port for clients, its data port or its cluster port.</exception>
    /// <exception cref="DurableStoreInUseException">Another host journals to its SQLite file (outside its cluster).</exception>
    /// <exception cref="ArgumentException">The host has seeds and no valid cluster key (missing, short, or its authkey).</exception>
    public static async Task<Manager> StartAsync(ManagerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ManagerOptions();
        var trusted = TrustedFor(options);
        // Settings given in code win over the user's HOCON, which wins over the library's defaults.
        var given = ManagedActorsConfig.Layers(
            Hocon.Values(("akka.remote.dot-netty.tcp.hostname", options.Hostname), ("akka.remote.dot-netty.tcp.port", options.Port)), Given(options));
        var user = ManagedActorsConfig.Parse(options.Config);
        var host = ManagerHost.Start(given, user, options.AuthKey ?? RandomNumberGenerator.GetBytes(32), trusted, KindsFor(options), options.LoggerFactory,
            Instruments.For(options.MeterFactory));
        var cluster = ClusterSettings.Create(host.System.Settings.Config);
        IReadOnlyList<string> seeds = options.Seeds.Count > 0 ? options.Seeds : cluster.Seeds;
        try
        {
            host.ClaimStore(clustered: seeds.Count > 0);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        if (seeds.Count > 0)
        {
            try
            {
                await host.JoinClusterAsync(options.Hostname, options.ClusterPort != 0 ? options.ClusterPort : cluster.Port, seeds, options.ClusterKey,
                    ManagedActorsConfig.Layers(Given(options), user), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await host.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        var manager = await OpenAsync(host, trusted, callTimeout: null, cancellationToken).ConfigureAwait(false);
        if (host.Member is { } member)
        {
            _ = manager.StopWhenMemberStopsAsync(member.System);
        }
        return manager;
    }

    /// <summary>
    /// Completes once this manager has shut down: disposed, or, for a host of a cluster, after its cluster member
    /// stopped (the other members downed it, or it left): a host outside its cluster cannot reach its durable objects,
    /// so it shuts down, and its clients go to the other hosts. The standalone host then exits with code 1.
    /// </summary>
    public Task Stopped => _stopped.Task;

    private async Task StopWhenMemberStopsAsync(ActorSystem member)
    {
        await member.WhenTerminated.ConfigureAwait(false);
        if (Volatile.Read(ref _disposed) == 0)
        {
            _host.System.Log.Error("This host's cluster member stopped (the other members downed it, or it left the cluster): the host shuts down, and its clients go to the other hosts.");
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A registered type's assemblies are trusted: its methods' arguments are the user's own types.</summary>
    internal static Assembly[] TrustedFor(ManagerOptions options) =>
        TrustedWith(options.TrustedAssemblies.Concat(options.Registrations.SelectMany(r => new[] { r.ProxyInterface.Assembly, r.Implementation.Assembly })));

    internal static IEnumerable<ObjectKind> KindsFor(ManagerOptions options) => BuiltInKinds.All.Concat(options.Registrations.Select(ObjectKind.For));

    /// <summary>Opens this process's own session to a host it started; the host goes when the manager does.</summary>
    internal static async Task<Manager> OpenAsync(ManagerHost host, Assembly[] trusted, TimeSpan? callTimeout, CancellationToken cancellationToken)
    {
        try
        {
            var settings = callTimeout is { } timeout ? host.Settings with { CallTimeout = timeout } : host.Settings;
            var runtime = new ClientRuntime(host.System, ownsSystem: false, settings, LaneSettings.Create(host.System.Settings.Config), new TypeAllowList(trusted),
                ((ExtendedActorSystem)host.System).Provider.DefaultAddress, host.AuthKey, failover: null, host.Context.Instruments);
            var session = await host.OpenLocalSessionAsync(runtime.ReplyActor).WaitAsync(cancellationToken).ConfigureAwait(false);
            runtime.Connection.Admit(new Admission(session, host.Context.Incarnation));
            return new Manager(host, runtime);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Connects to a manager's host from any process (Python's <c>BaseManager(address, authkey).connect()</c>).
    /// </summary>
    /// <param name="address">The host's address: <c>akka.mauth.tcp://managed-actors@host:port</c> or <c>host:port</c>.</param>
    /// <param name="authKey">The manager's authkey.</param>
    /// <param name="options">Client settings.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="AuthenticationException">The key is wrong.</exception>
    /// <exception cref="HostUnavailableException">No host answered at the address.</exception>
    public static Task<ManagerClient> ConnectAsync(string address, byte[] authKey, ClientOptions? options = null, CancellationToken cancellationToken = default) =>
        ManagerClient.ConnectAsync([address], authKey, options ?? new ClientOptions(), cancellationToken);

    /// <summary>
    /// Connects to any host of a cluster: the first of <paramref name="addresses"/> that answers. When the host the
    /// client talks to dies or shuts down, its next call connects to another (the next in the list first), finds its
    /// named objects there again, and resends its unanswered changing calls, which take effect once on durable objects.
    /// </summary>
    /// <param name="addresses">Hosts of the cluster (<c>host:port</c> of their client ports, or full addresses).</param>
    /// <param name="authKey">The manager's authkey.</param>
    /// <param name="options">Client settings.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="AuthenticationException">The key is wrong.</exception>
    /// <exception cref="HostUnavailableException">No host answered.</exception>
    public static Task<ManagerClient> ConnectAsync(IReadOnlyList<string> addresses, byte[] authKey, ClientOptions? options = null, CancellationToken cancellationToken = default) =>
        ManagerClient.ConnectAsync(addresses, authKey, options ?? new ClientOptions(), cancellationToken);

    internal static Assembly[] TrustedWith(IEnumerable<Assembly> assemblies)
    {
        var entry = Assembly.GetEntryAssembly();
        return (entry is null ? assemblies : assemblies.Append(entry)).Distinct().ToArray();
    }

    /// <summary>The layer of what the options set in code besides the address: the call timeout and the durability.</summary>
    private static Config Given(ManagerOptions options) => ManagedActorsConfig.Layers(
        options.DurableStore is { } store ? DurabilitySettings.StoreLayer(store) : null,
        Hocon.Values(("managed-actors.default-durability", options.DefaultDurability?.ToString().ToLowerInvariant())),
        ManagerSettings.Overrides(options.CallTimeout));

    /// <summary>Shuts the host down: clients are told, and every proxy then throws <see cref="ManagerShutDownException"/>.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await Runtime.DisposeAsync().ConfigureAwait(false);
        await _host.DisposeAsync().ConfigureAwait(false);
        _stopped.TrySetResult();
    }
}
