namespace ManagedActors.Objects;

/// <summary>Python's index and slice arithmetic, shared by lists and arrays.</summary>
internal static class PythonIndexing
{
    /// <summary>Resolves a possibly negative index; out of range is Python's IndexError.</summary>
    public static int Index(int index, int count, string what = "list")
    {
        var resolved = index < 0 ? index + count : index;
        if (resolved < 0 || resolved >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{what} index out of range (length {count})");
        }
        return resolved;
    }

    /// <summary>The indexes a slice selects, in order, as Python's <c>slice.indices</c> works them out.</summary>
    public static List<int> Slice(int? start, int? stop, int? step, int count)
    {
        var s = step ?? 1;
        if (s == 0)
        {
            throw new ArgumentException("slice step cannot be zero", nameof(step));
        }
        int lo, hi;
        if (s > 0)
        {
            lo = Clamp(start ?? 0, count, 0, count);
            hi = Clamp(stop ?? count, count, 0, count);
        }
        else
        {
            lo = Clamp(start ?? count - 1, count, -1, count - 1);
            hi = stop is null ? -1 : Clamp(stop.Value, count, -1, count - 1);
        }
        var indexes = new List<int>();
        if (s > 0)
        {
            for (var i = lo; i < hi; i += s)
            {
                indexes.Add(i);
            }
        }
        else
        {
            for (var i = lo; i > hi; i += s)
            {
                indexes.Add(i);
            }
        }
        return indexes;
    }

    private static int Clamp(int value, int count, int low, int high)
    {
        if (value < 0)
        {
            value += count;
        }
        return value < low ? low : value > high ? high : value;
    }
}
