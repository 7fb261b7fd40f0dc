using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using ManagedActors.Client;
using ManagedActors.Tests.Clustering;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Security;

/// <summary>
/// Without TLS, the path between a client and its host is read, and written, by a relay on loopback that the host's
/// advertised port points at. Every payload is sealed under keys from the key exchange's own agreement: the relay sees
/// neither the session token nor a value, and a byte it changes closes the connection.
/// </summary>
[Collection(ProcessHeavy.Name)]
public sealed class SealedTransportSpec : IAsyncLifetime, IDisposable
{
    private readonly Relay _relay = new();
    private Manager _host = null!;

    public async Task InitializeAsync()
    {
        // The host binds one port and advertises the relay's, so its clients dial the relay.
        _relay.Target = HostProcess.FreePort();
        _host = await Manager.StartAsync(SessionFixture.Options with
        {
            Port = _relay.Target,
            Config = SessionFixture.TestHocon + $"\nakka.remote.dot-netty.tcp.public-port = {_relay.Port}",
        });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public void Dispose() => _relay.Dispose();

    [Fact]
    public async Task A_reader_of_the_path_sees_no_token_and_no_value()
    {
        await using var client = await Manager.ConnectAsync(_host.Address, _host.AuthKey, new ClientOptions { Transport = CallTransport.AkkaRemote });
        var dict = await client.DictAsync<string, string>("secrets");
        await dict.SetAsync("password", "correct-horse-battery-staple").Within();
        Assert.Equal("correct-horse-battery-staple", await dict.GetAsync("password").Within());

        var seen = _relay.Recorded();
        // The relay did carry the conversation: the key exchange's addresses cross in the clear...
        Assert.Contains("managed-actors-client@", Encoding.ASCII.GetString(seen));
        // ...but nothing after it: neither the session token that every call carries, nor the value, nor the object's name.
        Assert.False(Contains(seen, client.Runtime.Connection.Session.ToByteArray()), "The session token crossed in the clear.");
        Assert.False(Contains(seen, Encoding.UTF8.GetBytes("correct-horse-battery-staple")), "The value crossed in the clear.");
        Assert.False(Contains(seen, Encoding.UTF8.GetBytes("secrets")), "The object's name crossed in the clear.");
    }

    [Fact]
    public async Task A_byte_changed_on_the_path_closes_the_connection()
    {
        await using var client = await Manager.ConnectAsync(_host.Address, _host.AuthKey, new ClientOptions { Transport = CallTransport.AkkaRemote });
        var dict = await client.DictAsync<string, int>("counted");
        await dict.SetAsync("n", 1).Within();
        var closed = LoggedWarnings.Of(_host.Host.System);

        _relay.FlipNextToHost();
        _ = dict.SetAsync("n", 2);
        await Bounded.EventuallyAsync(() => Task.FromResult(closed.Any(w => w.Contains("a payload did not open"))),
            "the host closing the connection whose payload was changed");
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;



    /// <summary>A TCP relay on loopback that records both directions and can change one byte going to the host.</summary>
    private sealed class Relay : IDisposable
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
}
