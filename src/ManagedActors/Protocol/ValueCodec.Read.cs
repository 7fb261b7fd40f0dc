using System.Collections;

namespace ManagedActors.Protocol;

/// <summary>Reading values: total and bounded, whatever the bytes.</summary>
internal sealed partial class ValueCodec
{
    /// <summary>Capacity given to a collection before its items are read: a claimed count buys no memory up front.</summary>
    private const int MaxInitialCapacity = 1024;

    /// <summary>Reads one whole value; any malformed input is a <see cref="ManagedActorsException"/>, never anything else.</summary>
    public object? Decode(byte[] bytes)
    {
        var reader = new WireReader(bytes);
        var value = Read(ref reader);
        if (!reader.AtEnd)
        {
            throw Malformed(new FormatException("Trailing bytes after a value."));
        }
        return value;
    }

    /// <summary>
    /// Reads one value. Decoding is total: whatever the bytes, it returns a value or throws a
    /// <see cref="ManagedActorsException"/> (a type refused or not loadable, or <see cref="ManagedSerializationException"/>
    /// for malformed or too deeply nested input); nesting is bounded by managed-actors.max-value-depth.
    /// </summary>
    /// <summary>Reads what <see cref="EncodeAll"/> wrote.</summary>
    public object?[] DecodeAll(byte[] bytes)
    {
        var reader = new WireReader(bytes);
        var values = new object?[reader.ReadCount()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Read(ref reader);
        }
        return values;
    }

    public object? Read(ref WireReader r)
    {
        try
        {
            return ReadValue(ref r, 0);
        }
        catch (ManagedActorsException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Malformed(e);
        }
    }

    private static ManagedSerializationException Malformed(Exception e) =>
        new("value", "A value could not be read: " + e.Message, e);

    private void Enter(int depth)
    {
        if (depth > _maxDepth)
        {
            throw new FormatException($"The value nests deeper than {_maxDepth} levels (managed-actors.max-value-depth).");
        }
    }

    private object? ReadValue(ref WireReader r, int depth)
    {
        var tag = r.ReadByte();
        switch (tag)
        {
            case TagNull: return null;
            case TagFalse: return false;
            case TagTrue: return true;
            case TagInt32: return checked((int)r.ReadVarInt());
            case TagInt64: return r.ReadVarInt();
            case TagString: return r.ReadString();
            case TagDouble: return r.ReadDouble();
            case TagBytes: return r.ReadBytes();
            case TagSingle: return r.ReadSingle();
            case TagDecimal: return r.ReadDecimal();
            case TagGuid: return r.ReadGuid();
            case TagDateTime: return DateTime.FromBinary(r.ReadInt64());
            case TagTimeSpan: return new TimeSpan(r.ReadVarInt());
            case TagChar: return checked((char)r.ReadVarUInt());
            case TagByte: return r.ReadByte();
            case TagInt16: return checked((short)r.ReadVarInt());
            case TagUInt32: return checked((uint)r.ReadVarUInt());
            case TagUInt64: return r.ReadVarUInt();
            case TagUInt16: return checked((ushort)r.ReadVarUInt());
            case TagSByte: return checked((sbyte)r.ReadVarInt());
            case TagDateTimeOffset:
            {
                var ticks = r.ReadVarInt();
                return new DateTimeOffset(ticks, TimeSpan.FromMinutes(r.ReadVarInt()));
            }
            case TagReference:
            {
                var reference = ReadReference(ref r);
                if (_materializer is not null)
                {
                    return _materializer.Materialize(reference);
                }
                return reference;
            }
            case TagList or TagArray or TagSet:
            {
                Enter(depth + 1);
                var element = ReadType(ref r, depth + 1);
                var count = r.ReadCount();
                var shape = Shape(tag switch
                {
                    TagList => Generic(typeof(List<>), element),
                    TagSet => Generic(typeof(HashSet<>), element),
                    _ => Generic(typeof(Array), element),
                });
                var collection = shape.Create(tag == TagArray ? count : Math.Min(count, MaxInitialCapacity));
                for (var i = 0; i < count; i++)
                {
                    shape.Add(collection, i, ReadValue(ref r, depth + 1));
                }
                return collection;
            }
            case TagDictionary:
            {
                Enter(depth + 1);
                var key = ReadType(ref r, depth + 1);
                var value = ReadType(ref r, depth + 1);
                var count = r.ReadCount();
                var dictionary = (IDictionary)Shape(Generic(typeof(Dictionary<,>), key, value)).Create(Math.Min(count, MaxInitialCapacity));
                for (var i = 0; i < count; i++)
                {
                    var k = ReadValue(ref r, depth + 1) ?? throw new FormatException("A dictionary key is null.");
                    dictionary[k] = ReadValue(ref r, depth + 1);
                }
                return dictionary;
            }
            case TagPair or TagTuple:
            {
                Enter(depth + 1);
                var arity = tag == TagPair ? 2 : r.ReadByte();
                if (arity is 0 or > 7)
                {
                    throw new FormatException("Tuple arity out of range.");
                }
                var types = new Type[arity];
                for (var i = 0; i < arity; i++)
                {
                    types[i] = ReadType(ref r, depth + 1);
                }
                var items = new object?[arity];
                for (var i = 0; i < arity; i++)
                {
                    items[i] = ReadValue(ref r, depth + 1);
                }
                var type = tag == TagPair ? Generic(typeof(KeyValuePair<,>), types[0], types[1]) : TupleType(types);
                return Shape(type).Construct(items);
            }
            case TagEnum:
            {
                var type = _allowList.Resolve(r.ReadRequiredString());
                if (!type.IsEnum)
                {
                    throw new FormatException($"'{type}' is not an enum.");
                }
                return Enum.ToObject(type, r.ReadVarInt());
            }
            case TagOther:
                return ReadOther(ref r, depth);
            default:
                throw new FormatException($"Unknown value tag {tag}.");
        }
    }

    /// <summary>A value of a type the codec does not write itself, through Hyperion, bounded in depth.</summary>
    private object? ReadOther(ref WireReader r, int depth)
    {
        var type = _allowList.Resolve(r.ReadRequiredString());
        var (offset, count) = r.ReadSlice();
        var buffer = r.Buffer;
        object? value;
        try
        {
            value = RecordGraph.Read(count, () => _reader.Deserialize(new MemoryStream(buffer, offset, count, writable: false)));
        }
        catch (Exception e) when (e is not ManagedActorsException)
        {
            throw new ManagedSerializationException(type, "its bytes could not be read: " + e.Message, e);
        }
        if (value is not null && !type.IsInstanceOfType(value))
        {
            throw new FormatException($"A value announced as '{type}' was '{value.GetType()}'.");
        }
        // Each level of a graph takes at least two bytes of Hyperion's format: a short payload cannot be too deep.
        var limit = _maxDepth - depth;
        if (value is not null && count / 2 > limit && RecordGraph.Depth(value, limit) > limit)
        {
            throw new FormatException($"The value nests deeper than {_maxDepth} levels (managed-actors.max-value-depth).");
        }
        return value;
    }

    private TypeShape Shape(Type type) => _shapes.GetOrAdd(type, TypeShape.For);

    /// <summary>A closed generic type (or an array type, for <c>typeof(Array)</c>), made once per combination.</summary>
    private static Type Generic(Type definition, Type first, Type? second = null)
    {
        if (Constructed.TryGetValue((definition, first, second), out var type))
        {
            return type;
        }
        try
        {
            type = definition == typeof(Array) ? first.MakeArrayType()
                : second is null ? definition.MakeGenericType(first) : definition.MakeGenericType(first, second);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{definition.Name} cannot be made of {first.Name}{(second is null ? "" : ", " + second.Name)}.", e);
        }
        return Constructed.GetOrAdd((definition, first, second), type);
    }

    private static Type TupleType(Type[] types)
    {
        if (types.Length == 2)
        {
            return Generic(typeof(ValueTuple<,>), types[0], types[1]);
        }
        try
        {
            return types.Length switch
            {
                1 => typeof(ValueTuple<>).MakeGenericType(types),
                3 => typeof(ValueTuple<,,>).MakeGenericType(types),
                4 => typeof(ValueTuple<,,,>).MakeGenericType(types),
                5 => typeof(ValueTuple<,,,,>).MakeGenericType(types),
                6 => typeof(ValueTuple<,,,,,>).MakeGenericType(types),
                _ => typeof(ValueTuple<,,,,,,>).MakeGenericType(types),
            };
        }
        catch (ArgumentException e)
        {
            throw new FormatException("A tuple's types are invalid.", e);
        }
    }

    private Type ReadType(ref WireReader r, int depth)
    {
        Enter(depth);
        var tag = r.ReadByte();
        if (TagTypes.TryGetValue(tag, out var primitive))
        {
            return primitive == typeof(ObjectReference) && _materializer is not null ? typeof(object) : primitive;
        }
        switch (tag)
        {
            case TagList: return Generic(typeof(List<>), ReadType(ref r, depth + 1));
            case TagArray: return Generic(typeof(Array), ReadType(ref r, depth + 1));
            case TagSet: return Generic(typeof(HashSet<>), ReadType(ref r, depth + 1));
            case TagNullable: return Generic(typeof(Nullable<>), ReadType(ref r, depth + 1));
            case TagDictionary:
            {
                var key = ReadType(ref r, depth + 1);
                return Generic(typeof(Dictionary<,>), key, ReadType(ref r, depth + 1));
            }
            case TagPair:
            {
                var key = ReadType(ref r, depth + 1);
                return Generic(typeof(KeyValuePair<,>), key, ReadType(ref r, depth + 1));
            }
            case TagTuple:
            {
                var arity = r.ReadByte();
                if (arity is 0 or > 7)
                {
                    throw new FormatException("Tuple arity out of range.");
                }
                var types = new Type[arity];
                for (var i = 0; i < arity; i++)
                {
                    types[i] = ReadType(ref r, depth + 1);
                }
                return TupleType(types);
            }
            case TagNamed:
            {
                var type = _allowList.Resolve(r.ReadRequiredString());
                return typeof(IManagedObject).IsAssignableFrom(type) ? typeof(object) : type;
            }
            default:
                throw new FormatException($"Unknown type tag {tag}.");
        }
    }

    private static ObjectReference ReadReference(ref WireReader r) => new(
        r.ReadRequiredString(), r.ReadRequiredString(), r.ReadRequiredString(), r.ReadRequiredString(), r.ReadGuid(),
        r.ReadString());

}
