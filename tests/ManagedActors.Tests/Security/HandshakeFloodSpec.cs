using System.Diagnostics;
using ManagedActors.Protocol;
using ManagedActors.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Security;

/// <summary>Unauthenticated handshakes by the tens of thousands deny no legitimate client.</summary>
[Collection(nameof(RunsAlone))]
public sealed class HandshakeFloodSpec(ITestOutputHelper output) : IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(SessionFixture.Options);

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact]
    public async Task Fifty_thousand_hellos_refuse_no_client_and_are_answered_only_up_to_the_rate()
    {
        var quiet = await HandshakesAsync();
        await using var attacker = RawPeer.Start(_manager.AuthKey);
        var gatekeeper = attacker.System.ActorSelection(RawPeer.GatekeeperPath(_manager.Address));
        var flood = Task.Run(() =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                gatekeeper.Tell(new Hello(attacker.Inbox), attacker.Inbox);
            }
        });
        var durations = new List<double>();
        var connects = Enumerable.Range(0, 4).Select(async _ =>
        {
            for (var round = 0; round < 5; round++)
            {
                var watch = Stopwatch.StartNew();
                await using var client = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey);
                var elapsed = watch.Elapsed.TotalMilliseconds;
                lock (durations)
                {
                    durations.Add(elapsed);
                }
                var items = await client.ListAsync<int>();
                await items.AppendAsync(round);
            }
        }).ToArray();
        // The handshake alone (Hello, Challenge, Proof, Welcome), from four other peers during the same flood.
        var flooded = HandshakesAsync();
        await Task.WhenAll(connects).Within(TimeSpan.FromSeconds(60), "twenty connects during a Hello flood");
        var handshakes = await flooded.Within(TimeSpan.FromSeconds(60), "twenty handshakes during a Hello flood");
        await flood.Within(TimeSpan.FromSeconds(60), "the flood to be sent");
        var challenges = 0;
        // The first answer may still be on its way on a loaded machine; after it, a quiet 300 ms means the rest are in.
        while (await attacker.NextAsync<Challenge>(challenges == 0 ? TimeSpan.FromSeconds(10) : TimeSpan.FromMilliseconds(300)) is not null)
        {
            challenges++;
        }
        durations.Sort();
        var p99 = durations[(int)Math.Ceiling(durations.Count * 0.99) - 1];
        var handshakeP99 = handshakes[(int)Math.Ceiling(handshakes.Count * 0.99) - 1];
        output.WriteLine($"20 handshakes during 50,000 Hellos: median {durations[durations.Count / 2]:0.0} ms, p99 {p99:0.0} ms, max {durations[^1]:0.0} ms; " +
            $"the flood got {challenges} challenges (each connect includes starting the client's ActorSystem); " +
            $"the handshake alone: median {handshakes[handshakes.Count / 2]:0.0} ms, p99 {handshakeP99:0.0} ms " +
            $"(without a flood: median {quiet[quiet.Count / 2]:0.0} ms, p99 {quiet[^1]:0.0} ms)");
        // Every client gets in, with half its default handshake timeout (10 s) to spare: the flood denies nobody.
        // How much slower the handshake is meanwhile is a figure for docs/security.md, not a pass mark on two busy cores.
        Assert.Equal(20, durations.Count);
        Assert.True(p99 < 5_000, $"p99 connect {p99:0} ms during the flood");
        Assert.Equal(20, handshakes.Count);
        Assert.True(handshakeP99 < 5_000, $"p99 handshake {handshakeP99:0} ms during the flood");
        // The burst plus what the rate refills while the flood lasts, nowhere near fifty thousand.
        Assert.InRange(challenges, 1, 2_000);
    }

    /// <summary>Four fresh peers run five handshakes each; the sorted durations in milliseconds.</summary>
    private async Task<List<double>> HandshakesAsync()
    {
        var durations = new List<double>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var peer = RawPeer.Start(_manager.AuthKey);
            for (var round = 0; round < 5; round++)
            {
                var watch = Stopwatch.StartNew();
                await peer.HandshakeAsync(_manager.Address, _manager.AuthKey);
                lock (durations)
                {
                    durations.Add(watch.Elapsed.TotalMilliseconds);
                }
            }
        }));
        durations.Sort();
        return durations;
    }
}
