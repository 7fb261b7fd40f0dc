using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Akka.Actor;
using ManagedActors.Protocol;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Security;

/// <summary>
/// The authenticated transport: no connection reaches Akka's protocol on a host (or a client) before it proved the
/// authkey. Attacked from ActorSystems without the key or with another one, and from bare sockets.
/// </summary>
public sealed class AssociationGuardSpec : IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(SessionFixture.Options with
    {
        Config = SessionFixture.TestHocon + "\nmanaged-actors.handshake.transport-timeout = 1s",
    });

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    private int Port => Akka.Actor.Address.Parse(_manager.Address).Port!.Value;

    [Fact]
    public async Task A_system_without_the_key_reaches_neither_the_gatekeeper_nor_an_object()
    {
        var dict = await _manager.DictAsync<string, int>("guarded");
        await dict.SetAsync("a", 1);
        var objectPath = Wire.PathOf(dict);
        await using var stranger = RawPeer.Start(null);
        await using var wrongKey = RawPeer.Start(RandomNumberGenerator.GetBytes(32));
        foreach (var (peer, address, path) in new[]
                 {
                     (stranger, RawPeer.Plain(_manager.Address), RawPeer.Plain(objectPath)),
                     (wrongKey, _manager.Address, objectPath),
                 })
        {
            // The library's own protocol is not answered...
            await Assert.ThrowsAsync<AskTimeoutException>(() =>
                peer.System.ActorSelection(RawPeer.GatekeeperPath(address)).Ask<Challenge>(new Hello(peer.Inbox), TimeSpan.FromSeconds(3)));
            // ...and Akka's is not read: a PoisonPill and a Kill at the object stop nothing.
            peer.Resolve(path).Tell(PoisonPill.Instance, peer.Inbox);
            peer.Resolve(path).Tell(Kill.Instance, peer.Inbox);
        }
        await using var friend = RawPeer.Start(_manager.AuthKey);
        await friend.HandshakeAsync(_manager.Address, _manager.AuthKey).Within(what: "a handshake from a peer with the key");
        await using var client = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey);
        Assert.Equal(1, await (await client.DictAsync<string, int>("guarded")).GetAsync("a").Within());
    }

    [Fact]
    public async Task A_bare_socket_that_sends_junk_is_closed()
    {
        using var socket = await ConnectAsync();
        // A well-framed message (Akka frames with a little-endian length) of junk where the key exchange's first frame belongs.
        await socket.SendAsync(new byte[] { 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 });
        Assert.Equal(0, await socket.ReceiveAsync(new byte[64]).Within(what: "the host closing the connection"));
    }

    [Fact]
    public async Task A_socket_that_proves_nothing_is_closed_after_the_transport_timeout()
    {
        using var socket = await ConnectAsync();
        var started = Environment.TickCount64;
        Assert.Equal(0, await socket.ReceiveAsync(new byte[64]).Within(what: "the host closing a silent connection"));
        Assert.InRange(Environment.TickCount64 - started, 500, 10_000);
    }

    [Fact]
    public async Task A_client_refuses_a_listener_that_cannot_prove_the_key()
    {
        // A fake host: it answers the client's first frame with a challenge whose MAC it cannot compute.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var fakePort = ((IPEndPoint)listener.LocalEndpoint).Port;
        var fake = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            var header = new byte[4];
            await socket.ReceiveAsync(header);
            var hello = new byte[BinaryPrimitives.ReadInt32LittleEndian(header)];
            for (var read = 0; read < hello.Length;)
            {
                read += await socket.ReceiveAsync(hello.AsMemory(read));
            }
            // A challenge: its nonce, a MAC, a public key, a signature and a key agreement's half, each with a 2-byte length.
            var frame = new List<byte>("MAG\u0003"u8.ToArray()) { 2 };
            foreach (var field in (byte[][])[RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportSubjectPublicKeyInfo(), RandomNumberGenerator.GetBytes(64), ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256).ExportSubjectPublicKeyInfo()])
            {
                frame.AddRange(new[] { (byte)field.Length, (byte)(field.Length >> 8) });
                frame.AddRange(field);
            }
            var length = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, frame.Count);
            await socket.SendAsync(length.Concat(frame).ToArray());
            // The client hangs up rather than go on.
            return await socket.ReceiveAsync(new byte[64]);
        });
        var refused = Manager.ConnectAsync($"127.0.0.1:{fakePort}", _manager.AuthKey, new ClientOptions { HandshakeTimeout = TimeSpan.FromSeconds(3) });
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => refused).Within();
        Assert.Contains("authkey does not match", error.Message);
        Assert.Equal(0, await fake.Within(what: "the client closing the connection"));
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, Port);
        return socket;
    }
}
