using System.Buffers.Binary;
using ManagedActors.Codec;
using ManagedActors.Telemetry;

namespace ManagedActors.Lane;

/// <summary>
/// The lane's writer: coalescing without waiting. A frame written while the connection is idle goes out at once, on
/// the writer's own thread, with no hop before the system call; frames written while a write is under way queue up and
/// leave together in the next write, encoded in one buffer by whichever thread finishes the write before them. No
/// timer, no lone frame ever waits for company. At most one thread writes at a time, so a stream that allows one reader
/// and one writer (<see cref="System.Net.Security.SslStream"/>) is safe.
/// </summary>
/// <typeparam name="T">What is queued: calls (encoded in runs per object), or results.</typeparam>
internal sealed class FrameWriter<T> : IDisposable
{
    private readonly Stream _stream;
    private readonly Action<WireWriter, List<T>> _encode;
    private readonly Func<T, int> _size;
    private readonly long _maxQueuedBytes;
    private readonly Action<Exception> _failed;
    private readonly Instruments? _instruments;
    private readonly object _gate = new();
    private readonly WireWriter _buffer = new(64 * 1024);
    private List<T> _queued = [];
    private List<T> _spare = [];
    private long _queuedBytes;
    private bool _writing;
    private bool _closed;
    private bool _corked;
    private int _roomWaiters;

    /// <param name="stream">The connection.</param>
    /// <param name="encode">Appends the frames of a batch of items, in order.</param>
    /// <param name="size">An item's size in bytes, roughly: what the queue bound counts.</param>
    /// <param name="maxQueuedBytes">Queued bytes past which <see cref="WaitForRoom"/> blocks.</param>
    /// <param name="failed">Called once when a write fails; the writer is closed by then.</param>
    /// <param name="instruments">Where frames written are counted.</param>
    public FrameWriter(
        Stream stream, Action<WireWriter, List<T>> encode, Func<T, int> size, long maxQueuedBytes, Action<Exception> failed, Instruments? instruments = null)
    {
        _instruments = instruments;
        _stream = stream;
        _encode = encode;
        _size = size;
        _maxQueuedBytes = maxQueuedBytes;
        _failed = failed;
    }

    /// <summary>Queues <paramref name="item"/>, writing it (and what queues behind it) now when no write is under way; false once closed.</summary>
    public bool Write(T item)
    {
        List<T> batch;
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }
            _queued.Add(item);
            _queuedBytes += _size(item);
            if (_writing || _corked)
            {
                return true;
            }
            _writing = true;
            batch = Take();
        }
        Pump(batch);
        return true;
    }

    /// <summary>
    /// Holds writes back until <see cref="Uncork"/>: a reader that is about to complete a batch of calls, whose callers
    /// each send their next call, lets those calls leave together instead of one system call each.
    /// </summary>
    public void Cork()
    {
        lock (_gate)
        {
            _corked = true;
        }
    }

    /// <summary>Lets writes go again, writing what queued meanwhile on this thread.</summary>
    public void Uncork()
    {
        List<T> batch;
        lock (_gate)
        {
            if (!_corked)
            {
                return;
            }
            _corked = false;
            if (_writing || _closed || _queued.Count == 0)
            {
                return;
            }
            _writing = true;
            batch = Take();
        }
        Pump(batch);
    }

    /// <summary>
    /// Blocks while more than the bound is queued: the host's reader calls it before reading a connection's next frame,
    /// so a client that sends calls and does not read its replies is slowed to what it reads. False once closed, or
    /// when <paramref name="timeout"/> passed with the queue still full.
    /// </summary>
    public bool WaitForRoom(TimeSpan timeout)
    {
        if (Volatile.Read(ref _queuedBytes) <= _maxQueuedBytes && !Volatile.Read(ref _closed))
        {
            return true;
        }
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_gate)
        {
            _roomWaiters++;
            try
            {
                while (!_closed && _queuedBytes > _maxQueuedBytes)
                {
                    var left = deadline - Environment.TickCount64;
                    if (left <= 0 || !Monitor.Wait(_gate, TimeSpan.FromMilliseconds(left)))
                    {
                        return false;
                    }
                }
                return !_closed;
            }
            finally
            {
                _roomWaiters--;
            }
        }
    }

    /// <summary>Waits until everything queued so far is written (a last frame before the connection closes); false on timeout.</summary>
    public bool Flush(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_gate)
        {
            _roomWaiters++;
            try
            {
                while (!_closed && (_writing || _queued.Count > 0))
                {
                    var left = deadline - Environment.TickCount64;
                    if (left <= 0 || !Monitor.Wait(_gate, TimeSpan.FromMilliseconds(left)))
                    {
                        return false;
                    }
                }
                return true;
            }
            finally
            {
                _roomWaiters--;
            }
        }
    }

    /// <summary>Refuses every later write; what is queued is dropped (the connection is going).</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _queued.Clear();
            _queuedBytes = 0;
            if (!_writing)
            {
                // The buffer goes back to the pool now, or when the write under way ends.
                _buffer.Dispose();
            }
            Monitor.PulseAll(_gate);
        }
    }

    public void Dispose() => Close();

    /// <summary>Counts the frames of one write: each is <c>[int32 length][kind][body]</c>.</summary>
    private static void Count(Instruments instruments, ReadOnlySpan<byte> written)
    {
        var frames = 0;
        for (var at = 0; at + 4 <= written.Length; at += 4 + BinaryPrimitives.ReadInt32LittleEndian(written[at..]))
        {
            frames++;
        }
        instruments.LaneFrames.Add(frames, Attributes.Transmit);
        instruments.LaneBytes.Add(written.Length, Attributes.Transmit);
    }

    private List<T> Take()
    {
        var batch = _queued;
        _queued = _spare;
        _queuedBytes = 0;
        if (_roomWaiters > 0)
        {
            Monitor.PulseAll(_gate);
        }
        return batch;
    }

    private void Pump(List<T> batch)
    {
        while (true)
        {
            try
            {
                _buffer.Clear();
                _encode(_buffer, batch);
                _stream.Write(_buffer.WrittenSpan);
                if (_instruments is { LaneFrames.Enabled: true } instruments)
                {
                    Count(instruments, _buffer.WrittenSpan);
                }
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    _writing = false;
                }
                Close();
                _failed(e);
                return;
            }
            batch.Clear();
            lock (_gate)
            {
                _spare = batch;
                if (_closed || _queued.Count == 0)
                {
                    _writing = false;
                    if (_closed)
                    {
                        _buffer.Dispose();
                    }
                    if (_roomWaiters > 0)
                    {
                        Monitor.PulseAll(_gate);
                    }
                    return;
                }
                batch = Take();
            }
        }
    }
}
