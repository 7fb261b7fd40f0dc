using System.Diagnostics.Metrics;

namespace ManagedActors.Host.Dashboard;

/// <summary>
/// The host's calls over the last interval, read from its own <c>rpc.server.call.duration</c> instrument with a
/// <see cref="MeterListener"/>: counts, errors and latency percentiles, in all and per method. It listens only while it
/// exists (while someone watches the dashboard), and keeps a bounded sample of durations per method.
/// </summary>
internal sealed class CallStats : IDisposable
{
    /// <summary>Durations kept per method and interval for the percentiles; past it, a reservoir sample.</summary>
    private const int Samples = 2048;

    /// <summary>The dashboard's own reads, left out so that watching does not show as load.</summary>
    private const string OwnMethod = "directory/StatusWithPreviews";

    private readonly MeterListener _listener = new();
    private readonly object _gate = new();
    private Dictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public CallStats()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ManagedActorsInstrumentation.MeterName && instrument.Name == "rpc.server.call.duration")
            {
                listener.EnableMeasurementEvents(instrument, this);
            }
        };
        _listener.SetMeasurementEventCallback<double>(static (_, seconds, tags, state) => ((CallStats)state!).Record(seconds, tags));
        _listener.Start();
    }

    private void Record(double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? method = null;
        var failed = false;
        foreach (var tag in tags)
        {
            if (tag.Key == "rpc.method")
            {
                method = tag.Value as string;
            }
            else if (tag.Key == "error.type")
            {
                failed = true;
            }
        }
        if (method is null || method == OwnMethod)
        {
            return;
        }
        lock (_gate)
        {
            if (!_windows.TryGetValue(method, out var window))
            {
                _windows[method] = window = new Window();
            }
            window.Add(seconds, failed);
        }
    }

    /// <summary>The calls since the last take, over <paramref name="elapsed"/>; the next window starts empty.</summary>
    public CallWindow Take(TimeSpan elapsed)
    {
        Dictionary<string, Window> windows;
        lock (_gate)
        {
            (windows, _windows) = (_windows, new Dictionary<string, Window>(StringComparer.Ordinal));
        }
        var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        var all = windows.Values.SelectMany(w => w.Durations).ToArray();
        var methods = windows
            .Select(w => new MethodCalls(w.Key, w.Value.Count / seconds, w.Value.Errors / seconds, Percentile(w.Value.Durations, 0.5), Percentile(w.Value.Durations, 0.99)))
            .OrderByDescending(m => m.CallsPerSecond)
            .ToList();
        // A kind's latency: all its methods' calls together (attributes never name an object, so this is an object's too).
        var kinds = windows
            .GroupBy(w => w.Key[..Math.Max(0, w.Key.IndexOf('/', StringComparison.Ordinal))], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Percentile(g.SelectMany(w => w.Value.Durations), 0.5), StringComparer.Ordinal);
        return new CallWindow(
            windows.Values.Sum(w => w.Count) / seconds, windows.Values.Sum(w => w.Errors) / seconds, Percentile(all, 0.5), Percentile(all, 0.99), methods, kinds);
    }

    /// <summary>The <paramref name="q"/> quantile of durations in seconds, in microseconds; null without any.</summary>
    private static double? Percentile(IEnumerable<double> durations, double q)
    {
        var sorted = durations.Order().ToArray();
        return sorted.Length == 0 ? null : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))] * 1e6, 1);
    }

    public void Dispose() => _listener.Dispose();

    private sealed class Window
    {
        private readonly List<double> _durations = [];

        public long Count { get; private set; }

        public long Errors { get; private set; }

        public IReadOnlyList<double> Durations => _durations;

        public void Add(double seconds, bool failed)
        {
            Count++;
            Errors += failed ? 1 : 0;
            if (_durations.Count < Samples)
            {
                _durations.Add(seconds);
            }
            else if (Random.Shared.NextInt64(Count) < Samples)
            {
                _durations[Random.Shared.Next(Samples)] = seconds;
            }
        }
    }
}

/// <summary>The host's calls over one interval: per second, and the latency percentiles in microseconds.</summary>
internal sealed record CallWindow(
    double CallsPerSecond, double ErrorsPerSecond, double? P50Us, double? P99Us, IReadOnlyList<MethodCalls> Methods, IReadOnlyDictionary<string, double?> KindP50Us);

/// <summary>One method's calls over one interval (<c>{kind}/{Method}</c>).</summary>
internal sealed record MethodCalls(string Method, double CallsPerSecond, double ErrorsPerSecond, double? P50Us, double? P99Us);
