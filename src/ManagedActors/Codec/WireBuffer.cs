using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ManagedActors.Codec;

/// <summary>A growable byte buffer for the wire format; rented from the shared pool, so callers dispose it.</summary>
internal sealed class WireWriter : IDisposable
{
    private byte[] _buffer;
    private int _position;

    public WireWriter(int initialCapacity = 256) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int Length => _position;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _position);

    public byte[] ToArray() => _buffer.AsSpan(0, _position).ToArray();

    /// <summary>Forgets what was written after <paramref name="length"/> bytes.</summary>
    public void Truncate(int length) => _position = Math.Clamp(length, 0, _position);

    /// <summary>Writes a non-null string already encoded as UTF-8, as <see cref="WriteString"/> would write it.</summary>
    public void WriteUtf8(ReadOnlySpan<byte> utf8)
    {
        WriteVarUInt((ulong)utf8.Length + 1);
        utf8.CopyTo(Reserve(utf8.Length));
    }

    /// <summary>Forgets what was written, keeping the buffer for the next use.</summary>
    public void Clear() => _position = 0;

    /// <summary>Leaves room for a 32-bit value written later with <see cref="PatchInt32"/>; its position.</summary>
    public int ReserveInt32()
    {
        Reserve(4);
        return _position - 4;
    }

    public void PatchInt32(int position, int value) => BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(position, 4), value);

    private Span<byte> Reserve(int count)
    {
        if (_position + count > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _position + count));
            _buffer.AsSpan(0, _position).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    /// <summary>Writes <paramref name="bytes"/> as they are, with no length: the reader knows how many to take.</summary>
    public void WriteFixed(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    public void WriteVarUInt(ulong value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        WriteByte((byte)value);
    }

    public void WriteVarInt(long value) => WriteVarUInt((ulong)((value << 1) ^ (value >> 63)));

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);

    public void WriteSingle(float value) => BinaryPrimitives.WriteSingleLittleEndian(Reserve(4), value);

    public void WriteGuid(Guid value) => value.TryWriteBytes(Reserve(16));

    public void WriteDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        foreach (var b in bits)
        {
            WriteInt32(b);
        }
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteVarUInt((ulong)bytes.Length);
        bytes.CopyTo(Reserve(bytes.Length));
    }

    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteVarUInt(0);
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max < 128)
        {
            // Reserve the worst case, write, then fix the one-byte length prefix.
            var start = _position;
            var span = Reserve(1 + max);
            var count = Encoding.UTF8.GetBytes(value, span[1..]);
            span[0] = (byte)(count + 1);
            _position = start + 1 + count;
            return;
        }
        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt((ulong)byteCount + 1);
        Encoding.UTF8.GetBytes(value, Reserve(byteCount));
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>Reads what <see cref="WireWriter"/> wrote; every read is bounds-checked and malformed input throws <see cref="FormatException"/>.</summary>
internal struct WireReader
{
    private readonly byte[] _buffer;
    private readonly int _end;
    private int _position;

    public WireReader(byte[] buffer)
    {
        _buffer = buffer;
        _position = 0;
        _end = buffer.Length;
    }

    /// <summary>Reads the <paramref name="count"/> bytes of <paramref name="buffer"/> from <paramref name="offset"/> on.</summary>
    public WireReader(byte[] buffer, int offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + count, buffer.Length);
        _buffer = buffer;
        _position = offset;
        _end = offset + count;
    }

    public readonly bool AtEnd => _position >= _end;

    public readonly byte[] Buffer => _buffer;

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _position + count > _end)
        {
            throw new FormatException("Truncated ManagedActors message.");
        }
        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    public byte ReadByte() => Take(1)[0];

    /// <summary>Reads <paramref name="count"/> bytes written with <see cref="WireWriter.WriteFixed"/>.</summary>
    public ReadOnlySpan<byte> ReadFixed(int count) => Take(count);

    public ulong ReadVarUInt()
    {
        ulong result = 0;
        var shift = 0;
        while (true)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
            shift += 7;
            if (shift > 63)
            {
                throw new FormatException("Malformed variable-length integer.");
            }
        }
    }

    public long ReadVarInt()
    {
        var raw = ReadVarUInt();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public int ReadLength()
    {
        var length = ReadVarUInt();
        if (length > (ulong)(_end - _position))
        {
            throw new FormatException("Length prefix exceeds the message.");
        }
        return (int)length;
    }

    public int ReadCount()
    {
        // A count of elements, each at least one byte long: bounded by what is left.
        var count = ReadVarUInt();
        if (count > (ulong)(_end - _position))
        {
            throw new FormatException("Element count exceeds the message.");
        }
        return (int)count;
    }

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public float ReadSingle() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public Guid ReadGuid() => new(Take(16));

    public decimal ReadDecimal()
    {
        Span<int> bits = stackalloc int[4];
        for (var i = 0; i < 4; i++)
        {
            bits[i] = ReadInt32();
        }
        return new decimal(bits);
    }

    public byte[] ReadBytes() => Take(ReadLength()).ToArray();

    public (int Offset, int Count) ReadSlice()
    {
        var count = ReadLength();
        var offset = _position;
        _position += count;
        return (offset, count);
    }

    public string? ReadString()
    {
        var raw = ReadVarUInt();
        if (raw == 0)
        {
            return null;
        }
        var length = raw - 1;
        if (length > (ulong)(_end - _position))
        {
            throw new FormatException("String length exceeds the message.");
        }
        return Encoding.UTF8.GetString(Take((int)length));
    }

    public string ReadRequiredString() => ReadString() ?? throw new FormatException("Unexpected null string.");

    /// <summary>A non-null string's UTF-8 bytes, as they are in the message (what <see cref="WireWriter.WriteUtf8"/> wrote).</summary>
    public ReadOnlySpan<byte> ReadUtf8()
    {
        var raw = ReadVarUInt();
        if (raw == 0 || raw - 1 > (ulong)(_end - _position))
        {
            throw new FormatException(raw == 0 ? "Unexpected null string." : "String length exceeds the message.");
        }
        return Take((int)(raw - 1));
    }
}
