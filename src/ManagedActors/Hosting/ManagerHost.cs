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

    private ManagerHost(ActorSystem system, IActorRef gatekeeper, HostContext context, byte[] authKey, ManagerSettings settings)
    {
        System = system;
        Gatekeeper = gatekeeper;
        Context = context;
        AuthKey = authKey;
        Settings = settings;
    }

    public ActorSystem System { get; }

    public IActorRef Gatekeeper { get; }

    public HostContext Context { get; }

    public byte[] AuthKey { get; }

    public ManagerSettings Settings { get; }

    /// <summary>The host's address, <c>akka.tcp://managed-actors@127.0.0.1:port</c>.</summary>
    public string Address => Context.HostAddress;

    public static ManagerHost Start(
        string hostname, int port, byte[] authKey, string? userHocon, IEnumerable<Assembly> trustedAssemblies, IEnumerable<ObjectKind> kinds)
    {
        if (authKey.Length < 16)
        {
            throw new ArgumentException("The authkey must be at least 16 bytes long.", nameof(authKey));
        }
        var explicitHocon = $$"""
            akka.remote.dot-netty.tcp.hostname = "{{hostname}}"
            akka.remote.dot-netty.tcp.port = {{port}}
            """;
        const string roleDefaults = """
            akka.actor.provider = remote
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            akka.remote.untrusted-mode = on
            akka.remote.trusted-selection-paths = ["/user/managed-actors"]
            """;
        var config = ManagedActorsConfig.Build(explicitHocon, userHocon, roleDefaults);
        var settings = ManagerSettings.From(config);
        var system = ActorSystems.Create(HostPaths.SystemName, config);
        try
        {
            var address = ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString();
            var codec = new ValueCodec(new TypeAllowList(trustedAssemblies), materializer: null, trustWrittenTypes: false, settings.MaxValueDepth);
            var context = new HostContext(codec, new SessionTable(), settings, Guid.NewGuid(), address, new KindTable(kinds));
            var registry = new RegistryObject(context);
            var gatekeeper = system.ActorOf(Hosting.Gatekeeper.PropsFor(registry, context, authKey.ToArray()), HostPaths.GatekeeperName);
            return new ManagerHost(system, gatekeeper, context, authKey.ToArray(), settings);
        }
        catch
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(5));
            throw;
        }
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
        await System.Terminate().ConfigureAwait(false);
    }
}
