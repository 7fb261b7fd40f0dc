using System.Diagnostics;
using Akka.Actor;
using ManagedActors.Protocol;
using ManagedActors.Tests.Clustering;
using ManagedActors.Tests.Security;
using ManagedActors.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Lane;

/// <summary>An object whose one method takes as long as it is told: a long computation, or a blocking read.</summary>
public interface ISlowWork : IManagedObject
{
    Task<int> WorkAsync(int milliseconds, CancellationToken cancellationToken = default);
}

public sealed class SlowWork
{
    public int Work(int milliseconds)
    {
        // The object's own workload (standing in for a long computation), not a wait for anything.
        Thread.Sleep(milliseconds);
        return milliseconds;
    }
}

/// <summary>
/// A host process frozen with SIGSTOP keeps its sockets open, so nothing tells its clients it is gone. The heartbeat
/// does: a lane's client that hears nothing pings, and gives its lane up when the ping stays unanswered; a client over
/// Akka.Remote hears the host's beats, and gives the connection up when they stop.
/// </summary>
[Collection(ProcessHeavy.Name)]
public sealed class LaneHeartbeatSpec(ITestOutputHelper output)
{
    [Fact]
    public async Task A_call_that_outlasts_the_heartbeat_timeout_keeps_its_lane_and_its_session()
    {
        // An idle object's call runs on the lane's reader: the host's beats come from a thread of their own.
        await using var host = await Manager.StartAsync((SessionFixture.Options with
        {
            Config = SessionFixture.TestHocon + "\nmanaged-actors.direct.heartbeat-interval = 250ms",
        }).Register<ISlowWork, SlowWork>("SlowWork", () => new SlowWork()));
        await using var client = await Manager.ConnectAsync(host.Address, host.AuthKey, new ClientOptions
        {
            Config = "managed-actors.direct.heartbeat-interval = 250ms\nmanaged-actors.direct.heartbeat-timeout = 2s",
        });
        var lane = client.Runtime.Connection.Lane;
        Assert.NotNull(lane);
        var session = client.Runtime.Connection.Session;
        var held = await client.LockAsync("held-through");
        await held.AcquireAsync().Within();
        var work = await client.CreateAsync<ISlowWork>("SlowWork");

        Assert.Equal(4000, await work.WorkAsync(4000).Within(TimeSpan.FromSeconds(30), "the long call"));

        // The same lane and session throughout, so the lock is still this client's.
        Assert.Same(lane, client.Runtime.Connection.Lane);
        Assert.Equal(session, client.Runtime.Connection.Session);
        Assert.True(host.Host.Context.Sessions.IsValid(session));
        Assert.True(await held.IsLockedAsync().Within());
        await held.ReleaseAsync().Within();
    }

    [Theory]
    [InlineData(CallTransport.Direct)]
    [InlineData(CallTransport.AkkaRemote)]
    public async Task A_client_whose_host_freezes_notices_within_the_heartbeat_timeout_and_goes_on_once_it_resumes(CallTransport transport)
    {
        await using var host = await HostProcess.StartAsync();
        await using var client = await Manager.ConnectAsync(host.Address, host.AuthKey, new ClientOptions
        {
            // Far past the heartbeat: a call that waited for its timeout would show.
            CallTimeout = TimeSpan.FromSeconds(60),
            Transport = transport,
            Config = "managed-actors.direct.heartbeat-timeout = 3s\nmanaged-actors.handshake-timeout = 3s",
        });
        Assert.Equal(transport == CallTransport.Direct, client.Runtime.Connection.Lane is not null);
        var stock = await client.DictAsync<string, int>("stock");
        await stock.SetAsync("apples", 5).Within();

        // Over Akka.Remote, another peer holding the authkey beats in the frozen host's place, with the session as if it
        // had leaked: a beat counts only from the host's own connection.
        await using var forger = RawPeer.Start(host.AuthKey);
        var clientAddress = ((ExtendedActorSystem)client.Runtime.System).Provider.DefaultAddress;
        var replyActor = forger.Resolve(client.Runtime.ReplyActor.Path.ToStringWithAddress(clientAddress));
        var beat = new HostBeat(client.Runtime.Connection.Session);
        using var stopForging = new CancellationTokenSource();
        var forging = transport == CallTransport.AkkaRemote ? ForgeAsync() : Task.CompletedTask;

        await host.SignalAsync("STOP");
        var frozen = Stopwatch.StartNew();
        try
        {
            await Assert.ThrowsAsync<HostUnavailableException>(() => stock.GetAsync("apples")).Within(TimeSpan.FromSeconds(30), "the call to the frozen host");
            output.WriteLine($"the call to the frozen host failed after {frozen.Elapsed.TotalSeconds:0.0} s");
            Assert.InRange(frozen.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));
        }
        finally
        {
            await stopForging.CancelAsync();
            await forging;
            await host.SignalAsync("CONT");
        }

        // Resumed, the host is reached again on the next call, with its objects.
        var apples = await Bounded.UntilAsync(async cancel =>
        {
            try
            {
                return await stock.GetAsync("apples", cancel);
            }
            catch (HostUnavailableException)
            {
                return -1;
            }
        }, n => n >= 0, "the resumed host's answer", TimeSpan.FromSeconds(30));
        Assert.Equal(5, apples);

        async Task ForgeAsync()
        {
            // Four beats a second (the host's interval is 1 s): the attacker's pace, not a wait for anything.
            while (!stopForging.IsCancellationRequested)
            {
                replyActor.Tell(beat, forger.Inbox);
                await Task.Delay(250, CancellationToken.None);
            }
        }
    }
}
