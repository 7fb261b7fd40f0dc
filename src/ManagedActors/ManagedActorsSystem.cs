using System.Security.Cryptography;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using ManagedActors.Configuration;
using ManagedActors.Hosting;

namespace ManagedActors;

/// <summary>
/// Hosting managed objects inside an ActorSystem you create yourself, beside your own actors:
/// <code>
/// var system = ActorSystem.Create("simulation", ManagedActorsSystem.Setup(myConfig));
/// await using var manager = await system.StartManagedActorsAsync(new ManagerOptions { AuthKey = key });
/// </code>
/// Clients connect to <see cref="ManagerSession.Address"/> (<c>akka.tcp://simulation@host:port</c>) as to any host.
/// </summary>
public static class ManagedActorsSystem
{
    /// <summary>
    /// The setup to create the system with: <paramref name="config"/> over the library's defaults (remoting on
    /// 127.0.0.1 and a free port, untrusted mode with only the gatekeeper selectable, the protocol serializer), and
    /// the serializers that keep a remote peer from building arbitrary types, which no configuration can add later.
    /// </summary>
    public static ActorSystemSetup Setup(Config? config = null)
    {
        var full = (config ?? Config.Empty)
            .WithFallback(ConfigurationFactory.ParseString(ManagerHost.RoleDefaults))
            .WithFallback(ManagedActorsConfig.Default);
        return BootstrapSetup.Create().WithConfig(full).And(Security.WireFirewall.Setup);
    }

    /// <summary>
    /// Starts a host in <paramref name="system"/> and opens this process's session to it. Disposing the manager stops
    /// the host's actors and its objects; the system keeps running. The options' hostname, port and HOCON do not
    /// apply (the system has its own); the authkey, trusted assemblies, registrations and call timeout do.
    /// </summary>
    /// <exception cref="InvalidOperationException">The system was not created with <see cref="Setup"/> (or lacks what it adds).</exception>
    public static Task<Manager> StartManagedActorsAsync(this ActorSystem system, ManagerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        options ??= new ManagerOptions();
        var trusted = Manager.TrustedFor(options);
        var host = ManagerHost.Attach(system, ownsSystem: false, options.AuthKey ?? RandomNumberGenerator.GetBytes(32), trusted, Manager.KindsFor(options));
        return Manager.OpenAsync(host, trusted, options.CallTimeout, cancellationToken);
    }
}
