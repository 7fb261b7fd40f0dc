using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace ManagedActors.Codec;

/// <summary>
/// What a value being read may take in memory, charged as the reader makes its parts: an array at its claimed length
/// before it is allocated, each collection's slots, each boxed item, each string and byte array. A count is bounded by
/// the bytes left, but an item of one byte can become a hundred (a tuple of decimals); the budget bounds what a message
/// becomes, not what its bytes say.
/// </summary>
/// <param name="limit">The most a value (or one call's arguments) may take, in bytes (<c>managed-actors.max-decoded-size</c>).</param>
internal struct DecodeBudget(long limit)
{
    private static readonly ConcurrentDictionary<Type, int> Sizes = new();
    private long _spent;

    /// <summary>Charges <paramref name="bytes"/>.</summary>
    /// <exception cref="ValueTooLargeException">The value would take more than the limit.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Charge(long bytes)
    {
        _spent += bytes;
        if (_spent > limit)
        {
            Refuse(_spent, limit);
        }
    }

    /// <summary>Charges <paramref name="count"/> slots of <paramref name="size"/> bytes and a header.</summary>
    public void Charge(long count, int size) => Charge(32 + (count * size));

    /// <summary>The bytes one element of <paramref name="type"/> takes in an array or a collection's slots.</summary>
    public static int SlotOf(Type type) => type.IsValueType ? SizeOf(type) : IntPtr.Size;

    /// <summary>
    /// What an item adds beyond a slot that holds references: a value type there is boxed. The common scalars are
    /// answered by their type test alone; the size of any other value type is measured once and kept.
    /// </summary>
    public static int BoxOf(object? item) => item switch
    {
        null or string => 0,
        int or long or double or bool or float or short or byte or char or uint or ulong or DateTime or TimeSpan => 24,
        decimal or Guid or DateTimeOffset => 32,
        _ => item.GetType() is { IsValueType: true } type ? Math.Max(24, SizeOf(type) + 16) : 0,
    };

    [DoesNotReturn]
    private static void Refuse(long spent, long limit) => throw new ValueTooLargeException(spent, limit);

    private static int SizeOf(Type type) => Sizes.GetOrAdd(type, static t =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(t).Invoke(null, null)!);
}
