using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace ManagedActors.Codec;

/// <summary>
/// Writes encoded values as JSON without loading a type: the encoding names every value's kind before it, so lists,
/// dictionaries, tuples and the application's records (written field by field, under their fields' names) read as
/// JSON whatever code wrote them. A record written through Hyperion shows its type and its bytes; a value that is
/// malformed shows as far as it reads, then <c>{"$unreadable": why}</c>. Nesting is bounded as the codec's is.
/// </summary>
internal static class ValueJson
{
    private const int MaxDepth = 64;

    /// <summary>Writes the argument list <paramref name="bytes"/> holds (a count, then each value) as a JSON array.</summary>
    public static void WriteAll(Utf8JsonWriter json, byte[] bytes)
    {
        json.WriteStartArray();
        var r = new WireReader(bytes);
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            var count = r.ReadCount();
            for (var i = 0; i < count; i++)
            {
                // Each value apart, so one that stops half-way leaves the rest of the JSON whole.
                buffer.ResetWrittenCount();
                using (var value = new Utf8JsonWriter(buffer))
                {
                    WriteValue(value, ref r, 0);
                }
                json.WriteRawValue(buffer.WrittenSpan, skipInputValidation: true);
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or OverflowException)
        {
            Unreadable(json, e.Message);
        }
        json.WriteEndArray();
    }

    private static void Unreadable(Utf8JsonWriter json, string why)
    {
        json.WriteStartObject();
        json.WriteString("$unreadable", why);
        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, ref WireReader r, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"The value nests deeper than {MaxDepth} levels.");
        }
        var tag = r.ReadByte();
        switch (tag)
        {
            case ValueTags.Null: json.WriteNullValue(); return;
            case ValueTags.False or ValueTags.True: json.WriteBooleanValue(tag == ValueTags.True); return;
            case ValueTags.Int32 or ValueTags.Int64 or ValueTags.Int16 or ValueTags.SByte: json.WriteNumberValue(r.ReadVarInt()); return;
            case ValueTags.UInt32 or ValueTags.UInt64 or ValueTags.UInt16: json.WriteNumberValue(r.ReadVarUInt()); return;
            case ValueTags.Byte: json.WriteNumberValue(r.ReadByte()); return;
            case ValueTags.Double: Number(json, r.ReadDouble()); return;
            case ValueTags.Single: Number(json, r.ReadSingle()); return;
            case ValueTags.Decimal: json.WriteNumberValue(r.ReadDecimal()); return;
            case ValueTags.String: json.WriteStringValue(r.ReadString()); return;
            case ValueTags.Char: json.WriteStringValue(((char)r.ReadVarUInt()).ToString()); return;
            case ValueTags.Bytes: json.WriteBase64StringValue(r.ReadBytes()); return;
            case ValueTags.Guid: json.WriteStringValue(r.ReadGuid()); return;
            case ValueTags.DateTime: json.WriteStringValue(DateTime.FromBinary(r.ReadInt64())); return;
            case ValueTags.TimeSpan: json.WriteStringValue(new TimeSpan(r.ReadVarInt()).ToString("c", CultureInfo.InvariantCulture)); return;
            case ValueTags.DateTimeOffset:
            {
                var ticks = r.ReadVarInt();
                json.WriteStringValue(new DateTimeOffset(ticks, TimeSpan.FromMinutes(r.ReadVarInt())));
                return;
            }
            case ValueTags.Reference or ValueTags.IdentifiedReference:
            {
                json.WriteStartObject();
                json.WritePropertyName("$ref");
                json.WriteStartObject();
                json.WriteString("path", r.ReadString());
                json.WriteString("id", r.ReadString());
                json.WriteString("kind", r.ReadString());
                json.WriteString("interface", r.ReadString());
                json.WriteString("incarnation", r.ReadGuid());
                json.WriteString("name", r.ReadString());
                if (tag == ValueTags.IdentifiedReference)
                {
                    json.WriteString("object", r.ReadGuid());
                }
                json.WriteEndObject();
                json.WriteEndObject();
                return;
            }
            case ValueTags.List or ValueTags.Array or ValueTags.Set:
            {
                SkipType(ref r, depth + 1);
                var count = r.ReadCount();
                json.WriteStartArray();
                for (var i = 0; i < count; i++)
                {
                    WriteValue(json, ref r, depth + 1);
                }
                json.WriteEndArray();
                return;
            }
            case ValueTags.Dictionary:
                WriteDictionary(json, ref r, depth + 1);
                return;
            case ValueTags.Pair or ValueTags.Tuple:
            {
                var arity = tag == ValueTags.Pair ? 2 : r.ReadByte();
                for (var i = 0; i < arity; i++)
                {
                    SkipType(ref r, depth + 1);
                }
                json.WriteStartArray();
                for (var i = 0; i < arity; i++)
                {
                    WriteValue(json, ref r, depth + 1);
                }
                json.WriteEndArray();
                return;
            }
            case ValueTags.Enum:
                json.WriteStartObject();
                json.WriteString("$enum", r.ReadString());
                json.WriteNumber("value", r.ReadVarInt());
                json.WriteEndObject();
                return;
            case ValueTags.Fields:
            {
                json.WriteStartObject();
                json.WriteString("$type", r.ReadString());
                var count = r.ReadCount();
                for (var i = 0; i < count; i++)
                {
                    json.WritePropertyName(r.ReadUtf8());
                    WriteValue(json, ref r, depth + 1);
                }
                json.WriteEndObject();
                return;
            }
            case ValueTags.Other:
                json.WriteStartObject();
                json.WriteString("$type", r.ReadString());
                json.WriteBase64String("$hyperion", r.ReadBytes());
                json.WriteEndObject();
                return;
            default:
                throw new FormatException($"Unknown value tag {tag}.");
        }
    }

    /// <summary>A dictionary whose keys are all strings (whatever its key type) as a JSON object; any other as an array of [key, value] pairs.</summary>
    private static void WriteDictionary(Utf8JsonWriter json, ref WireReader r, int depth)
    {
        SkipType(ref r, depth);
        SkipType(ref r, depth);
        var count = r.ReadCount();
        var entries = new List<(string? Key, byte[]? RawKey, byte[] Value)>();
        for (var i = 0; i < count; i++)
        {
            var peek = r;
            if (peek.ReadByte() == ValueTags.String)
            {
                r.ReadByte();
                var key = r.ReadString() ?? "";
                entries.Add((key, null, Raw(ref r, depth)));
            }
            else
            {
                var rawKey = Raw(ref r, depth);
                entries.Add((null, rawKey, Raw(ref r, depth)));
            }
        }
        if (entries.TrueForAll(e => e.Key is not null))
        {
            json.WriteStartObject();
            foreach (var (key, _, value) in entries)
            {
                json.WritePropertyName(key!);
                json.WriteRawValue(value, skipInputValidation: true);
            }
            json.WriteEndObject();
            return;
        }
        json.WriteStartArray();
        foreach (var (key, rawKey, value) in entries)
        {
            json.WriteStartArray();
            if (key is not null)
            {
                json.WriteStringValue(key);
            }
            else
            {
                json.WriteRawValue(rawKey!, skipInputValidation: true);
            }
            json.WriteRawValue(value, skipInputValidation: true);
            json.WriteEndArray();
        }
        json.WriteEndArray();
    }

    /// <summary>The next value as JSON of its own.</summary>
    private static byte[] Raw(ref WireReader r, int depth)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteValue(json, ref r, depth);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Number(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Reads past a type descriptor (a collection's element type) without loading it.</summary>
    private static void SkipType(ref WireReader r, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"The value nests deeper than {MaxDepth} levels.");
        }
        SkipTypeAfter(r.ReadByte(), ref r, depth);
    }

    /// <summary>Reads past the rest of a type descriptor whose tag was <paramref name="tag"/>.</summary>
    private static void SkipTypeAfter(byte tag, ref WireReader r, int depth)
    {
        if (ValueTags.TypeOf.ContainsKey(tag))
        {
            return;
        }
        switch (tag)
        {
            case ValueTags.List or ValueTags.Array or ValueTags.Set or ValueTags.Nullable:
                SkipType(ref r, depth + 1);
                return;
            case ValueTags.Dictionary or ValueTags.Pair:
                SkipType(ref r, depth + 1);
                SkipType(ref r, depth + 1);
                return;
            case ValueTags.Tuple:
                var arity = r.ReadByte();
                for (var i = 0; i < arity; i++)
                {
                    SkipType(ref r, depth + 1);
                }
                return;
            case ValueTags.Named:
                r.ReadString();
                return;
            default:
                throw new FormatException($"Unknown type tag {tag}.");
        }
    }
}
