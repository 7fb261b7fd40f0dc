using System.Diagnostics;
using ManagedActors.Tests.Clustering;
using ManagedActors.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Lane;

/// <summary>
/// A host process frozen with SIGSTOP keeps its sockets open, so nothing tells its clients it is gone. The lane's
/// heartbeat does: a client that hears nothing pings, and gives its lane up when the ping stays unanswered.
/// </summary>
[Collection(ProcessHeavy.Name)]
public sealed class LaneHeartbeatSpec(ITestOutputHelper output)
{
    [Fact]
    public async Task A_client_whose_host_freezes_notices_within_the_heartbeat_timeout_and_goes_on_once_it_resumes()
    {
        await using var host = await HostProcess.StartAsync();
        await using var client = await Manager.ConnectAsync(host.Address, host.AuthKey, new ClientOptions
        {
            // Far past the heartbeat: a call that waited for its timeout would show.
            CallTimeout = TimeSpan.FromSeconds(60),
            Config = "managed-actors.direct.heartbeat-timeout = 3s\nmanaged-actors.handshake-timeout = 3s",
        });
        Assert.NotNull(client.Runtime.Connection.Lane);
        var stock = await client.DictAsync<string, int>("stock");
        await stock.SetAsync("apples", 5).Within();

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
    }
}
