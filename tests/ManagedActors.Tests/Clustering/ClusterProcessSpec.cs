using System.Diagnostics;
using System.Security.Cryptography;
using ManagedActors.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Clustering;

/// <summary>Standalone host processes form a cluster; one that gets SIGTERM leaves at once, one that is SIGKILLed is downed.</summary>
public sealed class ClusterProcessSpec(ITestOutputHelper output)
{
    private static readonly byte[] AuthKey = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] ClusterKey = RandomNumberGenerator.GetBytes(32);

    private static Task<HostProcess> HostAsync(int clusterPort, int seedPort) => HostProcess.StartAsync(
        startupLimit: TimeSpan.FromSeconds(60),
        authKey: AuthKey,
        arguments: ["--seed", $"127.0.0.1:{seedPort}", "--cluster-port", clusterPort.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        environment: new Dictionary<string, string> { ["MANAGEDACTORS_CLUSTER_KEY"] = Convert.ToHexString(ClusterKey) });

    /// <summary>Polls a host's status until it lists exactly <paramref name="count"/> members, all up and reachable; how long that took.</summary>
    private static async Task<TimeSpan> UntilMembersAsync(ManagerClient client, int count, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(limit);
        while (true)
        {
            var members = (await client.StatusAsync(timeout.Token)).Members ?? [];
            if (members.Count == count && members.All(m => m.State == "Up" && !m.Unreachable))
            {
                return watch.Elapsed;
            }
            await Task.Delay(100, timeout.Token);
        }
    }

    [Fact]
    public async Task A_terminated_host_leaves_within_seconds_and_a_killed_one_is_downed_by_the_others()
    {
        var seedPort = HostProcess.FreePort();
        await using var seed = await HostAsync(seedPort, seedPort);
        Assert.Contains($"cluster member at akka.mauth.tcp://managed-actors-cluster@127.0.0.1:{seedPort}", seed.Output);
        await using var second = await HostAsync(0, seedPort);
        await using var third = await HostAsync(0, seedPort);
        await using var fourth = await HostAsync(0, seedPort);
        await using var client = await Manager.ConnectAsync(seed.Address, AuthKey);
        await UntilMembersAsync(client, 4, TimeSpan.FromSeconds(60));

        // SIGTERM: the host leaves the cluster before it exits, so the others drop it without waiting to detect it.
        var terminated = Stopwatch.StartNew();
        Assert.Equal(0, await fourth.TerminateAsync(TimeSpan.FromSeconds(30)));
        await UntilMembersAsync(client, 3, TimeSpan.FromSeconds(10));
        Assert.InRange(terminated.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        output.WriteLine($"SIGTERM to removed from membership: {terminated.Elapsed.TotalSeconds:0.0} s");
        Assert.Contains("shutting down", fourth.Output);

        // SIGKILL: the failure detector marks it unreachable and the split-brain resolver (keep-majority, 2 of 3) downs it.
        var killed = Stopwatch.StartNew();
        await third.KillAsync();
        await UntilMembersAsync(client, 2, TimeSpan.FromSeconds(30));
        Assert.InRange(killed.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        output.WriteLine($"SIGKILL to removed from membership: {killed.Elapsed.TotalSeconds:0.0} s");
    }
}
