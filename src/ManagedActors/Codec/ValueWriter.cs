using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ManagedActors.Codec;

/// <summary>
/// Writes values: the common types (primitives, strings, byte arrays, lists, arrays, dictionaries and sets of them,
/// tuples, enums, proxies) as themselves, the rest through <see cref="RecordCodec"/> behind their type name.
/// </summary>
/// <param name="allowList">The types this side trusts; a client adds the ones it writes, so their values can come back.</param>
/// <param name="trustWrittenTypes">Whether written types are added to <paramref name="allowList"/> (a client's codec).</param>
/// <param name="records">Writes the types the codec does not.</param>
/// <param name="shapes">What is known of each type, shared with the reader.</param>
/// <param name="maxDepth">The deepest nesting written (managed-actors.max-value-depth).</param>
internal sealed class ValueWriter(TypeAllowList allowList, bool trustWrittenTypes, RecordCodec records, ConcurrentDictionary<Type, TypeShape> shapes, int maxDepth)
{
    private readonly RecordCodec _records = records;
    private readonly int _maxDepth = maxDepth;
    private readonly ConcurrentDictionary<Type, TypeShape> _shapes = shapes;

    public void Write(WireWriter w, object? value, int depth) => Write(w, value, depth, records: null);

    /// <summary>
    /// Writes <paramref name="value"/>; <paramref name="records"/>, when a value written field by field encloses it, the
    /// records written so far inside the outermost one (<see cref="WriteOther"/>).
    /// </summary>
    private void Write(WireWriter w, object? value, int depth, RecordsWritten? records)
    {
        switch (value)
        {
            case null: w.WriteByte(ValueTags.Null); return;
            case bool b: w.WriteByte(b ? ValueTags.True : ValueTags.False); return;
            case int i: w.WriteByte(ValueTags.Int32); w.WriteVarInt(i); return;
            case long l: w.WriteByte(ValueTags.Int64); w.WriteVarInt(l); return;
            case string s: w.WriteByte(ValueTags.String); w.WriteString(s); return;
            case double d: w.WriteByte(ValueTags.Double); w.WriteDouble(d); return;
            case byte[] bytes: w.WriteByte(ValueTags.Bytes); w.WriteBytes(bytes); return;
            case IManagedProxy proxy: WriteReference(w, proxy.Reference); return;
            case ObjectReference reference: WriteReference(w, reference); return;
            case float f: w.WriteByte(ValueTags.Single); w.WriteSingle(f); return;
            case decimal m: w.WriteByte(ValueTags.Decimal); w.WriteDecimal(m); return;
            case Guid g: w.WriteByte(ValueTags.Guid); w.WriteGuid(g); return;
            case DateTime dt: w.WriteByte(ValueTags.DateTime); w.WriteInt64(dt.ToBinary()); return;
            case TimeSpan ts: w.WriteByte(ValueTags.TimeSpan); w.WriteVarInt(ts.Ticks); return;
            case char c: w.WriteByte(ValueTags.Char); w.WriteVarUInt(c); return;
            case byte u8: w.WriteByte(ValueTags.Byte); w.WriteByte(u8); return;
            case short i16: w.WriteByte(ValueTags.Int16); w.WriteVarInt(i16); return;
            case uint u32: w.WriteByte(ValueTags.UInt32); w.WriteVarUInt(u32); return;
            case ulong u64: w.WriteByte(ValueTags.UInt64); w.WriteVarUInt(u64); return;
            case ushort u16: w.WriteByte(ValueTags.UInt16); w.WriteVarUInt(u16); return;
            case sbyte i8: w.WriteByte(ValueTags.SByte); w.WriteVarInt(i8); return;
            case DateTimeOffset dto: w.WriteByte(ValueTags.DateTimeOffset); w.WriteVarInt(dto.Ticks); w.WriteVarInt((long)dto.Offset.TotalMinutes); return;
        }
        if (depth >= _maxDepth)
        {
            throw records is not null
                ? new NotWritableByFields()
                : new ManagedSerializationException(value.GetType(), $"it nests deeper than {_maxDepth} levels (managed-actors.max-value-depth)");
        }
        WriteComposite(w, value, value.GetType(), depth + 1, records);
    }

    private void WriteComposite(WireWriter w, object value, Type type, int depth, RecordsWritten? records)
    {
        var shape = _shapes.GetOrAdd(type, TypeShape.For);
        switch (shape.Kind)
        {
            case ShapeKind.List or ShapeKind.Array:
            {
                var list = (IList)value;
                w.WriteByte(shape.Kind == ShapeKind.List ? ValueTags.List : ValueTags.Array);
                WriteType(w, shape.Arguments[0]);
                w.WriteVarUInt((ulong)list.Count);
                for (var i = 0; i < list.Count; i++)
                {
                    Write(w, list[i], depth, records);
                }
                return;
            }
            case ShapeKind.Dictionary:
            {
                var dictionary = (IDictionary)value;
                w.WriteByte(ValueTags.Dictionary);
                WriteType(w, shape.Arguments[0]);
                WriteType(w, shape.Arguments[1]);
                w.WriteVarUInt((ulong)dictionary.Count);
                var e = dictionary.GetEnumerator();
                while (e.MoveNext())
                {
                    Write(w, e.Key, depth, records);
                    Write(w, e.Value, depth, records);
                }
                return;
            }
            case ShapeKind.Set or ShapeKind.Sequence:
            {
                var items = ((IEnumerable)value).Cast<object?>().ToList();
                w.WriteByte(shape.Kind == ShapeKind.Set ? ValueTags.Set : ValueTags.Array);
                WriteType(w, shape.Arguments[0]);
                w.WriteVarUInt((ulong)items.Count);
                foreach (var item in items)
                {
                    Write(w, item, depth, records);
                }
                return;
            }
            case ShapeKind.Pair or ShapeKind.Tuple:
            {
                var tuple = value as ITuple;
                w.WriteByte(shape.Kind == ShapeKind.Pair ? ValueTags.Pair : ValueTags.Tuple);
                if (shape.Kind == ShapeKind.Tuple)
                {
                    w.WriteByte((byte)shape.Arguments.Length);
                }
                foreach (var argument in shape.Arguments)
                {
                    WriteType(w, argument);
                }
                for (var i = 0; i < shape.Arguments.Length; i++)
                {
                    Write(w, shape.Kind == ShapeKind.Pair ? shape.PairItem(value, i) : tuple![i], depth, records);
                }
                return;
            }
            case ShapeKind.Enum:
                Trust(type);
                w.WriteByte(ValueTags.Enum);
                w.WriteString(TypeNames.Of(type));
                w.WriteVarInt(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                return;
            case ShapeKind.Refused:
                throw new ManagedSerializationException(type, shape.RefusalReason!);
            default:
                WriteOther(w, value, type, depth, records);
                return;
        }
    }

    /// <summary>
    /// A type the codec has no tag for: the application's own field by field (<see cref="RecordFields"/>), so stored values
    /// outlive changes to the type; the framework's through Hyperion. A graph the fields' encoding cannot carry (one record
    /// reached twice, a cycle among them, or nesting past the limit) has its outermost record written through Hyperion,
    /// which writes each object once and refers back to it.
    /// </summary>
    private void WriteOther(WireWriter w, object value, Type type, int depth, RecordsWritten? records)
    {
        Trust(type);
        if (RecordFields.For(type) is { } fields)
        {
            if (records is not null)
            {
                WriteFields(w, value, fields, depth, records);
                return;
            }
            var start = w.Length;
            try
            {
                WriteFields(w, value, fields, depth, new RecordsWritten());
                return;
            }
            catch (NotWritableByFields)
            {
                w.Truncate(start);
            }
        }
        w.WriteByte(ValueTags.Other);
        w.WriteString(TypeNames.Of(type));
        _records.Write(w, value, type, depth);
    }

    private void WriteFields(WireWriter w, object value, RecordFields fields, int depth, RecordsWritten records)
    {
        if (!fields.Type.IsValueType && !records.Add(value))
        {
            throw new NotWritableByFields();
        }
        w.WriteByte(ValueTags.Fields);
        w.WriteString(TypeNames.Of(fields.Type));
        var members = fields.Members;
        w.WriteVarUInt((ulong)members.Length);
        foreach (var member in members)
        {
            w.WriteUtf8(member.Utf8);
            Write(w, member.Get(value), depth, records);
        }
    }

    private void Trust(Type type)
    {
        if (trustWrittenTypes)
        {
            allowList.AllowType(type);
        }
    }

    private void WriteType(WireWriter w, Type type)
    {
        if (ValueTags.OfType.TryGetValue(type, out var tag))
        {
            w.WriteByte(tag);
            return;
        }
        if (typeof(IManagedObject).IsAssignableFrom(type))
        {
            // Proxy interfaces travel as references; the other side picks the interface from the reference.
            w.WriteByte(ValueTags.Object);
            return;
        }
        var shape = _shapes.GetOrAdd(type, TypeShape.For);
        switch (shape.Kind)
        {
            case ShapeKind.List: w.WriteByte(ValueTags.List); WriteType(w, shape.Arguments[0]); return;
            case ShapeKind.Array: w.WriteByte(ValueTags.Array); WriteType(w, shape.Arguments[0]); return;
            case ShapeKind.Set: w.WriteByte(ValueTags.Set); WriteType(w, shape.Arguments[0]); return;
            case ShapeKind.Dictionary: w.WriteByte(ValueTags.Dictionary); WriteType(w, shape.Arguments[0]); WriteType(w, shape.Arguments[1]); return;
            case ShapeKind.Pair: w.WriteByte(ValueTags.Pair); WriteType(w, shape.Arguments[0]); WriteType(w, shape.Arguments[1]); return;
            case ShapeKind.Nullable: w.WriteByte(ValueTags.Nullable); WriteType(w, shape.Arguments[0]); return;
            case ShapeKind.Tuple:
                w.WriteByte(ValueTags.Tuple);
                w.WriteByte((byte)shape.Arguments.Length);
                foreach (var argument in shape.Arguments)
                {
                    WriteType(w, argument);
                }
                return;
            case ShapeKind.Refused:
                throw new ManagedSerializationException(type, shape.RefusalReason!);
            default:
                Trust(type);
                w.WriteByte(ValueTags.Named);
                w.WriteString(TypeNames.Of(type));
                return;
        }
    }

    /// <summary>A reference with its object's incarnation (tag 41); one without (tag 40) is read as it was written before there was one.</summary>
    private static void WriteReference(WireWriter w, ObjectReference reference)
    {
        w.WriteByte(reference.ObjectIncarnation == Guid.Empty ? ValueTags.Reference : ValueTags.IdentifiedReference);
        w.WriteString(reference.ActorPath);
        w.WriteString(reference.ObjectId);
        w.WriteString(reference.Kind);
        w.WriteString(reference.InterfaceType);
        w.WriteGuid(reference.Incarnation);
        w.WriteString(reference.Name);
        if (reference.ObjectIncarnation != Guid.Empty)
        {
            w.WriteGuid(reference.ObjectIncarnation);
        }
    }
}

/// <summary>A graph of records the fields' encoding cannot carry: its outermost record is written through Hyperion instead.</summary>
internal sealed class NotWritableByFields : Exception;

/// <summary>
/// The records written so far inside one outermost record, by reference: one reached again (shared, or a cycle) sends
/// the graph through Hyperion, so no object is written twice and a graph of shared records never grows exponentially.
/// </summary>
internal sealed class RecordsWritten
{
    private object? _first;
    private HashSet<object>? _more;

    /// <summary>Whether <paramref name="record"/> was not written before (and counts it now).</summary>
    public bool Add(object record)
    {
        if (_first is null)
        {
            _first = record;
            return true;
        }
        if (ReferenceEquals(_first, record))
        {
            return false;
        }
        _more ??= new HashSet<object>(ReferenceEqualityComparer.Instance);
        return _more.Add(record);
    }
}
