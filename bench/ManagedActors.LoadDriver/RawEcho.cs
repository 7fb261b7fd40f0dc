using System.Collections.Concurrent;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using ManagedActors.Configuration;
using ManagedActors.Protocol;

namespace ManagedActors.LoadDriver;

/// <summary>
/// The floor: a bare echo actor over the same remoting configuration and protocol serializer, called with Tell
/// and one reply actor per client process, with no proxy, codec, session or object in between.
/// </summary>
internal static class RawEcho
{
    private const string Hocon = """
        akka.actor.provider = remote
        akka.loglevel = WARNING
        akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
        akka.remote.dot-netty.tcp.port = 0
        # Akka's own transport, without the library's key exchange on each connection.
        akka.remote.dot-netty.tcp.applied-adapters = []
        """;

    public static async Task<int> HostAsync()
    {
        // A bare Akka system: the baseline is Akka itself, JSON fallback included, without the library's wire firewall.
        var system = ActorSystem.Create("managed-actors", ManagedActorsConfig.Layers(ConfigurationFactory.ParseString(Hocon), ManagedActorsConfig.Default));
        system.ActorOf(Props.Create<Echo>(), "echo");
        Console.WriteLine("ADDRESS " + ((ExtendedActorSystem)system).Provider.DefaultAddress);
        await Task.Delay(Timeout.Infinite); // until the orchestrator kills it
        await system.Terminate();
        return 0;
    }

    public static async Task<int> ClientAsync(Options options)
    {
        var system = ActorSystem.Create("raw-client", ManagedActorsConfig.Layers(ConfigurationFactory.ParseString(Hocon), ManagedActorsConfig.Default));
        var pending = new ConcurrentDictionary<long, TaskCompletionSource>();
        var replies = system.ActorOf(Props.Create(() => new Replies(pending)), "replies");
        var echo = ((ExtendedActorSystem)system).Provider.ResolveActorRef(options.Get("address", "") + "/user/echo");
        long nextId = 0;
        var payload = new byte[8];
        var variant = options.Get("variant", "tell");
        var askTimeout = TimeSpan.FromSeconds(30);
        Task Call()
        {
            var id = Interlocked.Increment(ref nextId);
            switch (variant)
            {
                // Akka's Ask: a temporary actor per call.
                case "ask":
                    return echo.Ask<Results>(new Results([new CallResult(id, false, payload)]), askTimeout);
                // Ask with a message Akka serializes with its default (JSON) serializer.
                case "ask-json":
                    return echo.Ask<JsonPing>(new JsonPing(id, payload), askTimeout);
                // Tell, with one reply actor completing a correlation map: what the library does per message.
                default:
                    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    pending[id] = done;
                    echo.Tell(new Results([new CallResult(id, false, payload)]), replies);
                    return done.Task;
            }
        }
        for (var i = 0; i < 2000; i++)
        {
            await Call();
        }
        string result;
        if (options.Get("workload", "throughput") == "latency")
        {
            var startAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(options.Get("start-at", "0"), CultureInfo.InvariantCulture));
            await Roles.WaitUntil(startAt);
            result = await Roles.SampleLatency(options.Int("count", 20000), Call);
        }
        else
        {
            result = await Window.Start(options.Double("seconds", 3)).MeasureAsync(options.Int("inflight", 64), async _ =>
            {
                await Call();
                return 1;
            });
        }
        Console.WriteLine("RESULT " + result);
        await system.Terminate();
        return 0;
    }

    /// <summary>A message bound to no serializer of the library: Akka's default JSON serializer carries it.</summary>
    public sealed record JsonPing(long Id, byte[] Payload);

    private sealed class Echo : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message);
    }

    private sealed class Replies(ConcurrentDictionary<long, TaskCompletionSource> pending) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is Results results && pending.TryRemove(results.Items[0].CallId, out var done))
            {
                done.TrySetResult();
            }
        }
    }
}
