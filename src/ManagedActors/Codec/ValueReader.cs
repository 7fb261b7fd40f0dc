using System.Collections;
using System.Collections.Concurrent;

namespace ManagedActors.Codec;

/// <summary>
/// Reads values. Decoding is total: whatever the bytes, it returns a value or throws a <see cref="ManagedActorsException"/>
/// (a type refused or not loadable, or <see cref="ManagedSerializationException"/> for malformed or too deeply nested
/// input); nesting is bounded by managed-actors.max-value-depth, and a claimed count buys no memory up front.
/// </summary>
/// <param name="allowList">The types that may be read; checked at every depth before a value of the type is read.</param>
/// <param name="materializer">Makes proxies of references on a client; null on a host, which keeps references as they are.</param>
/// <param name="records">Reads the types the codec does not write itself.</param>
/// <param name="shapes">What is known of each type, shared with the writer.</param>
/// <param name="maxDepth">The deepest nesting read.</param>
internal sealed class ValueReader(
    TypeAllowList allowList, IReferenceMaterializer? materializer, RecordCodec records, ConcurrentDictionary<Type, TypeShape> shapes, int maxDepth)
{
    /// <summary>Capacity given to a collection before its items are read: a claimed count buys no memory up front.</summary>
    private const int MaxInitialCapacity = 1024;

    /// <summary>Reads one value, charging what it takes in memory to <paramref name="budget"/>.</summary>
    public object? Read(ref WireReader r, ref DecodeBudget budget)
    {
        try
        {
            return ReadValue(ref r, 0, ref budget);
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

    /// <summary>The one exception malformed input becomes.</summary>
    public static ManagedSerializationException Malformed(Exception e) =>
        new("value", "A value could not be read: " + e.Message, e);

    private void Enter(int depth)
    {
        if (depth > maxDepth)
        {
            throw new FormatException($"The value nests deeper than {maxDepth} levels (managed-actors.max-value-depth).");
        }
    }

    private object? ReadValue(ref WireReader r, int depth, ref DecodeBudget budget)
    {
        var tag = r.ReadByte();
        switch (tag)
        {
            case ValueTags.Null: return null;
            case ValueTags.False: return false;
            case ValueTags.True: return true;
            case ValueTags.Int32: return checked((int)r.ReadVarInt());
            case ValueTags.Int64: return r.ReadVarInt();
            case ValueTags.String:
            {
                var s = r.ReadString();
                budget.Charge(24 + (2L * (s?.Length ?? 0)));
                return s;
            }
            case ValueTags.Double: return r.ReadDouble();
            case ValueTags.Bytes:
            {
                var bytes = r.ReadBytes();
                budget.Charge(24 + (bytes?.LongLength ?? 0));
                return bytes;
            }
            case ValueTags.Single: return r.ReadSingle();
            case ValueTags.Decimal: return r.ReadDecimal();
            case ValueTags.Guid: return r.ReadGuid();
            case ValueTags.DateTime: return DateTime.FromBinary(r.ReadInt64());
            case ValueTags.TimeSpan: return new TimeSpan(r.ReadVarInt());
            case ValueTags.Char: return checked((char)r.ReadVarUInt());
            case ValueTags.Byte: return r.ReadByte();
            case ValueTags.Int16: return checked((short)r.ReadVarInt());
            case ValueTags.UInt32: return checked((uint)r.ReadVarUInt());
            case ValueTags.UInt64: return r.ReadVarUInt();
            case ValueTags.UInt16: return checked((ushort)r.ReadVarUInt());
            case ValueTags.SByte: return checked((sbyte)r.ReadVarInt());
            case ValueTags.DateTimeOffset:
            {
                var ticks = r.ReadVarInt();
                return new DateTimeOffset(ticks, TimeSpan.FromMinutes(r.ReadVarInt()));
            }
            case ValueTags.Reference or ValueTags.IdentifiedReference:
            {
                var reference = ReadReference(ref r, identified: tag == ValueTags.IdentifiedReference);
                if (materializer is not null)
                {
                    return materializer.Materialize(reference);
                }
                return reference;
            }
            case ValueTags.List or ValueTags.Array or ValueTags.Set:
            {
                Enter(depth + 1);
                var element = ReadType(ref r, depth + 1);
                var count = r.ReadCount();
                var shape = Shape(tag switch
                {
                    ValueTags.List => ClosedTypes.Of(typeof(List<>), element),
                    ValueTags.Set => ClosedTypes.Of(typeof(HashSet<>), element),
                    _ => ClosedTypes.Of(typeof(Array), element),
                });
                // Charged before a slot is allocated: an array at its length, a list or set at twice its count (it grows
                // by doubling), a set's slot with its hash and link.
                var slot = DecodeBudget.SlotOf(element);
                budget.Charge(tag == ValueTags.Array ? count : 2L * count, tag == ValueTags.Set ? slot + 12 : slot);
                var boxes = !element.IsValueType;
                var collection = shape.Create(tag == ValueTags.Array ? count : Math.Min(count, MaxInitialCapacity));
                for (var i = 0; i < count; i++)
                {
                    var item = ReadValue(ref r, depth + 1, ref budget);
                    if (boxes)
                    {
                        budget.Charge(DecodeBudget.BoxOf(item));
                    }
                    shape.Add(collection, i, item);
                }
                return collection;
            }
            case ValueTags.Dictionary:
            {
                Enter(depth + 1);
                var key = ReadType(ref r, depth + 1);
                var value = ReadType(ref r, depth + 1);
                var count = r.ReadCount();
                // An entry: the key's and the value's slots, a hash, a link and a bucket; at twice the count, as it grows.
                budget.Charge(2L * count, DecodeBudget.SlotOf(key) + DecodeBudget.SlotOf(value) + 12);
                var (keysBox, valuesBox) = (!key.IsValueType, !value.IsValueType);
                var dictionary = (IDictionary)Shape(ClosedTypes.Of(typeof(Dictionary<,>), key, value)).Create(Math.Min(count, MaxInitialCapacity));
                for (var i = 0; i < count; i++)
                {
                    var k = ReadValue(ref r, depth + 1, ref budget) ?? throw new FormatException("A dictionary key is null.");
                    var v = ReadValue(ref r, depth + 1, ref budget);
                    budget.Charge((keysBox ? DecodeBudget.BoxOf(k) : 0) + (valuesBox ? DecodeBudget.BoxOf(v) : 0));
                    dictionary[k] = v;
                }
                return dictionary;
            }
            case ValueTags.Pair or ValueTags.Tuple:
            {
                Enter(depth + 1);
                var arity = tag == ValueTags.Pair ? 2 : r.ReadByte();
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
                    items[i] = ReadValue(ref r, depth + 1, ref budget);
                    if (!types[i].IsValueType)
                    {
                        budget.Charge(DecodeBudget.BoxOf(items[i]));
                    }
                }
                var type = tag == ValueTags.Pair ? ClosedTypes.Of(typeof(KeyValuePair<,>), types[0], types[1]) : ClosedTypes.Tuple(types);
                return Shape(type).Construct(items);
            }
            case ValueTags.Enum:
            {
                var type = allowList.Resolve(r.ReadRequiredString());
                if (!type.IsEnum)
                {
                    throw new FormatException($"'{type}' is not an enum.");
                }
                return Enum.ToObject(type, r.ReadVarInt());
            }
            case ValueTags.Other:
                return ReadOther(ref r, depth, ref budget);
            case ValueTags.Fields:
                return ReadFields(ref r, depth + 1, ref budget);
            default:
                throw new FormatException($"Unknown value tag {tag}.");
        }
    }

    /// <summary>A value of a type the codec does not write itself, through Hyperion, bounded in depth.</summary>
    private object? ReadOther(ref WireReader r, int depth, ref DecodeBudget budget)
    {
        var type = allowList.Resolve(r.ReadRequiredString());
        if (Shape(type).Kind is not (ShapeKind.Other or ShapeKind.Sequence))
        {
            // The writer writes these itself, never through Hyperion, whose readers allocate at the counts they read.
            throw new FormatException($"'{type}' is written by the codec itself, not as a record.");
        }
        return records.Read(ref r, type, depth, ref budget);
    }

    /// <summary>
    /// A value of the application's own type, field by field (<see cref="RecordFields"/>): each field found by name, one
    /// the type no longer has skipped, one the value lacks left at its default.
    /// </summary>
    private object ReadFields(ref WireReader r, int depth, ref DecodeBudget budget)
    {
        Enter(depth);
        var type = allowList.Resolve(r.ReadRequiredString());
        var fields = (Shape(type).Kind == ShapeKind.Other ? RecordFields.For(type) : null)
            ?? throw new FormatException($"'{type}' is not written field by field.");
        var count = r.ReadCount();
        var members = fields.Members;
        // The instance: a header and a slot a field, at least.
        budget.Charge(members.Length, 8);
        var values = new object?[members.Length];
        var present = new bool[members.Length];
        for (var i = 0; i < count; i++)
        {
            var index = fields.Find(r.ReadUtf8(), i);
            var value = ReadValue(ref r, depth, ref budget);
            if (index < 0)
            {
                // A field this version of the type no longer has.
                continue;
            }
            if (present[index])
            {
                throw new FormatException($"Field '{members[index].Name}' of '{type}' appears twice.");
            }
            values[index] = Fit(value, members[index], type);
            present[index] = true;
        }
        return fields.Create(values, present);
    }

    /// <summary>A stored field's value as its field's type takes it: a reference as an inert proxy, a number widened.</summary>
    private object? Fit(object? value, FieldMember member, Type owner)
    {
        var target = member.Type;
        if (value is null)
        {
            return !target.IsValueType || Nullable.GetUnderlyingType(target) is not null
                ? null
                : throw new FormatException($"Field '{member.Name}' of '{owner}' is a '{target}', and the stored value is null.");
        }
        if (target.IsInstanceOfType(value))
        {
            return value;
        }
        if (value is ObjectReference reference && typeof(IManagedObject).IsAssignableFrom(target))
        {
            var proxy = InertProxy.Create(allowList.Resolve(reference.InterfaceType), reference);
            if (target.IsInstanceOfType(proxy))
            {
                return proxy;
            }
        }
        var underlying = Nullable.GetUnderlyingType(target) ?? target;
        if (underlying.IsInstanceOfType(value))
        {
            return value;
        }
        if (value is IConvertible && (value.GetType().IsPrimitive || value is decimal) && (underlying.IsPrimitive || underlying == typeof(decimal)) && underlying != typeof(bool) && value is not bool)
        {
            // A number whose field changed type (int to long): converted only when nothing is lost (3.5 into an int is refused).
            var culture = System.Globalization.CultureInfo.InvariantCulture;
            try
            {
                var converted = Convert.ChangeType(value, underlying, culture);
                if (Equals(Convert.ChangeType(converted, value.GetType(), culture), value))
                {
                    return converted;
                }
            }
            catch (OverflowException)
            {
                // Refused below, as any value that does not fit.
            }
            throw new FormatException($"Field '{member.Name}' of '{owner}' is a '{target}', which cannot hold the stored {value} exactly.");
        }
        throw new FormatException($"Field '{member.Name}' of '{owner}' is a '{target}', and the stored value is a '{value.GetType()}'.");
    }

    private TypeShape Shape(Type type) => shapes.GetOrAdd(type, TypeShape.For);

    private Type ReadType(ref WireReader r, int depth)
    {
        Enter(depth);
        var tag = r.ReadByte();
        if (ValueTags.TypeOf.TryGetValue(tag, out var primitive))
        {
            return primitive == typeof(ObjectReference) && materializer is not null ? typeof(object) : primitive;
        }
        switch (tag)
        {
            case ValueTags.List: return ClosedTypes.Of(typeof(List<>), ReadType(ref r, depth + 1));
            case ValueTags.Array: return ClosedTypes.Of(typeof(Array), ReadType(ref r, depth + 1));
            case ValueTags.Set: return ClosedTypes.Of(typeof(HashSet<>), ReadType(ref r, depth + 1));
            case ValueTags.Nullable: return ClosedTypes.Of(typeof(Nullable<>), ReadType(ref r, depth + 1));
            case ValueTags.Dictionary:
            {
                var key = ReadType(ref r, depth + 1);
                return ClosedTypes.Of(typeof(Dictionary<,>), key, ReadType(ref r, depth + 1));
            }
            case ValueTags.Pair:
            {
                var key = ReadType(ref r, depth + 1);
                return ClosedTypes.Of(typeof(KeyValuePair<,>), key, ReadType(ref r, depth + 1));
            }
            case ValueTags.Tuple:
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
                return ClosedTypes.Tuple(types);
            }
            case ValueTags.Named:
            {
                var type = allowList.Resolve(r.ReadRequiredString());
                return typeof(IManagedObject).IsAssignableFrom(type) ? typeof(object) : type;
            }
            default:
                throw new FormatException($"Unknown type tag {tag}.");
        }
    }

    private static ObjectReference ReadReference(ref WireReader r, bool identified) => new(
        r.ReadRequiredString(), r.ReadRequiredString(), r.ReadRequiredString(), r.ReadRequiredString(), r.ReadGuid(),
        r.ReadString(), identified ? r.ReadGuid() : Guid.Empty);
}
