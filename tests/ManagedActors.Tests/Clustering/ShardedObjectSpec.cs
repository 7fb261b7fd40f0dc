using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using ManagedActors.Clustering;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Clustering;

/// <summary>
/// Durable objects of a three-host cluster are sharded entities: any host opens a named one, calls from clients of
/// different hosts reach the same object, and the objects spread over the hosts.
/// </summary>
[Collection(ProcessHeavy.Name)]
public sealed class ShardedObjectSpec : ThreeHostSpec
{
    [Fact]
    public async Task A_named_durable_object_is_one_object_for_the_clients_of_every_host()
    {
        Assert.Equal(TimeSpan.FromSeconds(8), Hosts[0].Host.Member!.System.Settings.Config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        await using var first = await Manager.ConnectAsync(Hosts[0].Address, AuthKey);
        await using var third = await Manager.ConnectAsync(Hosts[2].Address, AuthKey);
        var stock = await first.DictAsync<string, int>("stock");
        await stock.SetAsync("apples", 10).Within();
        var same = await third.DictAsync<string, int>("stock");
        Assert.Equal(10, await same.GetAsync("apples").Within());

        // Two clients on two hosts, 4 callers each, 100 increments per caller: none is lost.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var dict = i % 2 == 0 ? stock : same;
            for (var n = 0; n < 100; n++)
            {
                await dict.IncrementAsync("apples", 1);
            }
        }))).Within(TimeSpan.FromSeconds(60));
        Assert.Equal(810, await stock.GetAsync("apples").Within());
        Assert.Equal(810, await same.GetAsync("apples").Within());
    }

    [Fact]
    public async Task Durable_objects_spread_over_theHosts_and_the_others_stay_where_they_were_made()
    {
        await using var client = await Manager.ConnectAsync(Hosts[1].Address, AuthKey);
        for (var i = 0; i < 30; i++)
        {
            var counter = await client.DictAsync<string, int>($"region-{i}");
            await counter.SetAsync("population", i).Within();
        }
        var perHost = new List<int>();
        foreach (var host in Hosts)
        {
            var region = ClusterSharding.Get(host.Host.Member!.System).ShardRegion(ObjectShards.TypeName);
            var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
            perHost.Add(state.Shards.Sum(s => s.EntityIds.Count));
        }
        Assert.Equal(30, perHost.Sum());
        Assert.True(perHost.Count(n => n > 0) >= 2, $"objects per host: {string.Join(", ", perHost)}");
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(i, await (await client.DictAsync<string, int>($"region-{i}")).GetAsync("population").Within());
        }

        // Status, from any host, lists every durable object of the cluster with the host that runs it and its size.
        var regions = await Bounded.UntilAsync(
            async cancel => (await client.StatusAsync(cancel)).Objects.Where(o => o.Name?.StartsWith("region-", StringComparison.Ordinal) == true).ToList(),
            found => found.Count == 30 && found.All(o => o.Size == 1), "every region in the cluster's status", TimeSpan.FromSeconds(20));
        Assert.All(regions, o => Assert.Equal(Durability.Durable, o.Durability));
        Assert.Equal(perHost.Count(n => n > 0), regions.Select(o => o.Host).Distinct().Count());
        Assert.All(regions, o => Assert.Contains(o.Host, Hosts.Select(h => h.Address)));

        // A plain object lives on the host that made it: the same name on another host is another object.
        var pinned = await client.DictAsync<string, int>("scratch", durability: Durability.None);
        await pinned.SetAsync("x", 1);
        await using var other = await Manager.ConnectAsync(Hosts[0].Address, AuthKey);
        Assert.False(await (await other.DictAsync<string, int>("scratch")).ContainsKeyAsync("x").Within());
        Assert.True(await (await client.DictAsync<string, int>("scratch")).ContainsKeyAsync("x").Within());
        Assert.Equal(Hosts[1].Address, Assert.Single((await client.StatusAsync()).Objects, o => o.Name == "scratch" && o.Durability == Durability.None).Host);
    }

    [Fact]
    public async Task A_client_given_one_host_knows_the_others_and_drops_one_that_left()
    {
        await using var client = await Manager.ConnectAsync(Hosts[0].Address, AuthKey, new ClientOptions { Config = "managed-actors.contacts-refresh = 200ms" });
        await Bounded.EventuallyAsync(() => Task.FromResult(client.ContactPoints.Count == 3), "the three hosts named");
        Assert.Equal(Hosts.Select(h => h.Address).Order(), client.ContactPoints.Order());
        Assert.Equal(Hosts[0].Address, client.ContactPoints[0]);

        // A host leaves; the client's next refresh no longer names it.
        var leaving = Hosts[2];
        Hosts.RemoveAt(2);
        await leaving.DisposeAsync();
        await Bounded.EventuallyAsync(() => Task.FromResult(!client.ContactPoints.Contains(leaving.Address)), "the host that left dropped");
        Assert.Equal(Hosts.Select(h => h.Address).Order(), client.ContactPoints.Order());
    }

    [Fact]
    public async Task A_host_whose_member_is_downed_shuts_down_and_its_clients_go_on_through_the_others()
    {
        await using var client = await Manager.ConnectAsync(Hosts[2].Address, AuthKey, new ClientOptions { Config = "managed-actors.contacts-refresh = 200ms" });
        await Bounded.EventuallyAsync(() => Task.FromResult(client.ContactPoints.Count == 3), "the three hosts named");
        // The first durable object of a new cluster waits for its shard's first placement (seconds on a loaded machine).
        var stock = await client.DictAsync([KeyValuePair.Create("apples", 1)], "stock").Within(TimeSpan.FromSeconds(45), "creating the first durable object");
        var downed = Hosts[2];
        Cluster.Get(Hosts[0].Host.Member!.System).Down(Address.Parse(downed.ClusterAddress!));
        await downed.Stopped.Within(TimeSpan.FromSeconds(30), "the downed host stopping");
        Hosts.RemoveAt(2);
        Assert.Equal(1, await stock.GetAsync("apples").Within(TimeSpan.FromSeconds(30)));
        Assert.NotEqual(downed.Address, client.Address);
    }
}
