using ManagedActors.Codec;
using ManagedActors.Lane;
using Xunit;

namespace ManagedActors.Tests.Lane;

/// <summary>
/// The lane's writer: every frame written once and in each writer's order, however many threads write; what queues behind
/// a write under way or a cork leaves together; a reader that does not read holds its writer back; a broken stream is
/// reported once, and nothing is written after.
/// </summary>
public sealed class FrameWriterSpec
{
    private static FrameWriter<long> Writer(Stream stream, long maxQueuedBytes = long.MaxValue, Action<Exception>? failed = null) =>
        new(stream, static (w, items) =>
        {
            foreach (var item in items)
            {
                w.WriteInt64(item);
            }
        }, static _ => 8, maxQueuedBytes, failed ?? (_ => { }));

    private static List<long> Items(byte[] bytes)
    {
        var reader = new WireReader(bytes);
        var items = new List<long>();
        while (!reader.AtEnd)
        {
            items.Add(reader.ReadInt64());
        }
        return items;
    }

    [Fact]
    public async Task Frames_from_many_threads_are_each_written_once_in_each_writer_s_order()
    {
        var stream = new GatedStream(blockWrites: false);
        var writer = Writer(stream);
        const int Threads = 8, PerThread = 2_000;
        using var start = new Barrier(Threads);
        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < PerThread; i++)
            {
                Assert.True(writer.Write(((long)t << 32) | (uint)i));
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
        Assert.True(writer.Flush(TimeSpan.FromSeconds(10)));

        var written = Items(stream.Written());
        Assert.Equal(Threads * PerThread, written.Count);
        Assert.Equal(written.Count, written.Distinct().Count());
        foreach (var thread in written.GroupBy(id => id >> 32))
        {
            Assert.Equal(thread.OrderBy(id => id), thread);
        }
    }

    [Fact]
    public async Task Frames_that_queue_behind_a_write_under_way_leave_together_in_the_next_write()
    {
        var stream = new GatedStream(blockWrites: true);
        var writer = Writer(stream);
        var first = Task.Run(() => writer.Write(1));
        Assert.True(stream.WriteStarted.Wait(TimeSpan.FromSeconds(10)), "The first write did not start.");
        // The first write is under way (held by the stream): these queue, and return at once.
        for (var i = 2; i <= 5; i++)
        {
            Assert.True(writer.Write(i));
        }
        stream.Release();
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(writer.Flush(TimeSpan.FromSeconds(10)));

        Assert.Equal([[1L], [2L, 3L, 4L, 5L]], stream.Writes.Select(Items));
    }

    [Fact]
    public void A_cork_holds_writes_back_until_it_is_lifted_then_they_leave_in_one_write()
    {
        var stream = new GatedStream(blockWrites: false);
        var writer = Writer(stream);
        writer.Cork();
        writer.Write(1);
        writer.Write(2);
        Assert.Empty(stream.Writes);

        writer.Uncork();

        Assert.Equal([[1L, 2L]], stream.Writes.Select(Items));
    }

    [Fact]
    public async Task A_reader_that_does_not_read_holds_the_writer_back_until_the_queue_drains()
    {
        var stream = new GatedStream(blockWrites: true);
        var writer = Writer(stream, maxQueuedBytes: 16);
        _ = Task.Run(() => writer.Write(0));
        Assert.True(stream.WriteStarted.Wait(TimeSpan.FromSeconds(10)));
        for (var i = 1; i <= 3; i++)
        {
            writer.Write(i);
        }
        // 24 bytes queued behind a write that does not end: no room.
        Assert.False(writer.WaitForRoom(TimeSpan.FromMilliseconds(50)));

        var waiting = Task.Run(() => writer.WaitForRoom(TimeSpan.FromSeconds(10)));
        stream.Release();

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)), "The writer did not get its room back once the queue drained.");
    }

    [Fact]
    public void A_broken_stream_is_reported_once_and_nothing_is_written_after()
    {
        var failures = 0;
        var stream = new GatedStream(blockWrites: false) { Broken = true };
        var writer = Writer(stream, failed: _ => Interlocked.Increment(ref failures));

        writer.Write(1);
        var later = writer.Write(2);

        Assert.False(later);
        Assert.Equal(1, failures);
        Assert.False(writer.WaitForRoom(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_closed_writer_refuses_frames_and_drops_what_was_queued()
    {
        var stream = new GatedStream(blockWrites: true);
        var writer = Writer(stream);
        var first = Task.Run(() => writer.Write(1));
        Assert.True(stream.WriteStarted.Wait(TimeSpan.FromSeconds(10)));
        writer.Write(2);

        writer.Close();
        stream.Release();

        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(writer.Write(3));
        Assert.Equal([[1L]], stream.Writes.Select(Items));
    }

    /// <summary>A stream that records each write, and can hold a write until released (a peer that does not read).</summary>
    private sealed class GatedStream(bool blockWrites) : Stream
    {
        private readonly SemaphoreSlim _gate = new(0);
        private readonly object _lock = new();
        private readonly List<byte[]> _writes = [];

        public ManualResetEventSlim WriteStarted { get; } = new();

        public bool Broken { get; init; }

        public List<byte[]> Writes
        {
            get
            {
                lock (_lock)
                {
                    return [.. _writes];
                }
            }
        }

        public byte[] Written() => Writes.SelectMany(w => w).ToArray();

        /// <summary>Lets the held write (and every later one) through.</summary>
        public void Release() => _gate.Release(int.MaxValue / 2);

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Broken)
            {
                throw new IOException("The connection broke.");
            }
            var copy = buffer.ToArray();
            WriteStarted.Set();
            if (blockWrites)
            {
                _gate.Wait();
            }
            lock (_lock)
            {
                _writes.Add(copy);
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
