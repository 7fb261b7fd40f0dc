using System.Diagnostics;
using System.Security.Cryptography;
using ManagedActors.Dicts;
using ManagedActors.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Clustering;

/// <summary>Standalone host processes form a cluster; one that gets SIGTERM leaves at once, one that is SIGKILLed is downed.</summary>
public sealed class ClusterProcessSpec(ITestOutputHelper output)
{
    private static readonly byte[] AuthKey = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] ClusterKey = RandomNumberGenerator.GetBytes(32);

    private static Task<HostProcess> HostAsync(int clusterPort, int seedPort, string? durable = null) => HostProcess.StartAsync(
        startupLimit: TimeSpan.FromSeconds(60),
        authKey: AuthKey,
        durable: durable,
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

    [Fact]
    public async Task The_objects_of_a_killed_host_answer_from_another_host_with_every_acknowledged_write()
    {
        using var store = new TempStore();
        var journal = store.PathOf("objects.db");
        var seedPort = HostProcess.FreePort();
        await using var seed = await HostAsync(seedPort, seedPort, journal);
        await using var second = await HostAsync(0, seedPort, journal);
        await using var third = await HostAsync(0, seedPort, journal);
        await using var client = await Manager.ConnectAsync(seed.Address, AuthKey);
        await UntilMembersAsync(client, 3, TimeSpan.FromSeconds(60));
        var regions = new List<IManagedDict<string, int>>();
        for (var i = 0; i < 30; i++)
        {
            var region = await client.DictAsync<string, int>($"region-{i}");
            await region.SetAsync("population", 100 + i);
            regions.Add(region);
        }

        var killed = Stopwatch.StartNew();
        await third.KillAsync();
        // Every object answers again, those that lived on the killed host from the shared journal, on another host.
        for (var i = 0; i < regions.Count; i++)
        {
            Assert.Equal(100 + i, await regions[i].GetAsync("population").Within(TimeSpan.FromSeconds(45), $"region-{i} after the kill"));
        }
        output.WriteLine($"SIGKILL to every object answering: {killed.Elapsed.TotalSeconds:0.0} s");
        Assert.InRange(killed.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        await UntilMembersAsync(client, 2, TimeSpan.FromSeconds(30));
    }
}
