using System.Diagnostics;
using System.Globalization;

namespace ManagedActors.LoadDriver;

/// <summary>
/// The measurement window of a throughput client. Every client runs its load from the moment it is connected; once it
/// has been under load for <see cref="WarmSeconds"/> and the JIT has compiled nothing for a second (tiered compilation
/// and dynamic PGO recompile hot methods for several seconds after start), it prints <c>READY</c> and waits for the orchestrator's
/// <c>GO unix-ms</c> on its standard input, which the orchestrator sends when every client of the run is ready. So
/// the window opens only when all clients are started, compiled by the JIT's second tier and under load: on a 2-core
/// machine, eight .NET processes take several seconds of CPU to start, which a fixed start time would measure.
/// </summary>
internal sealed class Window
{
    /// <summary>How long a client runs its load before it calls itself ready.</summary>
    public const double WarmSeconds = 2;

    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly double seconds;
    private long opens = long.MaxValue;
    private long closes = long.MaxValue;
    private long openedUnixMs;

    private Window(double seconds) => this.seconds = seconds;

    /// <summary>Opens the window at the orchestrator's word and returns at once; the load loops read it.</summary>
    public static Window Start(double seconds)
    {
        var window = new Window(seconds);
        _ = Task.Run(window.AwaitGoAsync);
        return window;
    }

    /// <summary>Ticks of this window's clock.</summary>
    public long Now => clock.Elapsed.Ticks;

    /// <summary>Whether the orchestrator has fixed the window (it may open a moment later).</summary>
    public bool Opened => Volatile.Read(ref closes) != long.MaxValue;

    /// <summary>Whether an operation that started at <paramref name="ticks"/> counts.</summary>
    public bool Counts(long ticks) => ticks >= Volatile.Read(ref opens);

    /// <summary>Whether the loops go on at <paramref name="ticks"/>.</summary>
    public bool Running(long ticks) => ticks < Volatile.Read(ref closes);

    /// <summary>"operations start-unix-ms end-unix-ms" for the orchestrator.</summary>
    public string Result(long done)
    {
        var end = openedUnixMs + (long)(seconds * 1000);
        return string.Create(CultureInfo.InvariantCulture, $"{done} {openedUnixMs} {end}");
    }

    /// <summary>Runs <paramref name="inFlight"/> loops of <paramref name="op"/> until the window closes; the operations counted in it.</summary>
    public async Task<string> MeasureAsync(int inFlight, Func<int, Task<int>> op)
    {
        long done = 0;
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async loop =>
        {
            var i = loop;
            long now;
            while (Running(now = Now))
            {
                var n = await op(i);
                i += inFlight;
                if (Counts(now))
                {
                    Interlocked.Add(ref done, n);
                }
            }
        }));
        return Result(done);
    }

    private async Task AwaitGoAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(WarmSeconds));
        for (var compiled = -1L; compiled != System.Runtime.JitInfo.GetCompiledMethodCount();)
        {
            compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        Console.WriteLine("READY");
        var line = await Console.In.ReadLineAsync() ?? throw new InvalidOperationException("The orchestrator closed standard input before GO.");
        openedUnixMs = long.Parse(line["GO ".Length..], CultureInfo.InvariantCulture);
        var from = DateTimeOffset.FromUnixTimeMilliseconds(openedUnixMs) - DateTimeOffset.UtcNow;
        var open = Now + from.Ticks;
        Volatile.Write(ref opens, open);
        Volatile.Write(ref closes, open + TimeSpan.FromSeconds(seconds).Ticks);
    }
}
