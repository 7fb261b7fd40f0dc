using System.Security.Cryptography;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using ManagedActors.Configuration;
using ManagedActors.Hosting;
using ManagedActors.Security;
using ManagedActors.Telemetry;

namespace ManagedActors;

/// <summary>
/// Hosting managed objects inside an ActorSystem you create yourself, beside your own actors:
/// <code>
/// var system = ActorSystem.Create("simulation", ManagedActorsSystem.Setup(myConfig, key));
/// await using var manager = await system.StartManagedActorsAsync();
/// </code>
/// Clients connect to <see cref="ManagerSession.Address"/> (<c>akka.mauth.tcp://simulation@host:port</c>) with the
/// same key, as to any host.
/// </summary>
public static class ManagedActorsSystem
{
    /// <summary>
    /// The setup to create the system with: <paramref name="config"/> over the library's defaults (remoting on
    /// 127.0.0.1 and a free port, untrusted mode with only the gatekeeper selectable, the protocol serializer), the
    /// serializers that keep a remote peer from building arbitrary types, which no configuration can add later, and
    /// the transport that lets no connection reach Akka's protocol before it proved <paramref name="authKey"/>.
    /// </summary>
    /// <param name="config">Your settings; they win over the library's defaults.</param>
    /// <param name="authKey">
    /// The manager's authkey (at least 16 bytes): every connection to or from the system proves it, and
    /// <see cref="StartManagedActorsAsync"/> uses it. Null draws a random one, which <see cref="Manager.AuthKey"/> then shows.
    /// </param>
    public static ActorSystemSetup Setup(Config? config = null, byte[]? authKey = null)
    {
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(ManagedActorsConfig.Layers(config, HostConfig)));
        return Setups(authKey ?? RandomNumberGenerator.GetBytes(32)).Aggregate(setup, (all, one) => all.And(one));
    }

    /// <summary>
    /// The library's settings for a system that hosts managed objects, for a builder that assembles a system's
    /// configuration itself (Akka.Hosting's <c>AddHocon</c>): remoting, untrusted mode with only the gatekeeper
    /// selectable, the protocol's serializer bindings and the <c>managed-actors</c> defaults. Untrusted mode applies to
    /// the whole system: no peer may select any of its actors but the gatekeeper, nor send it system messages (watch,
    /// kill) for actors it was not given, so the application's own actors are reachable remotely only through
    /// references the application hands out.
    /// </summary>
    public static Config HostConfig => ManagedActorsConfig.Role(ManagedActorsConfig.Host);

    /// <summary>
    /// The setups every connection and serializer of such a system needs, for a builder that collects setups itself
    /// (Akka.Hosting's <c>AddSetup</c>): the replacements of Akka's serializers that build a type the sender names
    /// (JSON with type names among them, so the application's own remote messages need a serializer of their own), and
    /// the transport key, which every connection to or from the system proves (docs/security.md, "Hosting objects in
    /// your own ActorSystem").
    /// </summary>
    /// <param name="authKey">The manager's authkey, at least 16 bytes.</param>
    public static IReadOnlyList<Setup> Setups(byte[] authKey)
    {
        ArgumentNullException.ThrowIfNull(authKey);
        if (authKey.Length < 16)
        {
            throw new ArgumentException("The authkey must be at least 16 bytes long.", nameof(authKey));
        }
        return [WireFirewall.Setup, new TransportKey(authKey)];
    }

    /// <summary>
    /// Starts a host in <paramref name="system"/> and opens this process's session to it. Disposing the manager stops
    /// the host's actors and its objects; the system keeps running. The options' hostname, port and HOCON do not
    /// apply (the system has its own), nor does their authkey unless it is the system's; the trusted assemblies,
    /// registrations and call timeout do.
    /// </summary>
    /// <exception cref="InvalidOperationException">The system was not created with <see cref="Setup"/> (or lacks what it adds).</exception>
    /// <exception cref="ArgumentException">The options name an authkey other than the one the system was created with.</exception>
    public static Task<Manager> StartManagedActorsAsync(this ActorSystem system, ManagerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        options ??= new ManagerOptions();
        SystemCheck.EnsureProtected(system);
        var key = TransportKey.Of(system)?.AuthKey ?? throw new InvalidOperationException(
            $"The ActorSystem '{system.Name}' was not created with ManagedActorsSystem.Setup(config, authKey): its connections prove no key.");
        if (options.AuthKey is { } given && !CryptographicOperations.FixedTimeEquals(given, key))
        {
            throw new ArgumentException("ManagerOptions.AuthKey differs from the key the ActorSystem was created with (ManagedActorsSystem.Setup).", nameof(options));
        }
        var trusted = Manager.TrustedFor(options);
        var host = ManagerHost.Attach(system, ownsSystem: false, key, trusted, Manager.KindsFor(options), Instruments.For(options.MeterFactory));
        return Manager.OpenAsync(host, trusted, options.CallTimeout, cancellationToken);
    }
}
