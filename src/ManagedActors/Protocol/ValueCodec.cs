using System.Collections.Concurrent;

namespace ManagedActors.Protocol;

/// <summary>
/// Encodes the values that travel inside calls and replies. The common types (primitives, strings, byte arrays,
/// lists, arrays, dictionaries and sets of them, tuples, proxies) are written directly; any other type goes
/// through Hyperion, behind its type name, which is checked against the allow-list before a byte of it is read.
/// </summary>
internal sealed partial class ValueCodec
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
    private readonly int _maxDepth;
    private readonly Hyperion.Serializer _writer;
    private readonly Hyperion.Serializer _reader;
    private readonly ConcurrentDictionary<Type, TypeShape> _shapes = new();
    private static readonly ConcurrentDictionary<(Type Definition, Type First, Type? Second), Type> Constructed = new();

    /// <param name="allowList">What may be read.</param>
    /// <param name="materializer">Makes proxies of references on a client; null on a host, which keeps references as they are.</param>
    /// <param name="trustWrittenTypes">A client trusts the types it writes itself, so their values can come back.</param>
    /// <param name="maxDepth">The deepest nesting written or read (managed-actors.max-value-depth).</param>
    public ValueCodec(TypeAllowList allowList, IReferenceMaterializer? materializer, bool trustWrittenTypes, int maxDepth = 64)
    {
        _allowList = allowList;
        _maxDepth = maxDepth;
        _materializer = materializer;
        _trustWrittenTypes = trustWrittenTypes;
        // A proxy inside a record travels as its reference, and is a live proxy again where it is read.
        var surrogates = new[]
        {
            Hyperion.Surrogate.Create<IManagedProxy, ProxySurrogate>(ProxySurrogate.From, FromSurrogate),
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

    /// <summary>
    /// A proxy read from inside a record: on a client a live proxy; elsewhere (a host) an inert one that only carries
    /// its reference, so the record keeps its field's interface type and can be sent on.
    /// </summary>
    private IManagedProxy FromSurrogate(ProxySurrogate surrogate)
    {
        var reference = surrogate.ToReference();
        return _materializer is not null
            ? (IManagedProxy)_materializer.Materialize(reference)
            : (IManagedProxy)InertProxy.Create(_allowList.Resolve(reference.InterfaceType), reference);
    }

    private sealed class HyperionTypeFilter(TypeAllowList allowList) : Hyperion.ITypeFilter
    {
        public bool IsAllowed(string typeName) => allowList.IsAllowedForHyperion(typeName);
    }

}
