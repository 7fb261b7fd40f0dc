using System.Collections;
using System.Runtime.CompilerServices;

namespace ManagedActors.Protocol;

/// <summary>Writing values: the common types directly, the rest through Hyperion behind their type name.</summary>
internal sealed partial class ValueCodec
{

    public byte[] Encode(object? value)
    {
        using var writer = new WireWriter();
        Write(writer, value);
        return writer.ToArray();
    }

    public void Write(WireWriter w, object? value) => Write(w, value, 0);

    /// <summary>An argument list: its count, then each value (a worker's target arguments, a journaled object's creation).</summary>
    public byte[] EncodeAll(IReadOnlyList<object?> values)
    {
        using var writer = new WireWriter();
        writer.WriteVarUInt((ulong)values.Count);
        foreach (var value in values)
        {
            Write(writer, value);
        }
        return writer.ToArray();
    }

    private void Write(WireWriter w, object? value, int depth)
    {
        switch (value)
        {
            case null: w.WriteByte(TagNull); return;
            case bool b: w.WriteByte(b ? TagTrue : TagFalse); return;
            case int i: w.WriteByte(TagInt32); w.WriteVarInt(i); return;
            case long l: w.WriteByte(TagInt64); w.WriteVarInt(l); return;
            case string s: w.WriteByte(TagString); w.WriteString(s); return;
            case double d: w.WriteByte(TagDouble); w.WriteDouble(d); return;
            case byte[] bytes: w.WriteByte(TagBytes); w.WriteBytes(bytes); return;
            case IManagedProxy proxy: w.WriteByte(TagReference); WriteReference(w, proxy.Reference); return;
            case ObjectReference reference: w.WriteByte(TagReference); WriteReference(w, reference); return;
            case float f: w.WriteByte(TagSingle); w.WriteSingle(f); return;
            case decimal m: w.WriteByte(TagDecimal); w.WriteDecimal(m); return;
            case Guid g: w.WriteByte(TagGuid); w.WriteGuid(g); return;
            case DateTime dt: w.WriteByte(TagDateTime); w.WriteInt64(dt.ToBinary()); return;
            case TimeSpan ts: w.WriteByte(TagTimeSpan); w.WriteVarInt(ts.Ticks); return;
            case char c: w.WriteByte(TagChar); w.WriteVarUInt(c); return;
            case byte u8: w.WriteByte(TagByte); w.WriteByte(u8); return;
            case short i16: w.WriteByte(TagInt16); w.WriteVarInt(i16); return;
            case uint u32: w.WriteByte(TagUInt32); w.WriteVarUInt(u32); return;
            case ulong u64: w.WriteByte(TagUInt64); w.WriteVarUInt(u64); return;
            case ushort u16: w.WriteByte(TagUInt16); w.WriteVarUInt(u16); return;
            case sbyte i8: w.WriteByte(TagSByte); w.WriteVarInt(i8); return;
            case DateTimeOffset dto: w.WriteByte(TagDateTimeOffset); w.WriteVarInt(dto.Ticks); w.WriteVarInt((long)dto.Offset.TotalMinutes); return;
        }
        if (depth >= _maxDepth)
        {
            throw new ManagedSerializationException(value.GetType(), $"it nests deeper than {_maxDepth} levels (managed-actors.max-value-depth)");
        }
        WriteComposite(w, value, value.GetType(), depth + 1);
    }

    private void WriteComposite(WireWriter w, object value, Type type, int depth)
    {
        var shape = _shapes.GetOrAdd(type, TypeShape.For);
        switch (shape.Kind)
        {
            case ShapeKind.List or ShapeKind.Array:
            {
                var list = (IList)value;
                w.WriteByte(shape.Kind == ShapeKind.List ? TagList : TagArray);
                WriteType(w, shape.Arguments[0]);
                w.WriteVarUInt((ulong)list.Count);
                for (var i = 0; i < list.Count; i++)
                {
                    Write(w, list[i], depth);
                }
                return;
            }
            case ShapeKind.Dictionary:
            {
                var dictionary = (IDictionary)value;
                w.WriteByte(TagDictionary);
                WriteType(w, shape.Arguments[0]);
                WriteType(w, shape.Arguments[1]);
                w.WriteVarUInt((ulong)dictionary.Count);
                var e = dictionary.GetEnumerator();
                while (e.MoveNext())
                {
                    Write(w, e.Key, depth);
                    Write(w, e.Value, depth);
                }
                return;
            }
            case ShapeKind.Set:
            {
                var items = ((IEnumerable)value).Cast<object?>().ToList();
                w.WriteByte(TagSet);
                WriteType(w, shape.Arguments[0]);
                w.WriteVarUInt((ulong)items.Count);
                foreach (var item in items)
                {
                    Write(w, item, depth);
                }
                return;
            }
            case ShapeKind.Pair or ShapeKind.Tuple:
            {
                var tuple = value as ITuple;
                w.WriteByte(shape.Kind == ShapeKind.Pair ? TagPair : TagTuple);
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
                    Write(w, shape.Kind == ShapeKind.Pair ? shape.PairItem(value, i) : tuple![i], depth);
                }
                return;
            }
            case ShapeKind.Enum:
                Trust(type);
                w.WriteByte(TagEnum);
                w.WriteString(TypeNames.Of(type));
                w.WriteVarInt(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                return;
            case ShapeKind.Refused:
                throw new ManagedSerializationException(type, shape.RefusalReason!);
            default:
                WriteOther(w, value, type, depth);
                return;
        }
    }

    private void WriteOther(WireWriter w, object value, Type type, int depth)
    {
        Trust(type);
        w.WriteByte(TagOther);
        w.WriteString(TypeNames.Of(type));
        using var stream = new MemoryStream();
        try
        {
            _writer.Serialize(value, stream);
        }
        catch (Exception e) when (e is not ManagedActorsException)
        {
            throw new ManagedSerializationException(type, e.Message, e);
        }
        // Refused here as the reader would refuse it; a short payload (two bytes a level at least) cannot be too deep.
        var limit = _maxDepth - depth;
        if (stream.Length / 2 > limit && RecordGraph.Depth(value, limit) > limit)
        {
            throw new ManagedSerializationException(type, $"it nests deeper than {_maxDepth} levels (managed-actors.max-value-depth)");
        }
        w.WriteBytes(stream.GetBuffer().AsSpan(0, (int)stream.Length));
    }

    private void Trust(Type type)
    {
        if (_trustWrittenTypes)
        {
            _allowList.AllowType(type);
        }
    }

    private void WriteType(WireWriter w, Type type)
    {
        if (PrimitiveTags.TryGetValue(type, out var tag))
        {
            w.WriteByte(tag);
            return;
        }
        if (typeof(IManagedObject).IsAssignableFrom(type))
        {
            // Proxy interfaces travel as references; the other side picks the interface from the reference.
            w.WriteByte(TagObject);
            return;
        }
        var shape = _shapes.GetOrAdd(type, TypeShape.For);
        switch (shape.Kind)
        {
            case ShapeKind.List: w.WriteByte(TagList); WriteType(w, shape.Arguments[0]); return;
            case ShapeKind.Array: w.WriteByte(TagArray); WriteType(w, shape.Arguments[0]); return;
            case ShapeKind.Set: w.WriteByte(TagSet); WriteType(w, shape.Arguments[0]); return;
            case ShapeKind.Dictionary: w.WriteByte(TagDictionary); WriteType(w, shape.Arguments[0]); WriteType(w, shape.Arguments[1]); return;
            case ShapeKind.Pair: w.WriteByte(TagPair); WriteType(w, shape.Arguments[0]); WriteType(w, shape.Arguments[1]); return;
            case ShapeKind.Nullable: w.WriteByte(TagNullable); WriteType(w, shape.Arguments[0]); return;
            case ShapeKind.Tuple:
                w.WriteByte(TagTuple);
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
                w.WriteByte(TagNamed);
                w.WriteString(TypeNames.Of(type));
                return;
        }
    }

    private static void WriteReference(WireWriter w, ObjectReference reference)
    {
        w.WriteString(reference.ActorPath);
        w.WriteString(reference.ObjectId);
        w.WriteString(reference.Kind);
        w.WriteString(reference.InterfaceType);
        w.WriteGuid(reference.Incarnation);
        w.WriteString(reference.Name);
    }

}
