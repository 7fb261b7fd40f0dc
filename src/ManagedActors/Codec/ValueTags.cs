namespace ManagedActors.Codec;

/// <summary>
/// The tags of the value encoding: one byte before each value (and each type, where a collection names its element
/// type), so a reader knows what follows before it reads it.
/// </summary>
internal static class ValueTags
{
    public const byte Null = 0, False = 1, True = 2, Int32 = 3, Int64 = 4, Double = 5, String = 6, Bytes = 7, Single = 8,
        Decimal = 9, Guid = 10, DateTime = 11, TimeSpan = 12, Char = 13, Byte = 14, Int16 = 15, UInt32 = 16, UInt64 = 17,
        UInt16 = 18, SByte = 19, DateTimeOffset = 20, List = 30, Array = 31, Dictionary = 32, Set = 33, Pair = 34, Tuple = 35,
        Enum = 36, Nullable = 37, Reference = 40, IdentifiedReference = 41, Other = 50, Bool = 51, Object = 52, Fields = 53, Named = 60;

    /// <summary>The tag that names each type written as itself (as a collection's element type).</summary>
    public static readonly Dictionary<Type, byte> OfType = new()
    {
        [typeof(bool)] = Bool, [typeof(int)] = Int32, [typeof(long)] = Int64, [typeof(double)] = Double,
        [typeof(string)] = String, [typeof(float)] = Single, [typeof(decimal)] = Decimal,
        [typeof(System.Guid)] = Guid, [typeof(System.DateTime)] = DateTime, [typeof(System.TimeSpan)] = TimeSpan,
        [typeof(char)] = Char, [typeof(byte)] = Byte, [typeof(short)] = Int16, [typeof(uint)] = UInt32,
        [typeof(ulong)] = UInt64, [typeof(ushort)] = UInt16, [typeof(sbyte)] = SByte,
        [typeof(System.DateTimeOffset)] = DateTimeOffset, [typeof(object)] = Object,
        [typeof(ObjectReference)] = Reference,
    };

    /// <summary>The type each of those tags names.</summary>
    public static readonly Dictionary<byte, Type> TypeOf = OfType.ToDictionary(p => p.Value, p => p.Key);
}
