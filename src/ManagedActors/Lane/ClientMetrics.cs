namespace ManagedActors.Lane;

/// <summary>
/// Calls and the remote messages that carried them, from every outbox of this process: their ratio is how well calls
/// coalesce. Published on the <c>ManagedActors.Client</c> meter (OpenTelemetry or a MeterListener reads it); they cost a
/// flag check per message while nothing listens.
/// </summary>
internal static class ClientMetrics
{
    private static readonly System.Diagnostics.Metrics.Meter Meter = new("ManagedActors.Client");

    public static readonly System.Diagnostics.Metrics.Counter<long> Messages =
        Meter.CreateCounter<long>("managed_actors.client.messages", description: "Remote messages that carried calls.");

    public static readonly System.Diagnostics.Metrics.Counter<long> Calls =
        Meter.CreateCounter<long>("managed_actors.client.calls", description: "Calls sent.");
}
