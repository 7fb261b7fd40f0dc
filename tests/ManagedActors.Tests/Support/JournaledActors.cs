using Akka.Actor;
using ManagedActors.Codec;

namespace ManagedActors.Tests.Support;

/// <summary>Reaches a journaled object's actor inside an embedded host, as a crash inside the host would.</summary>
public static class JournaledActors
{
    /// <summary>Kills the object's actor (its supervisor starts it again from the journal); completes when it stopped.</summary>
    public static Task<bool> KillJournaledAsync(this Manager manager, object proxy)
    {
        var system = (ExtendedActorSystem)manager.Host.System;
        var child = system.Provider.ResolveActorRef(((IManagedProxy)proxy).Reference.ActorPath + "/object");
        var stopped = child.WatchAsync();
        child.Tell(Kill.Instance);
        return stopped;
    }
}
