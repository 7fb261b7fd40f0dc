using ManagedActors.Client;
using ManagedActors.Codec;
using ManagedActors.Lane;
using ManagedActors.Protocol;
using ManagedActors.Security;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Lane;

/// <summary>
/// The data port attacked from a bare socket: nothing is read as a call before the connection proves a session and the
/// authkey, and a proven connection that sends garbage is closed without harm to the host or to other clients.
/// </summary>
public sealed class LaneSecuritySpec : IAsyncLifetime
{
    private Manager _manager = null!;
    private ManagerClient _client = null!;

    public async Task InitializeAsync()
    {
        _manager = await Manager.StartAsync(SessionFixture.Options with
        {
            Config = SessionFixture.TestHocon + "\nmanaged-actors.handshake-timeout = 2s",
        });
        // A client on Akka.Remote: its session has no lane, so a raw socket can try to open one for it.
        _client = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey, new ClientOptions { Transport = CallTransport.AkkaRemote });
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _manager.DisposeAsync();
    }

    private int Port => _manager.Host.Lane!.Port;

    private Guid ClientSession => _client.Runtime.Connection.Session;

    /// <summary>The identity of the client's transport, which proved its address to the host when it opened its session.</summary>
    private EndpointIdentity ClientIdentity => TransportKey.Of(_client.Runtime.System)!.Identity;

    /// <summary>The transport key (from the authkey) that salts the lane's keys.</summary>
    private byte[] ClientKey => TransportKey.Of(_client.Runtime.System)!.Key;

    [Fact]
    public async Task A_connection_that_proves_nothing_is_closed_after_the_handshake_timeout()
    {
        using var lane = RawLane.Connect(Port);
        lane.ReadChallenge();
        var started = DateTime.UtcNow;
        Assert.True(lane.IsClosedByHost(), "The host kept a silent connection open.");
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        await AssertHostServesAsync();
    }

    [Fact]
    public async Task A_calls_frame_sent_instead_of_a_proof_is_never_delivered()
    {
        var dict = await _client.DictAsync<string, int>("guarded");
        await dict.SetAsync("k", 1);
        var path = ((ManagedProxy)(object)dict).Reference.ActorPath;
        using var lane = RawLane.Connect(Port);
        lane.ReadChallenge();
        // A "clear" call with no handshake: read as a proof, refused, the connection closed.
        lane.SendCalls(path, new CallRequest(1, 1, [0]), new CallRequest(2, 2, [0]), new CallRequest(3, 3, [0]));
        Assert.True(lane.IsClosedByHost());
        Assert.Equal(1, await dict.GetAsync("k"));
    }

    [Fact]
    public async Task A_proof_signed_by_another_endpoint_is_refused_and_leaves_the_session_without_a_lane()
    {
        using (var lane = RawLane.Connect(Port))
        {
            lane.SendProof(ClientSession, new EndpointIdentity(), lane.ReadChallenge());
            Assert.Equal(-1, lane.Clear.ReadByte());
        }
        // The session is still free for a lane opened by its own endpoint.
        var (proven, answer) = RawLane.Open(Port, ClientSession, ClientIdentity, ClientKey);
        using (proven)
        {
            Assert.Equal(LaneFrames.Accepted, answer);
        }
        await Task.CompletedTask;
    }

    [Fact]
    public void A_proof_for_an_unknown_session_or_a_replayed_one_is_refused()
    {
        var (unknown, refused) = RawLane.Open(Port, Guid.NewGuid(), ClientIdentity, ClientKey);
        using (unknown)
        {
            Assert.Equal(-1, refused);
        }
        var (first, accepted) = RawLane.Open(Port, ClientSession, ClientIdentity, ClientKey);
        using (first)
        {
            Assert.Equal(LaneFrames.Accepted, accepted);
            // A session has one lane: a second connection presenting it (a stolen token, even with the key) is refused.
            var (second, again) = RawLane.Open(Port, ClientSession, ClientIdentity, ClientKey);
            using (second)
            {
                Assert.Equal(-1, again);
            }
        }
    }

    [Fact]
    public async Task A_proven_lane_reaches_only_objects_and_unknown_methods_are_faults()
    {
        var dict = await _client.DictAsync<string, int>("reachable");
        var path = ((ManagedProxy)(object)dict).Reference.ActorPath;
        var (lane, answer) = RawLane.Open(Port, ClientSession, ClientIdentity, ClientKey);
        using (lane)
        {
            Assert.Equal(LaneFrames.Accepted, answer);
            lane.SendCalls(path, new CallRequest(7, 0x1234567, [0]));
            var unknownMethod = Assert.Single(lane.ReadResults().Items);
            Assert.True(unknownMethod.IsFault);
            Assert.Equal(typeof(UnknownMethodException).FullName, FaultInfo.Decode(unknownMethod.Payload).TypeName);
            // The gatekeeper and the session monitor are not objects: the frame is answered, never delivered.
            var directory = HostPaths.Directory(_manager.Address);
            foreach (var target in (string[])[HostPaths.Gatekeeper(_manager.Address), HostPaths.Gatekeeper(_manager.Address) + "/sessions",
                "akka://managed-actors/system/deadLetters", directory + "/../sessions", directory + "/o1/../../sessions", directory + "//", directory + "/./x"])
            {
                lane.SendCalls(target, new CallRequest(8, 1, [0]));
                var refused = Assert.Single(lane.ReadResults().Items);
                Assert.Equal(typeof(ObjectNotFoundException).FullName, FaultInfo.Decode(refused.Payload).TypeName);
            }
        }
        await AssertHostServesAsync();
    }

    [Theory]
    [InlineData("unknown kind")]
    [InlineData("results from a client")]
    [InlineData("truncated calls")]
    [InlineData("oversized length")]
    [InlineData("zero length")]
    [InlineData("unsealed bytes")]
    [InlineData("an oversized record")]
    [InlineData("a trace context with zero ids")]
    [InlineData("a truncated trace context")]
    [InlineData("a trace state over 512 characters")]
    public async Task A_proven_lane_that_sends_garbage_is_closed_and_the_host_serves_on(string garbage)
    {
        var (lane, answer) = RawLane.Open(Port, ClientSession, ClientIdentity, ClientKey);
        using (lane)
        {
            Assert.Equal(LaneFrames.Accepted, answer);
            switch (garbage)
            {
                case "unknown kind":
                    lane.SendFrame(99, [1, 2, 3]);
                    break;
                case "results from a client":
                    lane.SendFrame(LaneFrames.ResultsKind, [0]);
                    break;
                case "truncated calls":
                    lane.SendFrame(LaneFrames.CallsKind, [10, (byte)'a', 5, 1]);
                    break;
                case "oversized length":
                    lane.Stream.Write([0xFF, 0xFF, 0xFF, 0x7F, LaneFrames.CallsKind]);
                    break;
                case "zero length":
                    lane.Stream.Write([0, 0, 0, 0]);
                    break;
                case "a trace context with zero ids":
                    lane.SendFrame(LaneFrames.CallsKind, TracedCall(new byte[24], "k=v"));
                    break;
                case "a truncated trace context":
                    lane.SendFrame(LaneFrames.CallsKind, TracedCall([.. Enumerable.Range(1, 24).Select(i => (byte)i)], null, truncate: true));
                    break;
                case "a trace state over 512 characters":
                    lane.SendFrame(LaneFrames.CallsKind, TracedCall([.. Enumerable.Range(1, 24).Select(i => (byte)i)], new string('s', 513)));
                    break;
                case "unsealed bytes":
                    // A well-formed calls frame written beside the seal, as a writer on the path would inject it.
                    lane.Clear.Write([40, 0, 0, 0, .. new byte[40]]);
                    break;
                default:
                    lane.Clear.Write([0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3]);
                    break;
            }
            Assert.True(lane.IsClosedByHost(), $"The host kept a lane open after {garbage}.");
        }
        await AssertHostServesAsync();
    }

    /// <summary>A calls frame's body with one call that says a trace context follows (bit 32 of its method id), then <paramref name="ids"/>.</summary>
    private byte[] TracedCall(byte[] ids, string? state, bool truncate = false)
    {
        using var w = new WireWriter();
        w.WriteString(HostPaths.Directory(_manager.Address));
        w.WriteVarUInt(1);
        w.WriteVarInt(1);
        w.WriteVarUInt(1UL | (1UL << 32));
        w.WriteFixed(ids);
        if (!truncate)
        {
            w.WriteByte(1);
            w.WriteString(state);
            w.WriteBytes([0]);
        }
        return w.ToArray();
    }

    [Fact]
    public async Task A_lane_that_dies_inside_a_frame_ends_its_session_and_delivers_nothing()
    {
        var dict = await _client.DictAsync<string, int>("half");
        await dict.SetAsync("k", 1);
        var path = ((ManagedProxy)(object)dict).Reference.ActorPath;
        var (lane, answer) = RawLane.Open(Port, ClientSession, ClientIdentity, ClientKey);
        Assert.Equal(LaneFrames.Accepted, answer);
        using (var w = new WireWriter())
        {
            LaneFrames.WriteCalls(w, path, [new CallRequest(1, 1, [0])], 0, 1);
            // The process dies after writing half of its frame.
            lane.Stream.Write(w.WrittenSpan[..(w.Length / 2)]);
        }
        lane.Dispose();
        await Bounded.EventuallyAsync(() => Task.FromResult(!_manager.Host.Context.Sessions.IsValid(ClientSession)), "the session to end");
        await AssertHostServesAsync();
        await using var reader = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey);
        Assert.Equal(1, await (await reader.DictAsync<string, int>("half")).GetAsync("k"));
    }

    /// <summary>The host still serves new clients, over Akka.Remote and over a direct lane (a lane that broke ended its session).</summary>
    private async Task AssertHostServesAsync()
    {
        await using var akka = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey, new ClientOptions { Transport = CallTransport.AkkaRemote });
        var dict = await akka.DictAsync<string, int>("alive");
        await dict.SetAsync("k", 2);
        await using var direct = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey);
        Assert.NotNull(direct.Runtime.Connection.Lane);
        var same = await direct.DictAsync<string, int>("alive");
        Assert.Equal(2, await same.GetAsync("k"));
    }
}
