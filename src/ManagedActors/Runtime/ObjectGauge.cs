using ManagedActors.Objects;
using ManagedActors.Telemetry;

namespace ManagedActors.Runtime;

/// <summary>
/// An object's size and waiters as its runner last saw them, and how often its actor restarted, for status reports:
/// the directory reads these, never the object's own collections, which only the object's actor may touch.
/// </summary>
/// <param name="durability">What the object's state survives.</param>
/// <param name="kind">The object's kind, which names its calls in metrics and spans.</param>
/// <param name="instruments">Where its restarts are counted.</param>
internal sealed class ObjectGauge(Durability durability = Durability.None, string kind = "", Instruments? instruments = null)
{
    private int _size;
    private int _waiters;
    private int _starts;
    private long _calls;
    private object? _holding;

    public Durability Durability => durability;

    public string Kind => kind;

    /// <summary>How many times the object's actor started again (a fatal exception, a failure inside it, a failed journal write).</summary>
    public int Restarts => Math.Max(0, Volatile.Read(ref _starts) - 1);

    /// <summary>An actor of the object started (its first, or one that replaces it).</summary>
    public void Started()
    {
        if (Interlocked.Increment(ref _starts) > 1 && instruments is { ObjectRestarts.Enabled: true })
        {
            instruments.ObjectRestarts.Add(1, new KeyValuePair<string, object?>(Attributes.Kind, kind));
        }
    }

    public int Size => Volatile.Read(ref _size);

    public int Waiters => Volatile.Read(ref _waiters);

    /// <summary>The calls the object received since it was created (its rate is what status views show).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>The session that holds the object (a lock's holder); null when none does.</summary>
    public Guid? HoldingSession => Volatile.Read(ref _holding) as Guid?;

    /// <summary>Called on the thread that runs the object, after it handled a message (<paramref name="calls"/> of them calls).</summary>
    public void Update(ManagedObject target, int calls = 0)
    {
        Volatile.Write(ref _size, target.Size);
        Volatile.Write(ref _waiters, target.Waiters);
        if (calls > 0)
        {
            Interlocked.Add(ref _calls, calls);
        }
        var holding = target.HoldingSession;
        if (holding != HoldingSession)
        {
            // Boxed only when the holder changes: a lock taken and released by turns, not every call.
            Volatile.Write(ref _holding, holding);
        }
    }
}
