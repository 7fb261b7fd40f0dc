using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ManagedActors.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ManagedActors.LoadDriver;

/// <summary>
/// What the instrumentation costs: the sequential latency and the 4-client dict throughput with nobody listening, with
/// the meter collected by OpenTelemetry, and with the meter and every call traced (spans on both sides, batched to an
/// exporter that drops them). Host and clients of a level listen alike; the levels alternate over the rounds.
/// </summary>
internal static class TelemetryCost
{
    /// <summary>The environment variable that tells a host or client process its level: none, metrics or traces.</summary>
    public const string Variable = "LOADDRIVER_TELEMETRY";

    private static readonly string[] Levels = ["none", "metrics", "traces"];

    public static async Task<int> RunAsync(Options options)
    {
        var seconds = options.Double("seconds", 3);
        var clients = options.Int("clients", 4);
        var key = RandomNumberGenerator.GetBytes(32);
        var figures = new Dictionary<string, List<(double P50, double P99, double Ops)>>(StringComparer.Ordinal);
        for (var round = 0; round < options.Int("rounds", 2); round++)
        {
            foreach (var level in Levels)
            {
                var environment = new Dictionary<string, string> { [Roles.KeyVariable] = Convert.ToHexString(key), [Variable] = level };
                using var host = Child.Start("host", [], environment);
                try
                {
                    var address = await Child.ReadLineStartingAsync(host, "ADDRESS ", TimeSpan.FromSeconds(60));
                    var latency = await Orchestrator.Clients("client", address, environment, 1, ["--workload", "latency", "--count", "20000"]);
                    var throughput = await Orchestrator.Measured("client", [address], environment, clients,
                        ["--workload", "dict", "--inflight", "64", "--seconds", seconds.ToString(CultureInfo.InvariantCulture)]);
                    var parts = latency.Single().Split(' ');
                    (figures.TryGetValue(level, out var list) ? list : figures[level] = []).Add(
                        (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture), Orchestrator.Aggregate(throughput)));
                }
                finally
                {
                    host.Kill(entireProcessTree: true);
                    await host.WaitForExitAsync();
                }
            }
        }
        foreach (var (level, rounds) in figures)
        {
            foreach (var (p50, p99, ops) in rounds)
            {
                Console.WriteLine(new Figure("managedactors-telemetry-" + level, "dict_set_sequential", 1, 1, 1e6 / p50, p50, p99).ToJson());
                Console.WriteLine(new Figure("managedactors-telemetry-" + level, "dict_set_get", clients, 64, ops).ToJson());
            }
        }
        return 0;
    }

    /// <summary>Starts this process's listeners for the level in <see cref="Variable"/>; disposing them flushes and stops them.</summary>
    public static IDisposable? Listen()
    {
        var level = Environment.GetEnvironmentVariable(Variable) ?? "none";
        if (level == "none")
        {
            return null;
        }
        var meters = Sdk.CreateMeterProviderBuilder()
            .AddManagedActorsInstrumentation()
            .AddReader(new PeriodicExportingMetricReader(new Dropped<Metric>(), exportIntervalMilliseconds: 1000))
            .Build();
        if (level != "traces")
        {
            return meters;
        }
        var tracer = Sdk.CreateTracerProviderBuilder()
            .AddManagedActorsInstrumentation()
            .SetSampler(new AlwaysOnSampler())
            .AddProcessor(new BatchActivityExportProcessor(new Dropped<Activity>()))
            .Build();
        return new Both(meters, tracer);
    }

    /// <summary>An exporter that takes every batch and keeps nothing: the pipeline's cost without a network's.</summary>
    private sealed class Dropped<T> : BaseExporter<T> where T : class
    {
        public override ExportResult Export(in Batch<T> batch) => ExportResult.Success;
    }

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            second.Dispose();
            first.Dispose();
        }
    }
}
