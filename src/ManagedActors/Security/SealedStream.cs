using System.Buffers.Binary;

namespace ManagedActors.Security;

/// <summary>
/// A stream whose bytes cross the connection in sealed records, <c>[int32 length][ciphertext and tag]</c>, little-endian,
/// each one AES-256-GCM under its direction's key and numbered in order (<see cref="SealedChannel"/>). A write becomes as
/// few records as the record limit allows, sent with one system call up to <see cref="MaxWriteBuffer"/>; a read takes
/// whatever the socket has, and opens every whole record that fits straight into the caller's buffer. A record's length
/// is checked before a byte of it is buffered, and a record that does not open (changed, injected, replayed, reordered)
/// ends the stream with a <see cref="SealedRecordException"/>. One reader and one writer may use it at once.
/// </summary>
internal sealed class SealedStream : Stream
{
    /// <summary>The most plain bytes one record carries.</summary>
    public const int MaxRecord = 64 * 1024;

    /// <summary>Sealed bytes gathered for one system call before they are written.</summary>
    public const int MaxWriteBuffer = 256 * 1024;

    private const int Header = 4;
    private const int MaxSealedRecord = Header + MaxRecord + SealedChannel.Overhead;

    private readonly Stream _inner;
    private readonly SealedChannel _channel;
    private readonly byte[] _raw = new byte[2 * MaxSealedRecord];
    private int _rawStart, _rawEnd;
    private readonly byte[] _plain = new byte[MaxRecord];
    private int _plainStart, _plainEnd;
    private byte[] _out = new byte[16 * 1024];
    private int _disposed;

    public SealedStream(Stream inner, SealedChannel channel)
    {
        _inner = inner;
        _channel = channel;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Reads at least one byte (blocking for the network only when nothing is buffered), or 0 at the stream's end between records.</summary>
    /// <exception cref="SealedRecordException">A record that is too long or does not open.</exception>
    /// <exception cref="IOException">The connection broke, or closed inside a record.</exception>
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }
        while (true)
        {
            var written = Drain(buffer);
            if (written > 0)
            {
                return written;
            }
            if (!FillRecord())
            {
                return 0;
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    /// <summary>Seals <paramref name="buffer"/> as records and writes them.</summary>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var used = 0;
        while (!buffer.IsEmpty)
        {
            var chunk = Math.Min(buffer.Length, MaxRecord);
            var size = Header + chunk + SealedChannel.Overhead;
            if (used + size > _out.Length)
            {
                if (used > 0 && used + size > MaxWriteBuffer)
                {
                    _inner.Write(_out, 0, used);
                    used = 0;
                }
                if (used + size > _out.Length)
                {
                    Array.Resize(ref _out, Math.Max(used + size, Math.Min(_out.Length * 2, MaxWriteBuffer)));
                }
            }
            BinaryPrimitives.WriteInt32LittleEndian(_out.AsSpan(used), chunk + SealedChannel.Overhead);
            _channel.Seal(buffer[..chunk], _out.AsSpan(used + Header, chunk + SealedChannel.Overhead));
            used += size;
            buffer = buffer[chunk..];
        }
        if (used > 0)
        {
            _inner.Write(_out, 0, used);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush() => _inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _inner.Dispose();
            _channel.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>Copies what is open already, then opens whole buffered records into <paramref name="buffer"/> while they fit.</summary>
    private int Drain(Span<byte> buffer)
    {
        var written = 0;
        if (_plainStart < _plainEnd)
        {
            written = Math.Min(buffer.Length, _plainEnd - _plainStart);
            _plain.AsSpan(_plainStart, written).CopyTo(buffer);
            _plainStart += written;
            if (_plainStart < _plainEnd)
            {
                return written;
            }
        }
        while (written < buffer.Length && WholeRecord() is var sealedLength and > 0)
        {
            var sealedRecord = _raw.AsSpan(_rawStart + Header, sealedLength);
            var plainLength = sealedLength - SealedChannel.Overhead;
            if (plainLength <= buffer.Length - written)
            {
                Open(sealedRecord, buffer[written..]);
                written += plainLength;
            }
            else if (written == 0)
            {
                Open(sealedRecord, _plain);
                (_plainStart, _plainEnd) = (0, plainLength);
                written = Math.Min(buffer.Length, plainLength);
                _plain.AsSpan(0, written).CopyTo(buffer);
                _plainStart = written;
            }
            else
            {
                break;
            }
            _rawStart += Header + sealedLength;
        }
        return written;
    }

    private void Open(ReadOnlySpan<byte> sealedRecord, Span<byte> plain)
    {
        if (!_channel.Open(sealedRecord, plain))
        {
            throw new SealedRecordException("a record did not open (it was changed, injected, replayed or reordered on the path)");
        }
    }

    /// <summary>The sealed length of the whole record buffered at <see cref="_rawStart"/>, or 0 when it is not all here.</summary>
    private int WholeRecord()
    {
        var buffered = _rawEnd - _rawStart;
        if (buffered < Header)
        {
            return 0;
        }
        var length = BinaryPrimitives.ReadInt32LittleEndian(_raw.AsSpan(_rawStart));
        if (length < SealedChannel.Overhead || length > MaxRecord + SealedChannel.Overhead)
        {
            throw new SealedRecordException($"a record of {length} bytes (limit {MaxRecord + SealedChannel.Overhead})");
        }
        return buffered >= Header + length ? length : 0;
    }

    /// <summary>Reads until a whole record is buffered; false when the connection closed between records.</summary>
    private bool FillRecord()
    {
        while (WholeRecord() == 0)
        {
            if (_raw.Length - _rawStart < MaxSealedRecord)
            {
                Buffer.BlockCopy(_raw, _rawStart, _raw, 0, _rawEnd - _rawStart);
                _rawEnd -= _rawStart;
                _rawStart = 0;
            }
            var read = _inner.Read(_raw, _rawEnd, _raw.Length - _rawEnd);
            if (read == 0)
            {
                return _rawEnd == _rawStart ? false : throw new IOException("The connection closed inside a sealed record.");
            }
            _rawEnd += read;
        }
        return true;
    }
}

/// <summary>A sealed record that is too long or does not open: the connection that carried it is closed.</summary>
internal sealed class SealedRecordException(string what) : IOException($"The connection was closed: {what}.");
