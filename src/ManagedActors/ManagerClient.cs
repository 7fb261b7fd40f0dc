using Akka.Actor;
using ManagedActors.Client;
using ManagedActors.Codec;
using ManagedActors.Configuration;
using ManagedActors.Lane;
using ManagedActors.Protocol;
using ManagedActors.Security;
using ManagedActors.Telemetry;

namespace ManagedActors;

/// <summary>
/// A connection to a manager's host from another process, made by <see cref="Manager.ConnectAsync(string, byte[], ClientOptions?, CancellationToken)"/>. It owns
/// one client ActorSystem (loopback, a free port) that every proxy of the connection shares.
/// </summary>
public sealed class ManagerClient : ManagerSession
{
    private readonly Failover _failover;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    private ManagerClient(ClientRuntime runtime, Failover failover) : base(runtime) => _failover = failover;

    /// <summary>
    /// The hosts this client goes to when its host is lost, in the order it tries them: those of the cluster that were
    /// up when its host last named them (at each connection and every <c>managed-actors.contacts-refresh</c>), then
    /// the given ones that were not named. Off a cluster, the given addresses.
    /// </summary>
    public IReadOnlyList<string> ContactPoints => _failover.Contacts.Select(a => a.ToString()).ToList();

    internal static async Task<ManagerClient> ConnectAsync(IReadOnlyList<string> addresses, byte[] authKey, ClientOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Count == 0)
        {
            throw new ArgumentException("At least one host address is needed.", nameof(addresses));
        }
        var failover = new Failover(addresses.Select(ParseAddress).Distinct().ToList());
        var given = ManagedActorsConfig.Layers(
            Hocon.Values(
                ("akka.remote.dot-netty.tcp.hostname", options.Hostname),
                ("managed-actors.transport", options.Transport switch
                {
                    CallTransport.Direct => "direct",
                    CallTransport.AkkaRemote => "akka-remote",
                    _ => null,
                })),
            ManagerSettings.Overrides(options.CallTimeout, options.HandshakeTimeout));
        var config = ManagedActorsConfig.Build(given, ManagedActorsConfig.Parse(options.Config), ManagedActorsConfig.Client);
        var settings = ManagerSettings.Create(config);
        var system = ActorSystems.Create(options.SystemName, config, new TransportKey(authKey), logging: options.LoggerFactory);
        try
        {
            var runtime = new ClientRuntime(system, ownsSystem: true, settings, LaneSettings.Create(config),
                new TypeAllowList(Manager.TrustedWith(options.TrustedAssemblies)), failover.Contacts[0], authKey.ToArray(), failover,
                Instruments.For(options.MeterFactory));
            await runtime.Connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
            var client = new ManagerClient(runtime, failover);
            if (failover.KnowsCluster && settings.ContactsRefresh > TimeSpan.Zero)
            {
                _ = failover.RefreshAsync(settings.ContactsRefresh, runtime.Directory.ContactsAsync, client._stopping.Token);
            }
            return client;
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Parses <c>akka.mauth.tcp://managed-actors@host:port</c> or <c>host:port</c>; <c>akka.tcp://</c> is read as the
    /// same host (the library's systems speak only the authenticated transport).
    /// </summary>
    internal static Address ParseAddress(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        if (!address.Contains("://", StringComparison.Ordinal))
        {
            address = $"{HostPaths.Protocol}://{HostPaths.SystemName}@{address}";
        }
        else if (address.StartsWith("akka.tcp://", StringComparison.Ordinal))
        {
            address = HostPaths.Protocol + address["akka.tcp".Length..];
        }
        try
        {
            return Akka.Actor.Address.Parse(address);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            throw new ArgumentException($"'{address}' is not a manager address (akka.mauth.tcp://managed-actors@host:port or host:port).", nameof(address), e);
        }
    }

    /// <summary>Ends the session and stops the client's ActorSystem; proxies then throw <see cref="ManagerShutDownException"/>.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        _stopping.Dispose();
        var gatekeeper = ((ExtendedActorSystem)Runtime.System).Provider.ResolveActorRef(HostPaths.Gatekeeper(Runtime.HostAddress.ToString()));
        gatekeeper.Tell(new Goodbye(Runtime.Connection.Session), Runtime.ReplyActor);
        await Runtime.DisposeAsync().ConfigureAwait(false);
    }
}
