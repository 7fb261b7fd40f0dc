using System.Collections;

namespace ManagedActors.Objects;

/// <summary>The argument of an extend, an update or a set operation as a sequence of items, as Python iterates it.</summary>
internal static class Sequences
{
    /// <summary>The items of <paramref name="items"/>; a string is one value, not a sequence of characters.</summary>
    public static IEnumerable<object?> Of(object? items) => items switch
    {
        null => throw new ArgumentNullException(nameof(items)),
        IEnumerable sequence and not string => sequence.Cast<object?>(),
        _ => throw new ArgumentException($"Expected a sequence of items, got {items.GetType().Name}.", nameof(items)),
    };
}
