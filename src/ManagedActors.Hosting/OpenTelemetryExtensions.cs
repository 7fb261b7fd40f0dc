using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ManagedActors.Hosting;

/// <summary>ManagedActors in an OpenTelemetry pipeline: its meter and its activity source, by name.</summary>
public static class OpenTelemetryExtensions
{
    /// <summary>
    /// Collects the <c>ManagedActors</c> meter: <c>rpc.client.call.duration</c> and <c>rpc.server.call.duration</c>
    /// (seconds, <c>rpc.method</c> as <c>{kind}/{Method}</c>), and the <c>managedactors.*</c> instruments (objects by
    /// kind, sessions, parked calls and waits, lane frames and bytes, journal writes, restarts, cluster members).
    /// </summary>
    public static MeterProviderBuilder AddManagedActorsInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(ManagedActorsInstrumentation.MeterName);
    }

    /// <summary>
    /// Collects the <c>ManagedActors</c> activity source: a CLIENT span per proxy call and a SERVER span around its run
    /// on the host, joined by the W3C trace context the call carries (over the lane, Akka.Remote, and into
    /// child processes started with <c>ManagedProcess.Start</c>), with a child span per journal write.
    /// </summary>
    public static TracerProviderBuilder AddManagedActorsInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(ManagedActorsInstrumentation.ActivitySourceName);
    }
}
