using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace ManagedActors.Security;

/// <summary>Starts the library's ActorSystems, each behind the wire firewall and the authenticated transport.</summary>
internal static class ActorSystems
{
    /// <summary>
    /// Creates an ActorSystem whose connections prove <paramref name="key"/> (<see cref="AssociationGuard"/>), whose
    /// serializers keep a peer from building arbitrary types (<see cref="WireFirewall"/>; a cluster member's peers proved
    /// the cluster key and speak Akka's cluster protocols besides), and whose log leaves out a peer going away.
    /// </summary>
    public static ActorSystem Create(string name, Config config, TransportKey key, bool member = false)
    {
        // Matched against the whole formatted log line, cause included.
        var filters = new LogFilterBuilder().ExcludeMessageRegex(Configuration.StandardErrorLogger.PeerGone).Build();
        var setup = BootstrapSetup.Create().WithConfig(config).And(filters)
            .And(member ? WireFirewall.MemberSetup : WireFirewall.Setup).And(key);
        return ActorSystem.Create(name, setup);
    }
}
