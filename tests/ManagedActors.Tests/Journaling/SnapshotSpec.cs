using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Journaling;

/// <summary>A registered record type: its snapshot is the instance itself.</summary>
public interface ITally : IManagedObject
{
    Task<int> AddAsync(int amount, CancellationToken cancellationToken = default);

    [ReadOnlyCall]
    Task<int> SumAsync(CancellationToken cancellationToken = default);
}

/// <summary>A tally whose factory counts how often it runs: recovery from a snapshot does not run it.</summary>
public sealed record Tally
{
    private static int s_made;

    public int Total { get; set; }

    public static int Made => Volatile.Read(ref s_made);

    public static Tally Make()
    {
        Interlocked.Increment(ref s_made);
        return new Tally();
    }

    public int Add(int amount) => Total += amount;

    public int Sum() => Total;
}

/// <summary>Snapshots bound recovery: a journaled object comes back from its last snapshot and the calls after it.</summary>
public sealed class SnapshotSpec
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Objects_come_back_from_their_last_snapshot_and_the_calls_after_it()
    {
        await using var manager = await Manager.StartAsync(new ManagerOptions
        {
            DefaultDurability = Durability.Memory,
            Config = "managed-actors.snapshot-every = 10",
        }.Register<ITally, Tally>("Tally", Tally.Make));
        var dict = await manager.DictAsync<string, int>("stock");
        var names = await manager.NamespaceAsync("settings");
        var set = await manager.SetAsync<string>("tags");
        var tally = await manager.CreateAsync<ITally>("Tally", "votes");
        for (var i = 0; i < 25; i++)
        {
            await dict.SetAsync("k" + i, i);
            await names.SetAsync("n" + i, i);
            await set.AddAsync("t" + (i % 7));
            await tally.AddAsync(i);
        }
        await dict.DeleteAsync("k3");
        var made = Tally.Made;

        await Task.WhenAll(manager.KillJournaledAsync(dict), manager.KillJournaledAsync(names), manager.KillJournaledAsync(set), manager.KillJournaledAsync(tally)).Within(Limit, "the objects to stop");

        Assert.Equal(300, await tally.SumAsync().Within(Limit, "the tally to recover"));
        // Restored from its snapshot (the instance itself), not built by its factory and replayed from the start.
        Assert.Equal(made, Tally.Made);
        Assert.Equal(24, await dict.CountAsync().Within(Limit, "the dict to recover"));
        Assert.Equal(["k0", "k1", "k2", .. Enumerable.Range(4, 21).Select(i => "k" + i)], (await dict.SnapshotAsync()).Keys);
        Assert.Equal(24, await names.GetAsync<int>("n24"));
        Assert.Equal(7, await set.CountAsync());
        Assert.Equal(301, await tally.AddAsync(1));
    }
}
