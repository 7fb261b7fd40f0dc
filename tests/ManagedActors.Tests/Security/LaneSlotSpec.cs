using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ManagedActors.Lane;
using ManagedActors.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Security;

/// <summary>
/// The data port's slots for connections still proving themselves, attacked by strangers who only hold sockets: a proof
/// dripped a byte at a time is cut off at one deadline for the whole proof, and sockets held open from one address
/// (idle, or dripping) cannot keep a client at another address from its lane. Loopback has many addresses: the attacker
/// binds 127.0.0.2, the client comes from 127.0.0.1.
/// </summary>
public sealed class LaneSlotSpec(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan ProofTimeout = TimeSpan.FromSeconds(2);
    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.2");
    private Manager _manager = null!;

    private int Port => _manager.Host.Lane!.Port;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(SessionFixture.Options with
    {
        Config = SessionFixture.TestHocon + $"\nmanaged-actors.direct.proof-timeout = {ProofTimeout.TotalMilliseconds}ms",
    });

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    private Socket Connect(IPAddress from)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(from, 0));
        socket.Connect(IPAddress.Loopback, Port);
        return socket;
    }

    /// <summary>Whether the host closed the socket (it is readable with nothing to read).</summary>
    private static bool ClosedByHost(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    [Fact]
    public async Task A_proof_dripped_a_byte_at_a_time_is_cut_off_at_one_deadline_for_the_whole_proof()
    {
        using var socket = Connect(IPAddress.Loopback);
        var challenge = new byte[LaneFrames.ChallengeLength];
        socket.ReceiveTimeout = 10_000;
        for (var read = 0; read < challenge.Length;)
        {
            var n = socket.Receive(challenge, read, challenge.Length - read, SocketFlags.None);
            Assert.True(n > 0, "The host closed the connection before its challenge.");
            read += n;
        }
        var clock = Stopwatch.StartNew();
        // A byte every 250 ms: each read completes long before a per-read timeout, and the whole proof would take 13 s.
        var sent = 0;
        while (!ClosedByHost(socket) && sent < LaneFrames.ProofLength - 1 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                socket.Send([0x42]);
            }
            catch (SocketException)
            {
                break;
            }
            sent++;
            await Task.Delay(250);
        }
        output.WriteLine($"closed after {clock.Elapsed.TotalSeconds:0.0} s and {sent} bytes of a {LaneFrames.ProofLength}-byte proof");
        Assert.True(sent < LaneFrames.ProofLength - 1, "The host read the dripped proof to its end.");
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, ProofTimeout + TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Sockets_held_open_from_one_address_idle_or_dripping_leave_a_client_at_another_its_lane()
    {
        var held = new List<Socket>();
        using var stop = new CancellationTokenSource();
        try
        {
            // Far more than the data port's slots: idle sockets, opened as fast as the host accepts them.
            for (var i = 0; i < 200; i++)
            {
                held.Add(Connect(Attacker));
            }
            // And sockets that drip their proof and are opened again as the host closes them, for as long as the client tries.
            var drippers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    using var socket = Connect(Attacker);
                    while (!stop.IsCancellationRequested && !ClosedByHost(socket))
                    {
                        try
                        {
                            socket.Send([0x42]);
                        }
                        catch (SocketException)
                        {
                            break;
                        }
                        await Task.Delay(100);
                    }
                }
            })).ToList();

            var clock = Stopwatch.StartNew();
            await using var client = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey);
            output.WriteLine($"connected with a lane in {clock.ElapsedMilliseconds} ms while {held.Count} idle and 16 dripping sockets held the port");
            Assert.NotNull(client.Runtime.Connection.Lane);
            var dict = await client.DictAsync<string, int>("through-the-flood");
            await dict.SetAsync("k", 1);
            Assert.Equal(1, await dict.GetAsync("k").Within());

            await stop.CancelAsync();
            await Task.WhenAll(drippers).Within(TimeSpan.FromSeconds(10), "the drippers stopping");
        }
        finally
        {
            foreach (var socket in held)
            {
                socket.Dispose();
            }
        }
    }
}
