using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ManagedActors.Telemetry;

/// <summary>
/// Every instrument of the <c>ManagedActors</c> meter, host and client: call durations on OpenTelemetry's RPC
/// conventions, parked calls, lane frames and bytes, journal writes, object restarts, and the observed counts (objects
/// by kind, sessions, cluster members by status) read from the hosts registered with <see cref="Register"/>. One set
/// per <see cref="Meter"/>: the process's own (<see cref="Shared"/>) or one an <see cref="IMeterFactory"/> made. A
/// recording checks the instrument's <c>Enabled</c> first, so nothing is measured while nobody listens. No attribute
/// names an object or a client: the attributes are kinds, methods, error types, directions and statuses.
/// </summary>
internal sealed class Instruments
{
    public const string Name = "ManagedActors";

    private static readonly ConditionalWeakTable<Meter, Instruments> ByMeter = new();

    private readonly ConcurrentDictionary<HostReadings, byte> _hosts = new();

    /// <summary>The instruments of the process's own meter, for hosts and clients built without dependency injection.</summary>
    public static Instruments Shared { get; } = new(new Meter(Name, typeof(Instruments).Assembly.GetName().Version?.ToString()));

    /// <summary>The instruments on the meter <paramref name="factory"/> makes (one per factory), or <see cref="Shared"/> without one.</summary>
    public static Instruments For(IMeterFactory? factory) => factory is null
        ? Shared
        : ByMeter.GetValue(factory.Create(new MeterOptions(Name) { Version = typeof(Instruments).Assembly.GetName().Version?.ToString() }), meter => new Instruments(meter));

    private Instruments(Meter meter)
    {
        Meter = meter;
        ClientCallDuration = meter.CreateHistogram<double>(
            "rpc.client.call.duration", "s", "Duration of a call made through a proxy, from the call to its answer, error or cancellation.",
            advice: DurationAdvice);
        ServerCallDuration = meter.CreateHistogram<double>(
            "rpc.server.call.duration", "s", "Duration of a call on the host, from its arrival at the object to its answer (a blocking call's wait included).",
            advice: DurationAdvice);
        ParkedCalls = meter.CreateUpDownCounter<long>("managedactors.calls.parked", "{call}", "Blocking calls waiting in their objects.");
        WaitDuration = meter.CreateHistogram<double>(
            "managedactors.call.wait.duration", "s", "How long a blocking call waited in its object before it was answered, timed out or withdrawn.",
            advice: DurationAdvice);
        LaneFrames = meter.CreateCounter<long>("managedactors.lane.frames", "{frame}", "Frames written and read on the direct lane.");
        LaneBytes = meter.CreateCounter<long>("managedactors.lane.bytes", "By", "Bytes of frames written and read on the direct lane.");
        JournalWriteDuration = meter.CreateHistogram<double>(
            "managedactors.journal.write.duration", "s", "Duration of a journal write: one batch of calls, from the write to the store's confirmation.",
            advice: DurationAdvice);
        ObjectRestarts = meter.CreateCounter<long>("managedactors.object.restarts", "{restart}", "Objects started again after a failure, from their journal or empty.");
        meter.CreateObservableUpDownCounter("managedactors.objects", ObserveObjects, "{object}", "Objects a host holds, by kind.");
        meter.CreateObservableUpDownCounter("managedactors.sessions", ObserveSessions, "{session}", "Client sessions a host admitted and has not ended.");
        meter.CreateObservableUpDownCounter("managedactors.cluster.members", ObserveMembers, "{member}", "Members of a host's cluster, by status, as that host sees them.");
    }

    /// <summary>Buckets from 10 µs to 10 s: a call over the lane takes tens of microseconds, a blocking one may wait seconds.</summary>
    private static InstrumentAdvice<double> DurationAdvice { get; } = new()
    {
        HistogramBucketBoundaries = [0.00001, 0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    public Meter Meter { get; }

    public Histogram<double> ClientCallDuration { get; }

    public Histogram<double> ServerCallDuration { get; }

    public UpDownCounter<long> ParkedCalls { get; }

    public Histogram<double> WaitDuration { get; }

    public Counter<long> LaneFrames { get; }

    public Counter<long> LaneBytes { get; }

    public Histogram<double> JournalWriteDuration { get; }

    public Counter<long> ObjectRestarts { get; }

    /// <summary>Adds a host's readings to the observed counts until the returned handle is disposed.</summary>
    public IDisposable Register(HostReadings readings)
    {
        _hosts[readings] = 0;
        return new Registration(this, readings);
    }

    /// <summary>Seconds since <paramref name="start"/>, a <see cref="Stopwatch.GetTimestamp"/>.</summary>
    public static double Seconds(long start) => Stopwatch.GetElapsedTime(start).TotalSeconds;

    /// <summary>Records a call's duration with its method and, for a failed call, its error type.</summary>
    public static void RecordCall(Histogram<double> histogram, long start, string method, string? errorType)
    {
        var system = new KeyValuePair<string, object?>(Attributes.RpcSystem, Attributes.System);
        var name = new KeyValuePair<string, object?>(Attributes.RpcMethod, method);
        if (errorType is null)
        {
            histogram.Record(Seconds(start), system, name);
        }
        else
        {
            histogram.Record(Seconds(start), system, name, new KeyValuePair<string, object?>(Attributes.ErrorType, errorType));
        }
    }

    // One point per attribute set, summed over the hosts that share this meter (two managers in one process).
    private IEnumerable<Measurement<long>> ObserveObjects() =>
        Summed(_hosts.Keys.SelectMany(host => host.Objects.Snapshot()), Attributes.Kind);

    private IEnumerable<Measurement<long>> ObserveSessions() => _hosts.IsEmpty ? [] : [new Measurement<long>(_hosts.Keys.Sum(host => host.Sessions()))];

    private IEnumerable<Measurement<long>> ObserveMembers() => Summed(_hosts.Keys.SelectMany(host => host.Members()), Attributes.MemberStatus);

    private static IEnumerable<Measurement<long>> Summed(IEnumerable<(string Value, int Count)> counts, string attribute) => counts
        .GroupBy(c => c.Value, StringComparer.Ordinal)
        .Select(g => new Measurement<long>(g.Sum(c => c.Count), new KeyValuePair<string, object?>(attribute, g.Key)));

    private sealed class Registration(Instruments instruments, HostReadings readings) : IDisposable
    {
        public void Dispose() => instruments._hosts.TryRemove(readings, out _);
    }
}
