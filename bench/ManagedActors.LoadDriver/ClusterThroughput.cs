using System.Globalization;

namespace ManagedActors.LoadDriver;

/// <summary>
/// Throughput across the hosts of a cluster on 127.0.0.1: client processes spread over the hosts (client i talks to
/// host i mod n), each with calls in flight over <see cref="Objects"/> named durable dicts (a set, then a get) that
/// sharding spread over the hosts. It runs with one host and with three in the same go, so the two rows share the
/// machine's state. A call needs a hop between hosts when its object lives on another host than the client's; each
/// client spreads its calls evenly over the objects, so the hop share is counted from where status puts them.
/// </summary>
internal static class ClusterThroughput
{
    public const int Objects = 24;

    public static string NameOf(int index) => "cluster-bench-" + index.ToString(CultureInfo.InvariantCulture);

    public static async Task<int> RunAsync(Options options)
    {
        var seconds = options.Double("seconds", 3);
        var inFlight = options.Int("inflight", 64);
        var clients = options.Int("clients", 4);
        foreach (var hosts in new[] { 1, 3 })
        {
            await using var cluster = await ClusterHosts.StartAsync(hosts);
            var environment = new Dictionary<string, string> { [Roles.KeyVariable] = Convert.ToHexString(cluster.AuthKey) };
            await using (var setup = await Manager.ConnectAsync(cluster.Addresses, cluster.AuthKey))
            {
                // Each open is answered once the object's member journaled its creation: every shard is placed before the clients start.
                for (var i = 0; i < Objects; i++)
                {
                    await setup.DictAsync<string, int>(NameOf(i));
                }
            }
            var results = await Orchestrator.Measured("client", cluster.Addresses, environment, clients,
                ["--workload", "cluster-dict", "--inflight", inFlight.ToString(CultureInfo.InvariantCulture), "--seconds", seconds.ToString(CultureInfo.InvariantCulture)]);
            var hops = await HopShareAsync(cluster, clients);
            Console.WriteLine(new Figure("managedactors", $"cluster_dict_set_get_{hosts}_hosts", clients, inFlight, Orchestrator.Aggregate(results), HopShare: hops).ToJson());
        }
        return 0;
    }

    /// <summary>The clients' share of calls whose object lives on another host than theirs.</summary>
    private static async Task<double> HopShareAsync(ClusterHosts cluster, int clients)
    {
        await using var client = await Manager.ConnectAsync(cluster.Addresses[0], cluster.AuthKey);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            // Status collects the members' objects every 2 s.
            var placed = (await client.StatusAsync(limit.Token)).Objects
                .Where(o => o.Name?.StartsWith("cluster-bench-", StringComparison.Ordinal) == true && o.Host is not null).ToList();
            if (placed.Count == Objects)
            {
                return Enumerable.Range(0, clients)
                    .Average(c => placed.Count(o => o.Host != cluster.Addresses[c % cluster.Addresses.Count]) / (double)Objects);
            }
            await Task.Delay(250, limit.Token);
        }
    }
}
