using System.Net;
using System.Net.Sockets;

namespace ManagedActors.Tests.Support;

/// <summary>A TCP relay on loopback that records both directions and can change one byte going to the host.</summary>
internal sealed class Relay : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly MemoryStream _recorded = new();
    private readonly CancellationTokenSource _stop = new();
    private int _flip;

    public Relay()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    public int Target { get; set; }

    public void FlipNextToHost() => Interlocked.Exchange(ref _flip, 1);

    public byte[] Recorded()
    {
        lock (_recorded)
        {
            return _recorded.ToArray();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            var outbound = new TcpClient();
            await outbound.ConnectAsync(IPAddress.Loopback, Target, _stop.Token);
            _ = PumpAsync(inbound.GetStream(), outbound.GetStream(), toHost: true);
            _ = PumpAsync(outbound.GetStream(), inbound.GetStream(), toHost: false);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool toHost)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (toHost && Interlocked.Exchange(ref _flip, 0) == 1)
                {
                    buffer[read - 1] ^= 0x01;
                }
                lock (_recorded)
                {
                    _recorded.Write(buffer, 0, read);
                }
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // One side closed.
        }
        finally
        {
            from.Close();
            to.Close();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
