using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedActors.Tests.Support;

/// <summary>One measurement of a <c>ManagedActors</c> instrument, with its attributes.</summary>
public sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

/// <summary>
/// Listens to the <c>ManagedActors</c> meter of a meter factory of its own (as the generic host's), so the hosts and
/// clients a test builds with <see cref="Factory"/> are measured and those of tests running beside it are not.
/// </summary>
public sealed class MeterCapture : IDisposable
{
    // No field of a Microsoft.Extensions type: the standalone host loads this assembly's types without those assemblies.
    private readonly Action _disposeServices;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measured> _measured = new();

    public MeterCapture()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _disposeServices = services.Dispose;
        Factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ManagedActorsInstrumentation.MeterName && ReferenceEquals(instrument.Meter.Scope, Factory))
            {
                Published[instrument.Name] = instrument;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Add(i, value, tags));
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Add(i, value, tags));
        _listener.Start();
    }

    public IMeterFactory Factory { get; }

    /// <summary>The instruments the meter published, by name.</summary>
    public ConcurrentDictionary<string, Instrument> Published { get; } = new();

    /// <summary>Every measurement so far of <paramref name="instrument"/>.</summary>
    public IReadOnlyList<Measured> Of(string instrument) => _measured.Where(m => m.Instrument == instrument).ToList();

    /// <summary>Every measurement so far.</summary>
    public IReadOnlyList<Measured> All => [.. _measured];

    /// <summary>Reads the observed instruments now; their measurements are returned, and kept with the rest.</summary>
    public IReadOnlyList<Measured> Observe(string instrument)
    {
        var before = _measured.Count;
        _listener.RecordObservableInstruments();
        return _measured.Skip(before).Where(m => m.Instrument == instrument).ToList();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }
        _measured.Enqueue(new Measured(instrument.Name, value, copy));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _disposeServices();
    }
}

/// <summary>
/// Samples the <c>ManagedActors</c> spans of one trace, the test's own (<see cref="Begin"/>), and keeps them as they end:
/// spans of other tests' traces are not sampled at all.
/// </summary>
public sealed class SpanCapture : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _ended = new();

    public SpanCapture()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ManagedActorsInstrumentation.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.TraceId == TraceId ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == TraceId)
                {
                    _ended.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ActivityTraceId TraceId { get; } = ActivityTraceId.CreateRandom();

    /// <summary>The spans of the test's trace that ended so far.</summary>
    public IReadOnlyList<Activity> Ended => [.. _ended];

    /// <summary>
    /// Starts the test's own activity in its trace (not one of the library's: a plain activity, as a caller's
    /// framework would have), the ambient one of the code after it until disposed.
    /// </summary>
    public Activity Begin(string name = "test") =>
        new Activity(name).SetParentId(TraceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start();

    public void Dispose() => _listener.Dispose();
}
