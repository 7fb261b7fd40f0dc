using System.Globalization;
using System.Numerics;

namespace ManagedActors.Objects;

/// <summary>Checked addition of boxed numbers for the atomic increments; the result keeps the stored value's type.</summary>
internal static class Numeric
{
    public static object Add(object? current, object? delta)
    {
        if (delta is null)
        {
            throw new ArgumentNullException(nameof(delta), "The increment must be a number.");
        }
        if (current is null)
        {
            return IsNumber(delta) ? delta : throw NotANumber(delta, nameof(delta));
        }
        var c = CultureInfo.InvariantCulture;
        return current switch
        {
            int i => checked(i + Convert.ToInt32(delta, c)),
            long l => checked(l + Convert.ToInt64(delta, c)),
            double d => d + Convert.ToDouble(delta, c),
            decimal m => m + Convert.ToDecimal(delta, c),
            float f => f + Convert.ToSingle(delta, c),
            short s => checked((short)(s + Convert.ToInt16(delta, c))),
            byte b => checked((byte)(b + Convert.ToByte(delta, c))),
            sbyte sb => checked((sbyte)(sb + Convert.ToSByte(delta, c))),
            ushort us => checked((ushort)(us + Convert.ToUInt16(delta, c))),
            uint ui => checked(ui + Convert.ToUInt32(delta, c)),
            ulong ul => checked(ul + Convert.ToUInt64(delta, c)),
            BigInteger bi => bi + (delta is BigInteger bd ? bd : new BigInteger(Convert.ToDecimal(delta, c))),
            _ => throw NotANumber(current, "current"),
        };
    }

    private static bool IsNumber(object value) =>
        value is int or long or double or decimal or float or short or byte or sbyte or ushort or uint or ulong or BigInteger;

    private static ArgumentException NotANumber(object value, string name) =>
        new($"Cannot increment a value of type {value.GetType().Name}; it is not a number.", name);
}
