using System.Diagnostics;
using ManagedActors;
using ManagedActors.Dicts;
using ManagedActors.Hosting;
using ManagedActors.Processes;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

// OpenTelemetry collects the ManagedActors meter and activity source and exports them to the console; an in-memory
// copy of what was exported lets the program sum it up at the end.
var spans = new List<Activity>();
var metrics = new List<Metric>();
var orders = new ActivitySource("Observability.Orders");
using (var tracing = Sdk.CreateTracerProviderBuilder()
    .AddSource(orders.Name)
    .AddManagedActorsInstrumentation()
    .AddConsoleExporter()
    .AddInMemoryExporter(spans)
    .Build())
using (var metering = Sdk.CreateMeterProviderBuilder()
    .AddManagedActorsInstrumentation()
    .AddConsoleExporter()
    .AddInMemoryExporter(metrics)
    .Build())
{
    Console.WriteLine("parent main");
    await using var manager = await Manager.StartAsync(new ManagerOptions { DefaultDurability = Durability.Memory });
    await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey);
    var stock = await client.DictAsync<string, int>("stock");

    // One order: the caller's span, the proxy's CLIENT spans under it, the host's SERVER spans under those, each
    // journal write under its call, and a child process's calls in the same trace.
    ActivityTraceId trace;
    using (var order = orders.StartActivity("place order"))
    {
        trace = order!.TraceId;
        await stock.SetAsync("apples", 10);
        await stock.IncrementAsync("apples", -3);
        using var packer = ManagedProcess.Start(Packer.PackAsync, stock);
        await packer.WaitForExitAsync();
        try
        {
            await stock.GetAsync("pears");
        }
        catch (KeyNotFoundException)
        {
            // Recorded on the call's spans as an error, with the exception.
        }
    }
    for (var i = 0; i < 100; i++)
    {
        await stock.IncrementAsync("apples", 1);
    }
    Console.WriteLine($"apples: {await stock.GetAsync("apples")}");
    tracing.ForceFlush();
    metering.ForceFlush();

    var ours = spans.Where(s => s.TraceId == trace).ToList();
    Console.WriteLine($"one trace: {ours.Count} spans ({Count(ours, ActivityKind.Client)} client, {Count(ours, ActivityKind.Server)} server, " +
        $"{ours.Count(s => s.DisplayName == "journal/write")} journal writes)");
    // The child had no tracer of its own: the host's spans of its calls hang under the order, not under a client span.
    var clientSpans = ours.Where(s => s.Kind == ActivityKind.Client).Select(s => s.SpanId).ToHashSet();
    Console.WriteLine($"calls of the child process in the trace: {ours.Count(s => s.Kind == ActivityKind.Server && !clientSpans.Contains(s.ParentSpanId))}");
    Console.WriteLine($"failed call: {ours.Single(s => s.Kind == ActivityKind.Client && s.DisplayName == "dict/Get").Status} " +
        $"({ours.Single(s => s.Kind == ActivityKind.Client && s.DisplayName == "dict/Get").GetTagItem("error.type")})");
    Console.WriteLine($"metrics exported: {string.Join(", ", metrics.Select(m => m.Name).Distinct().Order())}");
}

static int Count(List<Activity> spans, ActivityKind kind) => spans.Count(s => s.Kind == kind);

/// <summary>Runs in a child process: its calls carry the trace context it was started in.</summary>
internal static class Packer
{
    public static async Task PackAsync(IManagedDict<string, int> stock)
    {
        await stock.SetAsync("boxes", 1);
    }
}
