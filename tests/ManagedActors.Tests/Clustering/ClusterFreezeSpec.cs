using System.Diagnostics;
using System.Security.Cryptography;
using ManagedActors.Dicts;
using ManagedActors.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Clustering;

/// <summary>A host frozen (SIGSTOP) for 30 s, its sockets open: the others go on without it, and it leaves when it wakes.</summary>
internal static class ClusterFreezeSpec
{
    private static readonly byte[] AuthKey = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] ClusterKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>How long the host stands still: longer than any failover, as a long GC pause, a VM stall or a debugger would.</summary>
    private static readonly TimeSpan Freeze = TimeSpan.FromSeconds(30);

    private static Task<HostProcess> HostAsync(int clusterPort, int seedPort, string journal) => HostProcess.StartAsync(
        startupLimit: TimeSpan.FromSeconds(60),
        authKey: AuthKey,
        durable: journal,
        arguments: ["--seed", $"127.0.0.1:{seedPort}", "--cluster-port", clusterPort.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        environment: new Dictionary<string, string> { ["MANAGEDACTORS_CLUSTER_KEY"] = Convert.ToHexString(ClusterKey) });

    /// <summary>
    /// Three hosts on <paramref name="journal"/>; the third is frozen for 30 s. While it stands still, every object
    /// answers from the others (its own after the resolver downed it), takes writes, and its lane client fails over with
    /// its durable lock; when it resumes it finds itself downed and exits, and nothing it held comes back twice.
    /// </summary>
    public static async Task FrozenHostAsync(string journal, ITestOutputHelper output)
    {
        var seedPort = HostProcess.FreePort();
        var frozenPort = HostProcess.FreePort();
        await using var seed = await HostAsync(seedPort, seedPort, journal);
        await using var second = await HostAsync(0, seedPort, journal);
        await using var frozen = await HostAsync(frozenPort, seedPort, journal);
        await using var client = await Manager.ConnectAsync(second.Address, AuthKey);
        await Bounded.UntilAsync(async cancel => (await client.StatusAsync(cancel)).Members ?? [],
            members => members.Count == 3 && members.All(m => m.State == "Up" && !m.Unreachable), "3 members up", TimeSpan.FromSeconds(60));
        var regions = new List<IManagedDict<string, int>>();
        for (var i = 0; i < 24; i++)
        {
            regions.Add(await client.DictAsync([KeyValuePair.Create("population", i)], $"region-{i}").Within(TimeSpan.FromSeconds(30), "creating the objects"));
        }
        // A client of the host that will freeze holds a durable lock; another client waits for it.
        await using var holder = await Manager.ConnectAsync(frozen.Address, AuthKey);
        var vault = await holder.LockAsync("vault").Within(TimeSpan.FromSeconds(30), "creating the lock");
        var token = await vault.AcquireAsync().Within();
        var rivalAcquire = (await client.LockAsync("vault").Within()).AcquireAsync(TimeSpan.FromSeconds(120));

        var stopped = Stopwatch.StartNew();
        await frozen.SignalAsync("STOP");
        try
        {
            // While the host stands still: every object answers, its own from another host once it is downed, and takes a write.
            for (var i = 0; i < regions.Count; i++)
            {
                Assert.Equal(i, await regions[i].GetAsync("population").Within(TimeSpan.FromSeconds(25), $"region-{i} while a host is frozen"));
                await regions[i].SetAsync("during", i).Within(TimeSpan.FromSeconds(25), $"writing region-{i} while a host is frozen");
            }
            var answered = stopped.Elapsed;
            // The frozen host's client went to another host and kept its lock; the rival still waits.
            Assert.True(await vault.IsLockedAsync().Within(TimeSpan.FromSeconds(25), "the lock from its holder"));
            Assert.NotEqual(frozen.Address, holder.Address);
            Assert.False(rivalAcquire.IsCompleted, $"The rival got the lock while its holder lived: {rivalAcquire.Exception?.InnerException}");
            output.WriteLine($"SIGSTOP to every object answering and written: {answered.TotalSeconds:0.0} s; the holder on {holder.Address} at {stopped.Elapsed.TotalSeconds:0.0} s");
            Assert.True(stopped.Elapsed < Freeze, $"The cluster waited for the frozen host: {stopped.Elapsed.TotalSeconds:0.0} s");
            // A frozen host accepts connections (its kernel answers): the resolver downed it, not the dead-member probe.
            var gone = $"127.0.0.1:{frozenPort} is gone";
            Assert.DoesNotContain(gone, seed.Output + second.Output);
            await Task.Delay(Freeze - stopped.Elapsed);
        }
        finally
        {
            await frozen.SignalAsync("CONT");
        }

        // Woken, it finds itself downed and shuts down, as its supervisor would expect; it serves nothing on the way.
        var exitCode = await frozen.WaitForExitAsync().Within(TimeSpan.FromSeconds(45), "the woken host's exit");
        output.WriteLine($"woken host exited {exitCode} {stopped.Elapsed.TotalSeconds:0.0} s after SIGSTOP");
        Assert.True(exitCode == 1, $"The woken host exited {exitCode}:\n{frozen.Output}");
        Assert.Contains("its cluster member stopped", frozen.Output);
        for (var i = 0; i < regions.Count; i++)
        {
            Assert.Equal(
                new Dictionary<string, int> { ["population"] = i, ["during"] = i },
                (await regions[i].ItemsAsync().Within(TimeSpan.FromSeconds(30), $"region-{i} after the wake")).ToDictionary());
        }
        Assert.False(rivalAcquire.IsCompleted);
        await vault.ReleaseAsync().Within(TimeSpan.FromSeconds(30), "releasing the lock");
        Assert.True(await rivalAcquire.Within(TimeSpan.FromSeconds(30), "the rival's acquire") > token);
    }
}
