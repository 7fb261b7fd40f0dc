using System.Buffers.Binary;
using ManagedActors.Telemetry;

namespace ManagedActors.Lane;

/// <summary>
/// Reads the lane's frames from a stream on the connection's reader thread, blocking: a frame wakes the thread straight
/// from the socket, with no hop through the thread pool. Many small frames that arrive together are read with one
/// system call; a frame's length is checked against the limit before a byte of its body is buffered.
/// </summary>
internal sealed class FrameReader
{
    private readonly Stream _stream;
    private readonly int _maxFrame;
    private readonly Instruments? _instruments;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <param name="stream">The connection, after its handshake.</param>
    /// <param name="maxFrame">The largest frame accepted, in bytes.</param>
    /// <param name="instruments">Where frames read are counted.</param>
    public FrameReader(Stream stream, int maxFrame, Instruments? instruments = null)
    {
        _stream = stream;
        _maxFrame = maxFrame;
        _instruments = instruments;
    }

    /// <summary>
    /// The next frame: its kind, and its body as a range of <see cref="Frame.Buffer"/> valid until the next read.
    /// False when the peer closed the connection between frames.
    /// </summary>
    /// <exception cref="MalformedFrameException">A length over the limit or under one byte.</exception>
    /// <exception cref="IOException">The connection broke, or closed inside a frame.</exception>
    public bool TryRead(out Frame frame)
    {
        frame = default;
        if (!Fill(4, allowEnd: true))
        {
            return false;
        }
        var length = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_start, 4));
        if (length < 1 || length > _maxFrame)
        {
            throw new MalformedFrameException("lane", new FormatException($"A frame of {length} bytes (limit {_maxFrame})."));
        }
        Fill(4 + length, allowEnd: false);
        frame = new Frame(_buffer[_start + 4], _buffer, _start + 5, length - 1);
        _start += 4 + length;
        if (_instruments is { LaneFrames.Enabled: true } instruments)
        {
            instruments.LaneFrames.Add(1, Attributes.Receive);
            instruments.LaneBytes.Add(4 + length, Attributes.Receive);
        }
        return true;
    }

    /// <summary>Whether a whole frame is buffered already, so the next read will not wait for the network.</summary>
    public bool HasBufferedFrame =>
        _end - _start >= 4 && _end - _start >= 4 + (long)BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_start, 4));

    /// <summary>Makes at least <paramref name="count"/> bytes available from <see cref="_start"/>.</summary>
    private bool Fill(int count, bool allowEnd)
    {
        if (_end - _start >= count)
        {
            return true;
        }
        if (_buffer.Length - _start < count)
        {
            // Compact, and grow for a frame larger than the buffer (up to the frame limit checked above).
            var target = count > _buffer.Length ? new byte[Math.Max(count, _buffer.Length * 2)] : _buffer;
            Buffer.BlockCopy(_buffer, _start, target, 0, _end - _start);
            _end -= _start;
            _start = 0;
            _buffer = target;
        }
        while (_end - _start < count)
        {
            var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                if (allowEnd && _end == _start)
                {
                    return false;
                }
                throw new IOException("The connection closed inside a frame.");
            }
            _end += read;
        }
        return true;
    }

    /// <summary>One frame's kind and body.</summary>
    public readonly record struct Frame(byte Kind, byte[] Buffer, int Offset, int Count);
}
