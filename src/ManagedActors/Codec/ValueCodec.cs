using System.Collections.Concurrent;

namespace ManagedActors.Codec;

/// <summary>
/// Encodes the values that travel inside calls and replies: <see cref="ValueWriter"/> writes them, <see cref="ValueReader"/>
/// reads them (totally and bounded), and <see cref="RecordCodec"/> carries the types neither writes itself through
/// Hyperion, behind a type name checked against the allow-list before a byte of the value is read.
/// </summary>
internal sealed class ValueCodec
{
    private readonly ValueWriter _writer;
    private readonly ValueReader _reader;
    private readonly long _maxDecodedSize;

    /// <param name="allowList">What may be read.</param>
    /// <param name="materializer">Makes proxies of references on a client; null on a host, which keeps references as they are.</param>
    /// <param name="trustWrittenTypes">A client trusts the types it writes itself, so their values can come back.</param>
    /// <param name="maxDepth">The deepest nesting written or read (managed-actors.max-value-depth).</param>
    /// <param name="maxDecodedSize">
    /// The most memory a value read, or one call's arguments, may take (managed-actors.max-decoded-size); unbounded when
    /// null (values this process wrote itself).
    /// </param>
    public ValueCodec(TypeAllowList allowList, IReferenceMaterializer? materializer, bool trustWrittenTypes, int maxDepth = 64, long? maxDecodedSize = null)
    {
        _maxDecodedSize = maxDecodedSize ?? long.MaxValue;
        AllowList = allowList;
        var records = new RecordCodec(allowList, materializer, maxDepth);
        var shapes = new ConcurrentDictionary<Type, TypeShape>();
        _writer = new ValueWriter(allowList, trustWrittenTypes, records, shapes, maxDepth);
        _reader = new ValueReader(allowList, materializer, records, shapes, maxDepth);
    }

    public TypeAllowList AllowList { get; }

    public byte[] Encode(object? value)
    {
        using var writer = new WireWriter();
        Write(writer, value);
        return writer.ToArray();
    }

    public void Write(WireWriter w, object? value) => _writer.Write(w, value, 0);

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

    /// <summary>Reads one whole value; any malformed input is a <see cref="ManagedActorsException"/>, never anything else.</summary>
    public object? Decode(byte[] bytes)
    {
        var reader = new WireReader(bytes);
        var value = Read(ref reader);
        if (!reader.AtEnd)
        {
            throw ValueReader.Malformed(new FormatException("Trailing bytes after a value."));
        }
        return value;
    }

    /// <summary>Reads what <see cref="EncodeAll"/> wrote.</summary>
    public object?[] DecodeAll(byte[] bytes)
    {
        var reader = new WireReader(bytes);
        var budget = new DecodeBudget(_maxDecodedSize);
        var values = new object?[reader.ReadCount()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = _reader.Read(ref reader, ref budget);
        }
        return values;
    }

    /// <summary>
    /// Reads a call's argument list (what <see cref="EncodeAll"/> writes), which must hold exactly <paramref name="expected"/>
    /// values and nothing after them.
    /// </summary>
    /// <exception cref="ArgumentException">Another count, or bytes left over.</exception>
    /// <exception cref="ManagedActorsException">A value is malformed or refused.</exception>
    public object?[] DecodeArguments(byte[] bytes, int expected)
    {
        var reader = new WireReader(bytes);
        int count;
        try
        {
            count = reader.ReadCount();
        }
        catch (FormatException e)
        {
            throw new ArgumentException("The arguments are malformed: " + e.Message, e);
        }
        if (count != expected)
        {
            throw new ArgumentException($"Expected {expected} arguments, got {count}.");
        }
        // One budget for the whole call: its arguments together may take at most the maximum.
        var budget = new DecodeBudget(_maxDecodedSize);
        var args = count == 0 ? [] : new object?[count];
        for (var i = 0; i < count; i++)
        {
            args[i] = _reader.Read(ref reader, ref budget);
        }
        if (!reader.AtEnd)
        {
            throw new ArgumentException("Trailing bytes after the arguments.");
        }
        return args;
    }

    /// <summary>Reads one value (<see cref="ValueReader.Read"/>), within the maximum it may take in memory.</summary>
    public object? Read(ref WireReader r)
    {
        var budget = new DecodeBudget(_maxDecodedSize);
        return _reader.Read(ref r, ref budget);
    }
}
