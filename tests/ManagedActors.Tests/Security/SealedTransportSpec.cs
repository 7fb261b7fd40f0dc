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
/// Without TLS, the paths between a client and its host are read, and written, by relays on loopback that the host's
/// advertised ports point at: one before the Akka.Remote port, one before the data port. Every Akka.Remote payload is
/// sealed under keys from the key exchange's own agreement, and every lane frame under keys from the lane handshake's:
/// the relays see neither the session token nor a value, and a byte they change closes the connection.
/// </summary>
[Collection(ProcessHeavy.Name)]
public sealed class SealedTransportSpec : IAsyncLifetime, IDisposable
{
    private readonly Relay _relay = new();
    private readonly Relay _laneRelay = new();
    private Manager _host = null!;

    public async Task InitializeAsync()
    {
        // The host binds one port and advertises the relay's, so its clients dial the relay.
        _relay.Target = HostProcess.FreePort();
        _laneRelay.Target = HostProcess.FreePort();
        _host = await Manager.StartAsync(SessionFixture.Options with
        {
            Port = _relay.Target,
            Config = SessionFixture.TestHocon + $"""

                akka.remote.dot-netty.tcp.public-port = {_relay.Port}
                managed-actors.direct.port = {_laneRelay.Target}
                managed-actors.direct.public-port = {_laneRelay.Port}
                """,
        });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public void Dispose()
    {
        _relay.Dispose();
        _laneRelay.Dispose();
    }

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

    [Fact]
    public async Task A_reader_of_the_lane_sees_no_value_and_no_object()
    {
        await using var client = await Manager.ConnectAsync(_host.Address, _host.AuthKey, SealingClient);
        Assert.NotNull(client.Runtime.Connection.Lane);
        var dict = await client.DictAsync<string, string>("lane-secrets");
        var path = ((ManagedProxy)(object)dict).Reference.ActorPath;
        await dict.SetAsync("password", "correct-horse-battery-staple").Within();
        Assert.Equal("correct-horse-battery-staple", await dict.GetAsync("password").Within());

        var seen = _laneRelay.Recorded();
        // The lane relay carried the calls: the handshake's magic crosses in the clear, and then some sealed frames...
        Assert.True(Contains(seen, "MAL"u8.ToArray()), "The lane's calls did not cross the relay.");
        // ...in which neither the value, nor the object's name, nor its path can be read.
        Assert.False(Contains(seen, Encoding.UTF8.GetBytes("correct-horse-battery-staple")), "The value crossed the lane in the clear.");
        Assert.False(Contains(seen, Encoding.UTF8.GetBytes("lane-secrets")), "The object's name crossed the lane in the clear.");
        Assert.False(Contains(seen, Encoding.UTF8.GetBytes(path)), "The object's path crossed the lane in the clear.");
    }

    [Fact]
    public async Task A_byte_changed_on_the_lane_closes_it()
    {
        await using var client = await Manager.ConnectAsync(_host.Address, _host.AuthKey, SealingClient);
        Assert.NotNull(client.Runtime.Connection.Lane);
        var dict = await client.DictAsync<string, int>("lane-counted");
        await dict.SetAsync("n", 1).Within();
        var closed = LoggedWarnings.Of(_host.Host.System);

        _laneRelay.FlipNextToHost();
        _ = dict.SetAsync("n", 2);
        await Bounded.EventuallyAsync(() => Task.FromResult(closed.Any(w => w.Contains("did not open"))),
            "the host closing the lane whose frame was changed");
    }

    [Fact]
    public async Task On_loopback_a_lane_is_sealed_only_when_one_end_asks()
    {
        // Both ends on "auto" see loopback and leave the frames clear: the kernel's own path, at the socket's speed.
        await using var client = await Manager.ConnectAsync(_host.Address, _host.AuthKey);
        Assert.NotNull(client.Runtime.Connection.Lane);
        var dict = await client.DictAsync<string, string>("lane-clear");
        await dict.SetAsync("k", "plainly-visible-value").Within();
        Assert.True(Contains(_laneRelay.Recorded(), Encoding.UTF8.GetBytes("plainly-visible-value")), "A loopback lane was sealed with neither end asking.");
    }

    /// <summary>A client that asks for sealed frames even on loopback, as a host beyond it does by default.</summary>
    private static ClientOptions SealingClient => new() { Config = "managed-actors.direct.seal = on" };

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
