using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using ManagedActors.Proxies;

namespace ManagedActors.Protocol;

/// <summary>Turns proxy references into live proxies when a value is read on a client.</summary>
internal interface IReferenceMaterializer
{
    object Materialize(ObjectReference reference);
}

/// <summary>
/// Encodes the values that travel inside calls and replies. The common types (primitives, strings, byte arrays,
/// lists, arrays, dictionaries and sets of them, tuples, proxies) are written directly; any other type goes
/// through Hyperion, behind its type name, which is checked against the allow-list before a byte of it is read.
/// </summary>
internal sealed class ValueCodec
{
    private const byte TagNull = 0, TagFalse = 1, TagTrue = 2, TagInt32 = 3, TagInt64 = 4, TagDouble = 5, TagString = 6,
        TagBytes = 7, TagSingle = 8, TagDecimal = 9, TagGuid = 10, TagDateTime = 11, TagTimeSpan = 12, TagChar = 13,
        TagByte = 14, TagInt16 = 15, TagUInt32 = 16, TagUInt64 = 17, TagUInt16 = 18, TagSByte = 19,
        TagDateTimeOffset = 20, TagList = 30, TagArray = 31, TagDictionary = 32, TagSet = 33, TagPair = 34,
        TagTuple = 35, TagEnum = 36, TagNullable = 37, TagReference = 40, TagOther = 50, TagBool = 51,
        TagObject = 52, TagNamed = 60;

    private static readonly Dictionary<Type, byte> PrimitiveTags = new()
    {
        [typeof(bool)] = TagBool, [typeof(int)] = TagInt32, [typeof(long)] = TagInt64, [typeof(double)] = TagDouble,
        [typeof(string)] = TagString, [typeof(float)] = TagSingle, [typeof(decimal)] = TagDecimal,
        [typeof(Guid)] = TagGuid, [typeof(DateTime)] = TagDateTime, [typeof(TimeSpan)] = TagTimeSpan,
        [typeof(char)] = TagChar, [typeof(byte)] = TagByte, [typeof(short)] = TagInt16, [typeof(uint)] = TagUInt32,
        [typeof(ulong)] = TagUInt64, [typeof(ushort)] = TagUInt16, [typeof(sbyte)] = TagSByte,
        [typeof(DateTimeOffset)] = TagDateTimeOffset, [typeof(object)] = TagObject,
        [typeof(ObjectReference)] = TagReference,
    };

    private static readonly Dictionary<byte, Type> TagTypes = PrimitiveTags.ToDictionary(p => p.Value, p => p.Key);

    private readonly TypeAllowList _allowList;
    private readonly IReferenceMaterializer? _materializer;
    private readonly bool _trustWrittenTypes;
    private readonly Hyperion.Serializer _writer;
    private readonly Hyperion.Serializer _reader;
    private readonly ConcurrentDictionary<Type, CollectionShape> _shapes = new();
    private static readonly ConcurrentDictionary<(Type Definition, Type First, Type? Second), Type> Constructed = new();

    /// <param name="allowList">What may be read.</param>
    /// <param name="materializer">Makes proxies of references on a client; null on a host, which keeps references as they are.</param>
    /// <param name="trustWrittenTypes">A client trusts the types it writes itself, so their values can come back.</param>
    public ValueCodec(TypeAllowList allowList, IReferenceMaterializer? materializer, bool trustWrittenTypes)
    {
        _allowList = allowList;
        _materializer = materializer;
        _trustWrittenTypes = trustWrittenTypes;
        // A proxy inside a record travels as its reference, and is a live proxy again where it is read.
        var surrogates = new[]
        {
            Hyperion.Surrogate.Create<ManagedProxy, ProxySurrogate>(ProxySurrogate.From, FromSurrogate),
        };
        _writer = new Hyperion.Serializer(new Hyperion.SerializerOptions(
            versionTolerance: false, preserveObjectReferences: true, surrogates: surrogates, serializerFactories: null,
            knownTypes: null, ignoreISerializable: false, packageNameOverrides: null, disallowUnsafeTypes: true,
            typeFilter: Hyperion.DisabledTypeFilter.Instance));
        _reader = new Hyperion.Serializer(new Hyperion.SerializerOptions(
            versionTolerance: false, preserveObjectReferences: true, surrogates: surrogates, serializerFactories: null,
            knownTypes: null, ignoreISerializable: false, packageNameOverrides: null, disallowUnsafeTypes: true,
            typeFilter: new HyperionTypeFilter(allowList)));
    }

    public TypeAllowList AllowList => _allowList;

    /// <summary>On a host: told of every reference read into an object, which then holds the referenced object.</summary>
    public Action<ObjectReference>? ReferenceRead { get; set; }

    // ---------------------------------------------------------------- writing

    public byte[] Encode(object? value)
    {
        using var writer = new WireWriter();
        Write(writer, value);
        return writer.ToArray();
    }

    public void Write(WireWriter w, object? value)
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
        WriteComposite(w, value, value.GetType());
    }

    private void WriteComposite(WireWriter w, object value, Type type)
    {
        var shape = _shapes.GetOrAdd(type, CollectionShape.For);
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
                    Write(w, list[i]);
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
                    Write(w, e.Key);
                    Write(w, e.Value);
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
                    Write(w, item);
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
                    Write(w, shape.Kind == ShapeKind.Pair ? shape.PairItem(value, i) : tuple![i]);
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
                WriteOther(w, value, type);
                return;
        }
    }

    private void WriteOther(WireWriter w, object value, Type type)
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
        var shape = _shapes.GetOrAdd(type, CollectionShape.For);
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

    // ---------------------------------------------------------------- reading

    public object? Decode(byte[] bytes)
    {
        var reader = new WireReader(bytes);
        var value = Read(ref reader);
        if (!reader.AtEnd)
        {
            throw new FormatException("Trailing bytes after a value.");
        }
        return value;
    }

    public object? Read(ref WireReader r)
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
                ReferenceRead?.Invoke(reference);
                return reference;
            }
            case TagList or TagArray or TagSet:
            {
                var element = ReadType(ref r);
                var count = r.ReadCount();
                var shape = Shape(tag switch
                {
                    TagList => Generic(typeof(List<>), element),
                    TagSet => Generic(typeof(HashSet<>), element),
                    _ => Generic(typeof(Array), element),
                });
                var collection = shape.Create(count);
                for (var i = 0; i < count; i++)
                {
                    shape.Add(collection, i, Read(ref r));
                }
                return collection;
            }
            case TagDictionary:
            {
                var key = ReadType(ref r);
                var value = ReadType(ref r);
                var count = r.ReadCount();
                var dictionary = (IDictionary)Shape(Generic(typeof(Dictionary<,>), key, value)).Create(count);
                for (var i = 0; i < count; i++)
                {
                    var k = Read(ref r) ?? throw new FormatException("A dictionary key is null.");
                    dictionary[k] = Read(ref r);
                }
                return dictionary;
            }
            case TagPair or TagTuple:
            {
                var arity = tag == TagPair ? 2 : r.ReadByte();
                if (arity is 0 or > 7)
                {
                    throw new FormatException("Tuple arity out of range.");
                }
                var types = new Type[arity];
                for (var i = 0; i < arity; i++)
                {
                    types[i] = ReadType(ref r);
                }
                var items = new object?[arity];
                for (var i = 0; i < arity; i++)
                {
                    items[i] = Read(ref r);
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
            {
                var type = _allowList.Resolve(r.ReadRequiredString());
                var (offset, count) = r.ReadSlice();
                using var stream = new MemoryStream(r.Buffer, offset, count, writable: false);
                object? value;
                try
                {
                    value = _reader.Deserialize(stream);
                }
                catch (Exception e) when (e is not ManagedActorsException)
                {
                    throw new ManagedSerializationException(type, "its bytes could not be read: " + e.Message, e);
                }
                if (value is not null && !type.IsInstanceOfType(value))
                {
                    throw new FormatException($"A value announced as '{type}' was '{value.GetType()}'.");
                }
                return value;
            }
            default:
                throw new FormatException($"Unknown value tag {tag}.");
        }
    }

    private CollectionShape Shape(Type type) => _shapes.GetOrAdd(type, CollectionShape.For);

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

    private Type ReadType(ref WireReader r)
    {
        var tag = r.ReadByte();
        if (TagTypes.TryGetValue(tag, out var primitive))
        {
            return primitive == typeof(ObjectReference) && _materializer is not null ? typeof(object) : primitive;
        }
        switch (tag)
        {
            case TagList: return Generic(typeof(List<>), ReadType(ref r));
            case TagArray: return Generic(typeof(Array), ReadType(ref r));
            case TagSet: return Generic(typeof(HashSet<>), ReadType(ref r));
            case TagNullable: return Generic(typeof(Nullable<>), ReadType(ref r));
            case TagDictionary:
            {
                var key = ReadType(ref r);
                return Generic(typeof(Dictionary<,>), key, ReadType(ref r));
            }
            case TagPair:
            {
                var key = ReadType(ref r);
                return Generic(typeof(KeyValuePair<,>), key, ReadType(ref r));
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
                    types[i] = ReadType(ref r);
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

    /// <summary>
    /// A proxy read from inside a record: on a client a live proxy; on a host an inert one that only carries its
    /// reference (the host never calls it), so the record keeps its field's interface type and can be sent on.
    /// </summary>
    private ManagedProxy FromSurrogate(ProxySurrogate surrogate)
    {
        var reference = surrogate.ToReference();
        if (_materializer is not null)
        {
            return (ManagedProxy)_materializer.Materialize(reference);
        }
        ReferenceRead?.Invoke(reference);
        return ManagedProxy.CreateInert(_allowList.Resolve(reference.InterfaceType), reference);
    }

    private sealed class HyperionTypeFilter(TypeAllowList allowList) : Hyperion.ITypeFilter
    {
        public bool IsAllowed(string typeName) => allowList.IsAllowedForHyperion(typeName);
    }

    private enum ShapeKind { Other, List, Array, Dictionary, Set, Pair, Tuple, Nullable, Enum, Refused }

    /// <summary>What the codec knows about one runtime type, worked out once: its kind and how to build one.</summary>
    private sealed class CollectionShape
    {
        public ShapeKind Kind { get; private init; }
        public Type[] Arguments { get; private init; } = [];
        public string? RefusalReason { get; private init; }
        private Func<int, object>? _create;
        private Action<object, int, object?>? _add;
        private Func<object?[], object>? _construct;
        private Func<object, int, object?>? _pairItem;

        public object Create(int count) => _create!(count);

        public void Add(object collection, int index, object? item)
        {
            try
            {
                _add!(collection, index, item);
            }
            catch (Exception e) when (e is ArgumentException or InvalidCastException)
            {
                throw new FormatException($"An element of type '{item?.GetType()}' does not fit '{collection.GetType()}'.", e);
            }
        }

        public object Construct(object?[] items)
        {
            try
            {
                return _construct!(items);
            }
            catch (Exception e) when (e is ArgumentException or InvalidCastException or NullReferenceException)
            {
                throw new FormatException("A tuple's items do not fit its types.", e);
            }
        }

        public object? PairItem(object pair, int index) => _pairItem!(pair, index);

        public static CollectionShape For(Type type)
        {
            if (type.IsEnum)
            {
                return new CollectionShape { Kind = ShapeKind.Enum };
            }
            if (Refusal(type) is { } reason)
            {
                return new CollectionShape { Kind = ShapeKind.Refused, RefusalReason = reason };
            }
            if (type.IsSZArray)
            {
                var element = type.GetElementType()!;
                return new CollectionShape
                {
                    Kind = ShapeKind.Array,
                    Arguments = [element],
                    _create = count => Array.CreateInstance(element, count),
                    _add = (array, index, item) => ((IList)array)[index] = item,
                };
            }
            if (!type.IsGenericType)
            {
                return new CollectionShape { Kind = ShapeKind.Other };
            }
            var definition = type.GetGenericTypeDefinition();
            var arguments = type.GetGenericArguments();
            if (definition == typeof(List<>))
            {
                return new CollectionShape
                {
                    Kind = ShapeKind.List,
                    Arguments = arguments,
                    _create = Factories.Collection(type),
                    _add = (list, _, item) => ((IList)list).Add(item),
                };
            }
            if (definition == typeof(Dictionary<,>))
            {
                return new CollectionShape
                {
                    Kind = ShapeKind.Dictionary,
                    Arguments = arguments,
                    _create = Factories.Collection(type),
                };
            }
            if (definition == typeof(HashSet<>))
            {
                var add = Factories.Adder(type);
                return new CollectionShape
                {
                    Kind = ShapeKind.Set,
                    Arguments = arguments,
                    _create = Factories.Collection(type),
                    _add = (set, _, item) => add(set, item),
                };
            }
            if (definition == typeof(KeyValuePair<,>))
            {
                var pair = Factories.Pair(type);
                return new CollectionShape
                {
                    Kind = ShapeKind.Pair,
                    Arguments = arguments,
                    _construct = Factories.Constructor(type),
                    _pairItem = (value, index) => index == 0 ? pair(value).Key : pair(value).Value,
                };
            }
            if (definition == typeof(Nullable<>))
            {
                return new CollectionShape { Kind = ShapeKind.Nullable, Arguments = arguments };
            }
            if (type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal) && arguments.Length <= 7)
            {
                return new CollectionShape
                {
                    Kind = ShapeKind.Tuple,
                    Arguments = arguments,
                    _construct = Factories.Constructor(type),
                };
            }
            return new CollectionShape { Kind = ShapeKind.Other };
        }

        private static string? Refusal(Type type)
        {
            if (typeof(Delegate).IsAssignableFrom(type))
            {
                return "a delegate is code, and code cannot be sent to another process";
            }
            if (typeof(Stream).IsAssignableFrom(type) || typeof(Task).IsAssignableFrom(type)
                || typeof(Thread).IsAssignableFrom(type) || typeof(WaitHandle).IsAssignableFrom(type)
                || typeof(CancellationTokenSource).IsAssignableFrom(type) || type == typeof(CancellationToken)
                || typeof(MemberInfo).IsAssignableFrom(type) || typeof(Assembly).IsAssignableFrom(type))
            {
                return "it is bound to this process and has no meaning in another";
            }
            if (type.IsPointer || type == typeof(IntPtr) || type == typeof(UIntPtr) || type.IsByRefLike)
            {
                return "it is a pointer or a stack-only type";
            }
            return null;
        }
    }
}

/// <summary>What a proxy inside a Hyperion-serialized value is on the wire: its reference.</summary>
internal sealed record ProxySurrogate(string ActorPath, string ObjectId, string Kind, string InterfaceType, Guid Incarnation, string? Name)
{
    public static ProxySurrogate From(ManagedProxy proxy)
    {
        var r = proxy.Reference;
        return new ProxySurrogate(r.ActorPath, r.ObjectId, r.Kind, r.InterfaceType, r.Incarnation, r.Name);
    }

    public ObjectReference ToReference() => new(ActorPath, ObjectId, Kind, InterfaceType, Incarnation, Name);
}
