using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace ManagedActors.Tests.Support;

/// <summary>What an ActorSystem logs as warnings from the moment a spec starts listening: refusals a spec expects to see.</summary>
public static class LoggedWarnings
{
    /// <summary>The warnings <paramref name="system"/> logs from now on.</summary>
    public static ConcurrentQueue<string> Of(ActorSystem system)
    {
        var seen = new ConcurrentQueue<string>();
        system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new Listener(seen))), typeof(Warning));
        return seen;
    }

    private sealed class Listener : ReceiveActor
    {
        public Listener(ConcurrentQueue<string> seen) => Receive<Warning>(w => seen.Enqueue(w.Message?.ToString() ?? ""));
    }
}
