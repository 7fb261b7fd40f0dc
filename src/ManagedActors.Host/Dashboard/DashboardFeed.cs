using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace ManagedActors.Host.Dashboard;

/// <summary>
/// What the dashboard's pages receive, one snapshot a second: the host's status (with previews of the objects' values)
/// and its calls from its own instruments. It runs only while at least one page watches; the last one to leave stops
/// it, and with it the listening to the instruments. Pages are let go when the host stops (<paramref name="stopping"/>),
/// so that a stream left open does not hold the stop up.
/// </summary>
internal sealed class DashboardFeed(Manager manager, TimeSpan every, CancellationToken stopping = default) : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<Channel<string>> _pages = [];
    private CancellationTokenSource? _running;
    private Task _loop = Task.CompletedTask;
    private long _sequence;

    /// <summary>Whether a loop runs now (someone watches).</summary>
    public bool Running
    {
        get
        {
            lock (_gate)
            {
                return _running is not null;
            }
        }
    }

    /// <summary>The snapshots for one page, as JSON, from the next one on, until the page leaves.</summary>
    public async IAsyncEnumerable<string> WatchAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A page that reads slowly gets the latest snapshots, not a growing backlog.
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(2) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            _pages.Add(channel);
            if (_running is null)
            {
                _running = new CancellationTokenSource();
                _loop = RunAsync(_running.Token);
            }
        }
        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        try
        {
            while (true)
            {
                try
                {
                    if (!await channel.Reader.WaitToReadAsync(leaving.Token).ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (OperationCanceledException)
                {
                    // The page left, or the host stops: the stream ends quietly.
                    yield break;
                }
                while (channel.Reader.TryRead(out var snapshot))
                {
                    yield return snapshot;
                }
            }
        }
        finally
        {
            CancellationTokenSource? stop = null;
            lock (_gate)
            {
                _pages.Remove(channel);
                if (_pages.Count == 0)
                {
                    (stop, _running) = (_running, null);
                }
            }
            if (stop is not null)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                stop.Dispose();
            }
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        using var calls = new CallStats();
        var rates = new StatusWatch(every);
        var last = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            string json;
            try
            {
                var status = await manager.StatusAsync(previews: true, stop).ConfigureAwait(false);
                rates.Update(status, DateTimeOffset.UtcNow);
                var window = calls.Take(Stopwatch.GetElapsedTime(last));
                last = Stopwatch.GetTimestamp();
                json = JsonSerializer.Serialize(DashboardSnapshot.Of(Interlocked.Increment(ref _sequence), rates, window), CliJson.Options);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ManagedActorsException e)
            {
                json = JsonSerializer.Serialize(new { sequence = Interlocked.Increment(ref _sequence), error = e.Message }, CliJson.Options);
            }
            lock (_gate)
            {
                foreach (var page in _pages)
                {
                    page.Writer.TryWrite(json);
                }
            }
            try
            {
                await Task.Delay(every, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        CancellationTokenSource? stop;
        lock (_gate)
        {
            (stop, _running) = (_running, null);
        }
        if (stop is not null)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
            stop.Dispose();
        }
    }
}
