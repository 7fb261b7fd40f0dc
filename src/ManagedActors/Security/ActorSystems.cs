using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using ManagedActors.Configuration;
using Microsoft.Extensions.Logging;

namespace ManagedActors.Security;

/// <summary>Starts the library's ActorSystems, each behind the wire firewall and the authenticated transport.</summary>
internal static class ActorSystems
{
    /// <summary>
    /// Creates an ActorSystem whose connections prove <paramref name="key"/> (<see cref="AssociationGuard"/>), whose
    /// serializers keep a peer from building arbitrary types (<see cref="WireFirewall"/>; a cluster member's peers proved
    /// the cluster key and speak Akka's cluster protocols besides), and whose log leaves out a peer going away.
    /// </summary>
    /// <param name="name">The system's name.</param>
    /// <param name="config">Its whole configuration.</param>
    /// <param name="key">The key its connections prove.</param>
    /// <param name="member">Whether it is a cluster member's system.</param>
    /// <param name="logging">The application's logger factory, which then takes the system's log instead of standard error.</param>
    public static ActorSystem Create(string name, Config config, TransportKey key, bool member = false, ILoggerFactory? logging = null)
    {
        if (logging is not null)
        {
            config = ConfigurationFactory.ParseString($"akka.loggers = [\"{LoggerFactoryLogger.TypeName}\"]").WithFallback(config);
        }
        // Matched against the whole formatted log line, cause included.
        var filters = new LogFilterBuilder().ExcludeMessageRegex(StandardErrorLogger.PeerGone).Build();
        var setup = BootstrapSetup.Create().WithConfig(config).And(filters)
            .And(member ? WireFirewall.MemberSetup : WireFirewall.Setup).And(key);
        if (logging is not null)
        {
            setup = setup.And(new LoggerFactorySetup(logging));
        }
        return ActorSystem.Create(name, setup);
    }
}
