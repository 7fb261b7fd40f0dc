using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace ManagedActors;

/// <summary>Settings of a client connected with <see cref="Manager.ConnectAsync(string, byte[], ClientOptions?, CancellationToken)"/>.</summary>
public sealed record ClientOptions
{
    /// <summary>The address the client's own endpoint binds to (replies come back to it); loopback by default.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>Default timeout of every call; <c>managed-actors.call-timeout</c> (30 s) when null.</summary>
    public TimeSpan? CallTimeout { get; init; }

    /// <summary>
    /// How long the client keeps trying the handshake (a Hello that gets no answer is sent again, waiting twice as
    /// long each time) before it fails with <see cref="HostUnavailableException"/>;
    /// <c>managed-actors.handshake-timeout</c> (10 s) when null. Child processes inherit their parent's.
    /// </summary>
    public TimeSpan? HandshakeTimeout { get; init; }

    /// <summary>
    /// How calls travel to the host; <c>managed-actors.transport</c> (<see cref="CallTransport.Direct"/>) when null. The
    /// handshake, sessions and lifecycle always use Akka.Remote.
    /// </summary>
    public CallTransport? Transport { get; init; }

    /// <summary>HOCON layered over the library's defaults (hocon/client.conf shows what can be set).</summary>
    public string? Config { get; init; }

    /// <summary>
    /// Where the client's log goes: the application's logger factory, one category per class that logs. Null writes it
    /// to standard error, one line per event.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Where the client's metrics are made: the application's meter factory (the generic host's, which
    /// <c>AddManagedActorsClient</c> passes), so its <c>ManagedActors</c> meter is the application's own and ends with it.
    /// Null uses the process's <c>ManagedActors</c> meter. Either way nothing is measured while no listener (an
    /// OpenTelemetry <c>MeterProvider</c>, <c>dotnet-counters</c>) listens.
    /// </summary>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>
    /// The name of the client's ActorSystem, which its address shows: a worker process started with
    /// <see cref="Processes.ManagedProcess"/> connects as <c>managed-actors-worker</c>, so status views tell workers from clients.
    /// </summary>
    internal string SystemName { get; init; } = "managed-actors-client";

    /// <summary>Assemblies whose types may be read from replies, besides the entry assembly, the library and the types this client sends.</summary>
    public IReadOnlyList<Assembly> TrustedAssemblies { get; init; } = [];
}

/// <summary>How a client's calls travel to its host.</summary>
public enum CallTransport
{
    /// <summary>
    /// The host's data port: one connection per client with a reader and a writer loop, calls delivered straight to
    /// the objects. A sequential call costs a fraction of the Akka.Remote round trip. Falls back to
    /// <see cref="AkkaRemote"/>, saying so once in the log, when the port cannot be reached.
    /// </summary>
    Direct,

    /// <summary>Akka.Remote, as every other message of the protocol: for hosts whose data port is closed to the client.</summary>
    AkkaRemote,
}
