using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Net;
using ManagedActors.Lane;
using ManagedActors.Protocol;

namespace ManagedActors.LoadDriver;

/// <summary>
/// The direct lane's floor: a bare socket echo over the lane's own framing (the same frame reader, coalescing writer
/// and thread layout: blocking sockets, a reader thread per connection that answers on its own thread, writes from the
/// caller's thread, replies completing the caller on the client's reader thread), with no handshake, codec, session,
/// actor or object in between. A call of the library over the lane cannot be faster than this.
/// </summary>
internal static class SocketEcho
{
    public static Task<int> HostAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(64);
        Console.WriteLine("ADDRESS 127.0.0.1:" + ((IPEndPoint)listener.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture));
        while (true)
        {
            var socket = listener.Accept();
            socket.NoDelay = true;
            var stream = new NetworkStream(socket, ownsSocket: true);
            var writer = new FrameWriter<Results>(stream, static (w, batch) => batch.ForEach(r => LaneFrames.WriteResults(w, r)), static _ => 64, long.MaxValue, static _ => { });
            new Thread(() =>
            {
                var reader = new FrameReader(stream, 1 << 20);
                try
                {
                    while (reader.TryRead(out var frame))
                    {
                        var (_, calls) = LaneFrames.ReadCalls(frame.Buffer, frame.Offset, frame.Count);
                        var results = new CallResult[calls.Length];
                        for (var i = 0; i < calls.Length; i++)
                        {
                            results[i] = new CallResult(calls[i].CallId, false, calls[i].Args);
                        }
                        writer.Write(new Results(results));
                    }
                }
                catch (IOException)
                {
                }
                writer.Dispose();
                stream.Dispose();
            }) { IsBackground = true }.Start();
        }
    }

    public static async Task<int> ClientAsync(Options options)
    {
        var address = options.Get("address", "");
        var port = int.Parse(address[(address.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(IPAddress.Loopback, port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var pending = new ConcurrentDictionary<long, TaskCompletionSource>();
        var calls = new List<CallRequest>(1);
        using var writer = new FrameWriter<CallRequest>(stream, (w, batch) => LaneFrames.WriteCalls(w, "echo", batch, 0, batch.Count), static _ => 64, long.MaxValue, static _ => { });
        new Thread(() =>
        {
            var reader = new FrameReader(stream, 1 << 20);
            try
            {
                while (reader.TryRead(out var frame))
                {
                    foreach (var result in LaneFrames.ReadResults(frame.Buffer, frame.Offset, frame.Count).Items)
                    {
                        if (pending.TryRemove(result.CallId, out var call))
                        {
                            call.TrySetResult();
                        }
                    }
                }
            }
            catch (IOException)
            {
            }
        }) { IsBackground = true }.Start();
        var payload = new byte[24];
        long nextId = 0;
        Task Call()
        {
            var id = Interlocked.Increment(ref nextId);
            var done = new TaskCompletionSource();
            pending[id] = done;
            writer.Write(new CallRequest(id, 1, payload));
            return done.Task;
        }
        for (var i = 0; i < 2000; i++)
        {
            await Call();
        }
        await Roles.WaitUntil(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(options.Get("start-at", "0"), CultureInfo.InvariantCulture)));
        Console.WriteLine("RESULT " + await Roles.SampleLatency(options.Int("count", 20000), Call));
        return 0;
    }
}
