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
    private string? _preview;
    private int _previewWanted;

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

    /// <summary>The start of the object's value (its first items or keys) as a line of text, as of the last <see cref="WantPreview"/>.</summary>
    public string? Preview => Volatile.Read(ref _preview);

    /// <summary>Asks for a new <see cref="Preview"/>: taken on the object's thread after the next message it handles.</summary>
    public void WantPreview() => Volatile.Write(ref _previewWanted, 1);

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
        if (Volatile.Read(ref _previewWanted) != 0 && Interlocked.Exchange(ref _previewWanted, 0) != 0)
        {
            Volatile.Write(ref _preview, ValuePreview.Of(target.StoredState));
        }
    }
}

/// <summary>A short line of text that shows the start of a stored value: a collection's first items, a map's first entries.</summary>
internal static class ValuePreview
{
    private const int Items = 5, ItemLength = 40, LineLength = 240;

    public static string? Of(object? state) => state switch
    {
        null => null,
        string text => Text(text),
        System.Collections.IDictionary map => Join("{", map.Count, Entries(map), "}"),
        System.Collections.IEnumerable items => Join("[", Count(items), items.Cast<object?>().Take(Items).Select(Item), "]"),
        _ => Item(state),
    };

    private static IEnumerable<string> Entries(System.Collections.IDictionary map)
    {
        foreach (System.Collections.DictionaryEntry entry in map)
        {
            yield return Item(entry.Key) + ": " + Item(entry.Value);
        }
    }

    private static string Join(string open, int count, IEnumerable<string> items, string close)
    {
        var shown = items.Take(Items).ToList();
        var line = open + string.Join(", ", shown) + (count > shown.Count ? $", … {count - shown.Count} more" : "") + close;
        return line.Length <= LineLength ? line : line[..(LineLength - 1)] + "…";
    }

    private static int Count(System.Collections.IEnumerable items) => items is System.Collections.ICollection c ? c.Count : items.Cast<object?>().Take(10_000).Count();

    private static string Item(object? value) => value switch
    {
        null => "null",
        string text => Text(text),
        ObjectReference reference => $"<{reference.Kind} {reference.Name ?? reference.ObjectId}>",
        IFormattable formattable => Cut(formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture)),
        _ => Cut(value.ToString() ?? value.GetType().Name),
    };

    private static string Text(string text) => "\"" + Cut(text) + "\"";

    private static string Cut(string text) => text.Length <= ItemLength ? text : text[..(ItemLength - 1)] + "…";
}
