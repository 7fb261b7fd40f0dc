namespace ManagedActors.Codec;

/// <summary>
/// Values of the types the codec does not write itself (the user's records), through Hyperion. The reader's type filter
/// is the allow-list, checked before a byte of a value is read; a proxy inside a record travels as its reference and is
/// a live proxy again where it is read (an inert one on a host); nesting is bounded as the rest of the codec's.
/// </summary>
internal sealed class RecordCodec
{
    private readonly TypeAllowList _allowList;
    private readonly IReferenceMaterializer? _materializer;
    private readonly int _maxDepth;
    private readonly Hyperion.Serializer _writer;
    private readonly Hyperion.Serializer _reader;

    public RecordCodec(TypeAllowList allowList, IReferenceMaterializer? materializer, int maxDepth)
    {
        _allowList = allowList;
        _materializer = materializer;
        _maxDepth = maxDepth;
        var surrogates = new[] { Hyperion.Surrogate.Create<IManagedProxy, ProxySurrogate>(ProxySurrogate.From, FromSurrogate) };
        _writer = new Hyperion.Serializer(Options(surrogates, Hyperion.DisabledTypeFilter.Instance));
        _reader = new Hyperion.Serializer(Options(surrogates, new AllowListFilter(allowList)));
    }

    /// <summary>Writes <paramref name="value"/> of <paramref name="type"/> at nesting <paramref name="depth"/>.</summary>
    /// <exception cref="ManagedSerializationException">Hyperion cannot write it, or it nests too deep.</exception>
    public void Write(WireWriter w, object value, Type type, int depth)
    {
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

    /// <summary>Reads a value announced as <paramref name="type"/> (already checked against the allow-list).</summary>
    /// <exception cref="ManagedSerializationException">The bytes are not a value of that type.</exception>
    /// <exception cref="FormatException">The value is another type, or nests too deep.</exception>
    public object? Read(ref WireReader r, Type type, int depth, ref DecodeBudget budget)
    {
        var (offset, count) = r.ReadSlice();
        // At least its bytes; what Hyperion makes of them is not known before it is made (docs/security.md).
        budget.Charge(count);
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

    private static Hyperion.SerializerOptions Options(Hyperion.Surrogate[] surrogates, Hyperion.ITypeFilter filter) => new(
        versionTolerance: false, preserveObjectReferences: true, surrogates: surrogates, serializerFactories: null,
        knownTypes: null, ignoreISerializable: false, packageNameOverrides: [Renamed], disallowUnsafeTypes: true, typeFilter: filter);

    /// <summary>
    /// The library's own types that a stored value names by their former names: values written before a type moved (a
    /// proxy inside a journaled record names its surrogate) read as the type's present name.
    /// </summary>
    private static readonly Dictionary<string, string> Moved = new(StringComparer.Ordinal)
    {
        ["ManagedActors.Protocol.ProxySurrogate, ManagedActors"] = typeof(ProxySurrogate).FullName + ", ManagedActors",
    };

    /// <summary>The present name of a type a value names (<see cref="Moved"/>); any other name as it is.</summary>
    public static string Renamed(string typeName) => Moved.GetValueOrDefault(typeName, typeName);

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

    private sealed class AllowListFilter(TypeAllowList allowList) : Hyperion.ITypeFilter
    {
        public bool IsAllowed(string typeName) => allowList.IsAllowedForHyperion(typeName);
    }
}
