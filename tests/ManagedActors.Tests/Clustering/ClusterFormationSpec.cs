using System.Security.Cryptography;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using ManagedActors.Clustering;
using ManagedActors.Configuration;
using ManagedActors.Security;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Clustering;

/// <summary>Hosts form a cluster through a seed on a second port that only holders of the cluster key reach.</summary>
[Collection(ProcessHeavy.Name)]
public sealed class ClusterFormationSpec
{
    private static readonly byte[] AuthKey = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] ClusterKey = RandomNumberGenerator.GetBytes(32);

    private static Task<Manager> HostAsync(int clusterPort, int seedPort) => Manager.StartAsync(SessionFixture.Options with
    {
        AuthKey = AuthKey,
        ClusterKey = ClusterKey,
        ClusterPort = clusterPort,
        Seeds = [$"127.0.0.1:{seedPort}"],
    });

    private static Task<IReadOnlyList<ClusterMemberStatus>> UpMembersAsync(ManagerSession host, int count) =>
        Bounded.UntilAsync(async cancel => (await host.StatusAsync(cancel)).Members ?? [],
            members => members.Count(m => m.State == "Up" && !m.Unreachable) == count && members.Count == count,
            $"{count} members up", TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Three_hosts_join_through_one_seed_and_a_host_that_leaves_is_removed()
    {
        var seedPort = HostProcess.FreePort();
        await using var seed = await HostAsync(seedPort, seedPort);
        await using var second = await HostAsync(0, seedPort);
        var third = await HostAsync(0, seedPort);
        try
        {
            Assert.Equal($"akka.mauth.tcp://{ClusterMember.SystemName}@127.0.0.1:{seedPort}", seed.ClusterAddress);
            var members = await UpMembersAsync(second, 3).Within(TimeSpan.FromSeconds(40), "three members up");
            Assert.Single(members, m => m.IsSelf);
            Assert.Equal($"127.0.0.1:{seedPort}", members[0].Address); // oldest first: the seed started the cluster
            // A client sees the members through any host.
            await using var client = await Manager.ConnectAsync(third.Address, AuthKey);
            Assert.Equal(3, (await client.StatusAsync()).Members!.Count);
        }
        finally
        {
            await third.DisposeAsync();
        }
        // Leaving is graceful: the others remove it without waiting for the failure detector and the resolver.
        await UpMembersAsync(seed, 2).Within(TimeSpan.FromSeconds(15), "the leaver removed");
    }

    [Fact]
    public async Task A_system_that_holds_the_authkey_but_not_the_cluster_key_cannot_join()
    {
        var seedPort = HostProcess.FreePort();
        await using var seed = await HostAsync(seedPort, seedPort);
        await UpMembersAsync(seed, 1).Within(TimeSpan.FromSeconds(40), "the seed up");
        // Two would-be members at once: one proves the authkey as clients do, one uses the authkey as if it were the
        // cluster key; then the same system with the cluster key (the control) gets in.
        var refused = await Task.WhenAll(
            JoinsAsync(seed, new TransportKey(AuthKey), TimeSpan.FromSeconds(5)),
            JoinsAsync(seed, new TransportKey(AuthKey, TransportKey.ClusterLabel), TimeSpan.FromSeconds(5)));
        Assert.Equal([false, false], refused);
        Assert.Single((await seed.StatusAsync()).Members!);
        Assert.True(await JoinsAsync(seed, new TransportKey(ClusterKey, TransportKey.ClusterLabel), TimeSpan.FromSeconds(20)));
    }

    /// <summary>Whether a plain cluster system proving <paramref name="key"/> gets up in the seed's cluster within <paramref name="limit"/>.</summary>
    private static async Task<bool> JoinsAsync(Manager seed, TransportKey key, TimeSpan limit)
    {
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = cluster
            akka.loglevel = ERROR
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            akka.cluster.seed-node-timeout = 1s
            akka.cluster.retry-unsuccessful-join-after = 1s
            """).WithFallback(ManagedActorsConfig.Default);
        var intruder = ActorSystem.Create(ClusterMember.SystemName, BootstrapSetup.Create().WithConfig(config).And(key));
        try
        {
            var up = new TaskCompletionSource();
            Cluster.Get(intruder).RegisterOnMemberUp(() => up.TrySetResult());
            Cluster.Get(intruder).Join(Address.Parse(seed.ClusterAddress!));
            // Several join attempts pass in this time.
            return await Task.WhenAny(up.Task, Task.Delay(limit)) == up.Task;
        }
        finally
        {
            await intruder.Terminate();
        }
    }

    [Fact]
    public async Task The_shipped_cluster_files_say_what_a_member_runs_with()
    {
        var seedPort = HostProcess.FreePort();
        await using var seed = await HostAsync(seedPort, seedPort);
        var running = seed.Host.Member!.System.Settings.Config;
        foreach (var file in new[] { "cluster-seed.conf", "cluster-node.conf" })
        {
            var shipped = ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(Architecture.LayerSpec.RepositoryRoot, "hocon", file)));
            var leaves = Leaves(shipped.GetConfig("akka.cluster"), "akka.cluster").ToList();
            Assert.True(leaves.Count >= 15, $"{file} shows {leaves.Count} settings");
            foreach (var path in leaves)
            {
                Assert.True(shipped.GetString(path) == running.GetString(path), $"{file}: {path} = {shipped.GetString(path)}, a member runs with {running.GetString(path)}");
            }
        }
    }

    private static IEnumerable<string> Leaves(Config config, string prefix) =>
        config.AsEnumerable().SelectMany(pair => pair.Value.IsObject()
            ? Leaves(config.GetConfig(pair.Key), $"{prefix}.{pair.Key}")
            : [$"{prefix}.{pair.Key}"]);

    [Fact]
    public async Task A_clustered_host_refuses_a_missing_or_reused_cluster_key()
    {
        var port = HostProcess.FreePort();
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => Manager.StartAsync(SessionFixture.Options with { Seeds = [$"127.0.0.1:{port}"], ClusterPort = port }));
        Assert.Contains("cluster key", missing.Message);
        var reused = await Assert.ThrowsAsync<ArgumentException>(() => Manager.StartAsync(SessionFixture.Options with
        {
            AuthKey = AuthKey, ClusterKey = AuthKey, Seeds = [$"127.0.0.1:{port}"], ClusterPort = port,
        }));
        Assert.Contains("differ from the authkey", reused.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => Manager.StartAsync(SessionFixture.Options with
        {
            ClusterKey = ClusterKey, Seeds = ["not a seed"],
        }));
    }
}

/// <summary>
/// Tests that start several hosts or host processes (clusters, the samples): they run one after another, so that two of
/// them never share this machine's two cores, as a deployment's hosts would not.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessHeavy
{
    public const string Name = "Process-heavy";
}
