namespace ManagedActors;

/// <summary>
/// The names under which ManagedActors publishes its telemetry, for an OpenTelemetry provider
/// (<c>AddMeter</c>, <c>AddSource</c>), <c>dotnet-counters monitor --counters ManagedActors</c>, or a
/// <see cref="System.Diagnostics.Metrics.MeterListener"/>. <c>docs/observability.md</c> lists every instrument and span.
/// </summary>
public static class ManagedActorsInstrumentation
{
    /// <summary>The meter of hosts and clients: call durations on OpenTelemetry's RPC conventions and the <c>managedactors.*</c> instruments.</summary>
    public const string MeterName = Telemetry.Instruments.Name;

    /// <summary>The activity source of hosts and clients: a CLIENT span per proxy call, a SERVER span per call on the host, a span per journal write.</summary>
    public const string ActivitySourceName = Telemetry.Instruments.Name;
}
