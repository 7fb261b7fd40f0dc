using Akka.Actor;
using ManagedActors.Protocol;
using ManagedActors.Security;

namespace ManagedActors.Hosting;

/// <summary>
/// Refuses to host objects in an ActorSystem a remote peer could enter or crash: one created without the library's
/// setup (its serializers, its protocol binding, the authenticated transport, untrusted mode with only the gatekeeper
/// selectable).
/// </summary>
internal static class SystemCheck
{
    public static void EnsureProtected(ActorSystem system)
    {
        var missing = new List<string>();
        if (((ExtendedActorSystem)system).Provider is not Akka.Remote.RemoteActorRefProvider remote)
        {
            missing.Add("remoting (akka.actor.provider = remote or cluster)");
        }
        else if (remote.DefaultAddress.Protocol != HostPaths.Protocol || TransportKey.Of(system) is null)
        {
            missing.Add($"the authenticated transport ({HostPaths.Protocol}, with the key given to the setup)");
        }
        if (system.Serialization.FindSerializerForType(typeof(object)) is not LocalOnlySerializer
            || system.Serialization.FindSerializerForType(typeof(Identify)) is not HeartbeatOnlySerializer)
        {
            missing.Add("the serializers that keep a remote peer from building arbitrary types");
        }
        if (system.Serialization.FindSerializerForType(typeof(Hello)) is not ProtocolSerializer)
        {
            missing.Add("the protocol serializer's binding");
        }
        var config = system.Settings.Config;
        if (!config.GetBoolean("akka.remote.untrusted-mode", false))
        {
            missing.Add("akka.remote.untrusted-mode = on");
        }
        var trusted = config.GetStringList("akka.remote.trusted-selection-paths", []);
        if (trusted.Any(path => path != "/user/" + HostPaths.GatekeeperName))
        {
            missing.Add($"akka.remote.trusted-selection-paths = [\"/user/{HostPaths.GatekeeperName}\"] and nothing else");
        }
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The ActorSystem '{system.Name}' cannot host managed objects safely; it lacks {string.Join("; ", missing)}. " +
                "Create it with ManagedActorsSystem.Setup(yourConfig), which adds them under your settings.");
        }
    }
}
