using ManagedActors.Tests.Custom;
using ManagedActors.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ManagedActors.Tests.Journaling;

/// <summary>
/// Durable objects on SQLite: a host started again on the same file finds its named objects with every acknowledged
/// write, however the calls arrived (one by one or many in flight).
/// </summary>
public sealed class DurableStoreSpec : IDisposable
{
    private readonly TempStore _store = new();

    private string Store => _store.PathOf("objects.db");

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Named_objects_come_back_with_their_writes_when_a_host_starts_again_on_the_same_file()
    {
        await DurableScenarios.RoundTripAsync(Store);
        Assert.True(File.Exists(Store));
        Assert.Equal("wal", JournalMode(Store));
    }

    private static string JournalMode(string file)
    {
        using var connection = new SqliteConnection("Data Source=" + file);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        return (string)command.ExecuteScalar()!;
    }
}

/// <summary>What every durable store must do, run against SQLite and PostgreSQL.</summary>
public static class DurableScenarios
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Writes to named objects (one by one and many in flight), stops the host, starts another on the same store, and
    /// finds every acknowledged write.
    /// </summary>
    public static async Task RoundTripAsync(string store)
    {
        var options = new ManagerOptions { DurableStore = store, DefaultDurability = Durability.Durable }
            .Register<ICounter, Counter>("Counter", () => new Counter());
        await using (var first = await Manager.StartAsync(options))
        {
            var dict = await first.DictAsync<string, int>("stock");
            var list = await first.ListAsync(["seed"], "log");
            var counter = await first.CreateAsync<ICounter>("Counter", "visits");
            for (var i = 0; i < 20; i++)
            {
                await dict.SetAsync("k" + i, i);
                await list.AppendAsync("entry " + i);
                await counter.IncrementAsync(3);
            }
            await dict.DeleteAsync("k0");
            // Many calls in flight from many callers: each batch is one journal write, acknowledged after it.
            await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
            {
                for (var i = 0; i < 100; i++)
                {
                    await dict.IncrementAsync("hits", 1);
                }
            })).Within(Limit, "the concurrent increments");
        }

        await using var second = await Manager.StartAsync(options);
        var stock = await second.DictAsync<string, int>("stock");
        Assert.Equal(800, await stock.GetAsync("hits").Within(Limit, "the dict to recover"));
        Assert.False(await stock.ContainsKeyAsync("k0"));
        Assert.Equal(19, await stock.GetAsync("k19"));
        // The journal wins over the arguments of a later open: the log was created with "seed".
        var log = await second.ListAsync(["ignored"], "log");
        Assert.Equal(["seed", .. Enumerable.Range(0, 20).Select(i => "entry " + i)], await log.SnapshotAsync());
        var visits = await second.CreateAsync<ICounter>("Counter", "visits");
        Assert.Equal(60, await visits.GetValueAsync());
    }
}
