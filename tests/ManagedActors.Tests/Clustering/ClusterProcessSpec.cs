using System.Diagnostics;
using System.Security.Cryptography;
using ManagedActors.Dicts;
using ManagedActors.Synchronization;
using ManagedActors.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Clustering;

/// <summary>Standalone host processes form a cluster; one that gets SIGTERM leaves at once, one that is SIGKILLed is downed.</summary>
[Collection(ProcessHeavy.Name)]
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
        await Bounded.UntilAsync(async cancel => (await client.StatusAsync(cancel)).Members ?? [],
            members => members.Count == count && members.All(m => m.State == "Up" && !m.Unreachable), $"{count} members up", limit);
        return watch.Elapsed;
    }

    [Fact]
    public async Task A_terminated_host_leaves_a_killed_one_is_downed_and_their_objects_answer_from_the_others_with_every_acknowledged_write()
    {
        using var store = new TempStore();
        await TerminatedAndKilledAsync(store.PathOf("objects.db"), output);
    }

    [Fact]
    public async Task A_client_given_one_host_goes_on_through_the_others_when_it_is_killed_and_every_acknowledged_call_and_creation_stands()
    {
        using var store = new TempStore();
        await ClientFailoverAsync(store.PathOf("objects.db"), output);
    }

    /// <summary>
    /// Four hosts on <paramref name="journal"/>: one gets SIGTERM and leaves the cluster at once, then the oldest gets
    /// SIGKILL and is downed by the others; every object answers with its value each time.
    /// </summary>
    internal static async Task TerminatedAndKilledAsync(string journal, ITestOutputHelper output)
    {
        var seedPort = HostProcess.FreePort();
        await using var seed = await HostAsync(seedPort, seedPort, journal);
        Assert.Contains($"cluster member at akka.mauth.tcp://managed-actors-cluster@127.0.0.1:{seedPort}", seed.Output);
        // A clustered host on a SQLite file says at start what that risks; on PostgreSQL it has nothing to say.
        var sqlite = journal.EndsWith(".db", StringComparison.Ordinal);
        Assert.Equal(sqlite, seed.Output.Contains("journals to a SQLite file", StringComparison.Ordinal));
        await using var second = await HostAsync(0, seedPort, journal);
        await using var third = await HostAsync(0, seedPort, journal);
        await using var fourth = await HostAsync(0, seedPort, journal);
        await using var client = await Manager.ConnectAsync(seed.Address, AuthKey);
        await UntilMembersAsync(client, 4, TimeSpan.FromSeconds(60));
        var regions = new List<IManagedDict<string, int>>();
        for (var i = 0; i < 30; i++)
        {
            regions.Add(await client.DictAsync([KeyValuePair.Create("population", 100 + i)], $"region-{i}"));
        }

        async Task<TimeSpan> EveryObjectAnswersAsync(Stopwatch since, string after)
        {
            for (var i = 0; i < regions.Count; i++)
            {
                Assert.Equal(100 + i, await regions[i].GetAsync("population").Within(TimeSpan.FromSeconds(45), $"region-{i} after {after}"));
            }
            return since.Elapsed;
        }

        // SIGTERM: the host leaves the cluster before it exits, handing its objects off; the others drop it without
        // waiting to detect it, and its objects answer from them.
        var terminated = Stopwatch.StartNew();
        var exitCode = await fourth.TerminateAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, $"The terminated host exited {exitCode}:\n{fourth.Output}");
        Assert.Contains("shutting down", fourth.Output);
        Assert.False(fourth.Errors.Contains("fail:", StringComparison.Ordinal), $"A normal stop logged an error:\n{fourth.Errors}");
        var afterTerm = await EveryObjectAnswersAsync(terminated, "SIGTERM");
        await UntilMembersAsync(client, 3, TimeSpan.FromSeconds(10));
        output.WriteLine($"SIGTERM to every object answering from the others: {afterTerm.TotalSeconds:0.0} s; to removed from membership: {terminated.Elapsed.TotalSeconds:0.0} s");
        Assert.InRange(afterTerm, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.InRange(terminated.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));

        // SIGKILL of the oldest host (the shard coordinator's, and the client's): its connections end, the others find its
        // port refusing connections and down it at once (no failure detector, no resolver's wait), the coordinator starts
        // on the next oldest, the client goes on through another host, and the objects start from the shared journal.
        var killed = Stopwatch.StartNew();
        await seed.KillAsync();
        var afterKill = await EveryObjectAnswersAsync(killed, "SIGKILL");
        await UntilMembersAsync(client, 2, TimeSpan.FromSeconds(30));
        output.WriteLine($"SIGKILL of the oldest to every object answering: {afterKill.TotalSeconds:0.0} s; to removed from membership: {killed.Elapsed.TotalSeconds:0.0} s");
        Assert.NotEqual(seed.Address, client.Address);
        var gone = $"managed-actors-cluster@127.0.0.1:{seedPort} is gone (its port refuses connections)";
        Assert.True(second.Output.Contains(gone, StringComparison.Ordinal) || third.Output.Contains(gone, StringComparison.Ordinal),
            $"No survivor downed the killed host on its refused port:\n{second.Output}\n{third.Output}");
        Assert.InRange(afterKill, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        Assert.InRange(killed.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Three hosts on <paramref name="journal"/>; a client given only one of them learns the others when it connects.
    /// Its host is SIGKILLed under 8 callers, right after it answered the creation of 8 more objects.
    /// </summary>
    internal static async Task ClientFailoverAsync(string journal, ITestOutputHelper output)
    {
        var seedPort = HostProcess.FreePort();
        await using var seed = await HostAsync(seedPort, seedPort, journal);
        await using var second = await HostAsync(0, seedPort, journal);
        await using var doomed = await HostAsync(0, seedPort, journal);
        // The client is given the host that will die; its Welcome names the cluster's other hosts.
        await using var client = await Manager.ConnectAsync(doomed.Address, AuthKey);
        await UntilMembersAsync(client, 3, TimeSpan.FromSeconds(60));
        var members = (await client.StatusAsync()).Members!;
        Assert.Equal(new[] { seed.Address, second.Address, doomed.Address }.Order(), members.Select(m => m.ClientAddress).Order());
        // Eight objects over three hosts: some live on the host that dies, and come back on another. Each open is
        // answered once the member its shard went to journaled the creation (placing a new shard takes 2-4 s here).
        var placing = Stopwatch.StartNew();
        var counters = new List<IManagedDict<string, int>>();
        for (var i = 0; i < 8; i++)
        {
            counters.Add(await client.DictAsync([KeyValuePair.Create("hits", 0)], $"counter-{i}").Within(TimeSpan.FromSeconds(30), "creating the objects"));
        }
        output.WriteLine($"objects created after {placing.Elapsed.TotalSeconds:0.0} s");

        // Durable locks (the hosts' default) held by this client, spread over the hosts: some die with the host, and
        // come back on another with their holder; another client waits on each, through the failover.
        var vaults = new List<IManagedLock>();
        var vaultTokens = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            vaults.Add(await client.LockAsync($"vault-{i}").Within(TimeSpan.FromSeconds(30), "creating the durable locks"));
            vaultTokens.Add(await vaults[i].AcquireAsync().Within());
        }
        var outbox = await client.QueueAsync<int>("outbox").Within(TimeSpan.FromSeconds(30), "creating the durable queue");
        for (var i = 0; i < 5; i++)
        {
            await outbox.PutAsync(i).Within();
        }
        await using var rival = await Manager.ConnectAsync(second.Address, AuthKey);
        var rivalAcquires = new List<Task<long>>();
        for (var i = 0; i < vaults.Count; i++)
        {
            rivalAcquires.Add((await rival.LockAsync($"vault-{i}").Within()).AcquireAsync(TimeSpan.FromSeconds(90)));
        }
        // The callers run until each has made 20 calls after the kill, so calls are in flight when the host dies
        // however fast the machine is; each checks every answer as it goes.
        const int BeforeKill = 40, AfterKill = 20;
        var answers = counters.Select(_ => new List<int>()).ToArray();
        var sinceKill = new int[counters.Count];
        var halfway = new TaskCompletionSource();
        var warm = 0;
        var killing = 0;
        var stop = 0;
        var callers = Enumerable.Range(0, counters.Count).Select(c => Task.Run(async () =>
        {
            while (Volatile.Read(ref stop) == 0)
            {
                var after = Volatile.Read(ref killing) == 1;
                answers[c].Add(await counters[c].IncrementAsync("hits", 1));
                // Reads in flight when the host dies go again through another host too.
                Assert.Equal(answers[c][^1], await counters[c].GetAsync("hits"));
                if (answers[c].Count == BeforeKill && Interlocked.Increment(ref warm) == counters.Count)
                {
                    halfway.TrySetResult();
                }
                if (after)
                {
                    Interlocked.Increment(ref sinceKill[c]);
                }
            }
        })).ToArray();
        await halfway.Task.Within(TimeSpan.FromSeconds(60), "half of the increments");
        // Opens are answered once the member each object went to journaled its creation: then the host dies.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => client.DictAsync([KeyValuePair.Create("made", i)], $"fresh-{i}")))
            .Within(TimeSpan.FromSeconds(30), "creating the fresh objects");
        // Objects that are not durable live on the host that made them. The client holds a lock and fills a dict there;
        // another client, on a host that survives, has objects of the same names on it: other objects.
        var door = await client.LockAsync("door", Durability.None).Within();
        for (var i = 0; i < 5; i++)
        {
            await door.AcquireAsync().Within();
            await door.ReleaseAsync().Within();
        }
        var doorToken = await door.AcquireAsync().Within();
        var scratch = await client.DictAsync<string, int>("scratch", Durability.None).Within();
        await scratch.SetAsync("mine", 1).Within();
        await using var other = await Manager.ConnectAsync(seed.Address, AuthKey);
        var otherDoor = await other.LockAsync("door", Durability.None);
        Assert.True(await otherDoor.TryAcquireAsync().Within());
        await (await other.DictAsync<string, int>("scratch", Durability.None)).SetAsync("theirs", 2).Within();
        var killed = Stopwatch.StartNew();
        Volatile.Write(ref killing, 1);
        await doomed.KillAsync();
        await Bounded.EventuallyAsync(() => Task.FromResult(
                callers.Any(t => t.IsFaulted) || Enumerable.Range(0, counters.Count).All(c => Volatile.Read(ref sinceKill[c]) >= AfterKill)),
            "every caller's calls after the kill", TimeSpan.FromSeconds(90));
        output.WriteLine($"SIGKILL of the client's host to {AfterKill} calls of every caller after it: {killed.Elapsed.TotalSeconds:0.0} s; now on {client.Address}");
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(callers).Within(TimeSpan.FromSeconds(30), "every caller's last call");
        Assert.NotEqual(doomed.Address, client.Address);
        for (var c = 0; c < counters.Count; c++)
        {
            // Each answer once, in order: no increment lost, none applied twice.
            Assert.Equal(Enumerable.Range(1, answers[c].Count), answers[c]);
            Assert.Equal(answers[c].Count, await counters[c].GetAsync("hits").Within());
        }
        // The durable locks kept their holder through the failover: the rival still waits, and gets each lock, with a
        // higher token, only when this client lets go. The queue kept its items, in order.
        for (var i = 0; i < vaults.Count; i++)
        {
            Assert.True(await vaults[i].IsLockedAsync().Within(TimeSpan.FromSeconds(30), $"vault-{i} after the failover"));
            Assert.False(rivalAcquires[i].IsCompleted, $"vault-{i} was granted to the rival while its holder lived: {rivalAcquires[i].Exception?.InnerException}");
        }
        output.WriteLine($"durable locks held through the failover: {killed.Elapsed.TotalSeconds:0.0} s after the kill");
        for (var i = 0; i < vaults.Count; i++)
        {
            await vaults[i].ReleaseAsync().Within(TimeSpan.FromSeconds(30), $"releasing vault-{i}");
            var token = await rivalAcquires[i].Within(TimeSpan.FromSeconds(30), $"the rival's acquire of vault-{i}");
            Assert.True(token > vaultTokens[i], $"vault-{i}: token {token} after {vaultTokens[i]}");
        }
        var items = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            items.Add(await outbox.GetAsync(TimeSpan.FromSeconds(30)).Within(TimeSpan.FromSeconds(45), "the durable queue's items"));
        }
        Assert.Equal(Enumerable.Range(0, 5), items);
        // The non-durable lock and dict died with their host: their proxies say so, and never reach another object of their name
        // (before, the lock's proxy reported the other client's lock, and two clients believed they held one lock).
        var lost = await Assert.ThrowsAsync<ObjectLostException>(() => door.IsLockedAsync()).Within(TimeSpan.FromSeconds(30), "the lost lock");
        Assert.Contains("'door'", lost.Message);
        await Assert.ThrowsAsync<ObjectLostException>(() => door.ReleaseAsync()).Within();
        await Assert.ThrowsAsync<ObjectLostException>(() => scratch.GetAsync("theirs")).Within();
        // Opening the names again gets the objects there now, and no host lists a phantom of them.
        await (await client.DictAsync<string, int>("scratch", Durability.None).Within()).SetAsync("again", 3).Within();
        // The door this client reaches now (the other's, or a new one) grants tokens above the lost door's.
        await otherDoor.ReleaseAsync().Within();
        Assert.True(await (await client.LockAsync("door", Durability.None).Within()).AcquireAsync(TimeSpan.FromSeconds(10)).Within() > doorToken);
        var status = await client.StatusAsync().Within();
        Assert.DoesNotContain(status.Objects, o => o.Name is "door" or "scratch" && o.Durability != Durability.None);
        // Get-or-create with other contents finds every object whose creation was answered, as it was made.
        for (var i = 0; i < 8; i++)
        {
            var fresh = await client.DictAsync([KeyValuePair.Create("other", -1)], $"fresh-{i}").Within(TimeSpan.FromSeconds(45), $"opening fresh-{i}");
            Assert.Equal([KeyValuePair.Create("made", i)], await fresh.ItemsAsync().Within(TimeSpan.FromSeconds(45), $"reading fresh-{i}"));
        }
    }
}
