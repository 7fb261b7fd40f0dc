using ManagedActors.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ManagedActors.Tests.Journaling;

/// <summary>A journaled object compacted: a snapshot now, its events up to it deleted, and nothing it acknowledged lost.</summary>
public sealed class CompactionSpec : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    private ManagerOptions Options => new()
    {
        DurableStore = _store.PathOf("objects.db"),
        DefaultDurability = Durability.Durable,
        Config = "managed-actors.snapshot-every = 0",
    };

    private async Task<JournaledObjectInfo> ListedAsync(string name) =>
        (await JournalInspector.ListAsync(_store.PathOf("objects.db")).Within()).Single(o => o.Name == name);

    [Fact]
    public async Task A_compacted_object_keeps_every_write_and_its_journal_goes_on_after_the_snapshot()
    {
        await using (var manager = await Manager.StartAsync(Options))
        {
            var stock = await manager.DictAsync<string, int>("stock");
            for (var i = 0; i < 50; i++)
            {
                await stock.SetAsync("k" + i, i).Within();
            }
            Assert.Equal(51L, await manager.CompactAsync("stock").Within());
            var compacted = await ListedAsync("stock");
            Assert.Equal(51L, compacted.SnapshotSequenceNr);
            Assert.True(compacted.Events <= 1, $"{compacted.Events} events left");
            // Written after the compaction: journaled after the snapshot.
            await stock.SetAsync("after", 1).Within();
        }
        SqliteConnection.ClearAllPools();

        await using (var manager = await Manager.StartAsync(Options))
        {
            var stock = await manager.DictAsync<string, int>("stock");
            Assert.Equal(51, await stock.CountAsync().Within());
            Assert.Equal(49, await stock.GetAsync("k49").Within());
            Assert.Equal(1, await stock.GetAsync("after").Within());
        }
        SqliteConnection.ClearAllPools();
        await using (var manager = await Manager.StartAsync(Options))
        {
            // Brought back from the journal by its kind: this host has not opened it.
            Assert.Equal(52L, await manager.CompactAsync("stock", "dict").Within());
            Assert.Equal(52L, (await ListedAsync("stock")).SnapshotSequenceNr);
            Assert.Equal(51, await (await manager.DictAsync<string, int>("stock")).CountAsync().Within());
        }
    }

    [Fact]
    public async Task What_cannot_be_compacted_is_refused_with_the_reason()
    {
        await using var manager = await Manager.StartAsync(Options);
        var queue = await manager.QueueAsync<int>("jobs");
        await queue.PutAsync(1).Within();
        var noSnapshot = await Assert.ThrowsAsync<InvalidOperationException>(() => manager.CompactAsync("jobs")).Within();
        Assert.Contains("keeps no snapshot", noSnapshot.Message);
        await manager.ListAsync<int>("scratch", Durability.None);
        var notJournaled = await Assert.ThrowsAsync<InvalidOperationException>(() => manager.CompactAsync("scratch")).Within();
        Assert.Contains("not journaled", notJournaled.Message);
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => manager.CompactAsync("nothing-here")).Within();
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => manager.CompactAsync("nothing-here", "dict")).Within();
        // The queue still holds its item.
        Assert.Equal(1, await queue.GetAsync().Within());
    }

    [Fact]
    public async Task The_cli_compacts_an_object_of_a_store_no_host_uses()
    {
        var file = _store.PathOf("objects.db");
        await JournalInspectorSpec.WriteAsync(file);
        SqliteConnection.ClearAllPools();

        var (code, output, errors) = await HostProcess.RunCommandAsync(null, "journal", "compact", "stock", "--store", file);
        Assert.True(code == 0, output + errors);
        Assert.Contains("Compacted dict 'stock': a snapshot at event 4; 4 events before", output);
        Assert.Equal(4L, (await ListedAsync("stock")).SnapshotSequenceNr);
        (code, _, errors) = await HostProcess.RunCommandAsync(null, "journal", "compact", "door", "--store", file);
        Assert.Equal(1, code);
        Assert.Contains("keeps no snapshot", errors);

        await using var manager = await Manager.StartAsync(Options);
        var stock = await manager.DictAsync<string, int>("stock");
        Assert.Equal(3, await stock.GetAsync("plums").Within());
        Assert.Equal(3, await stock.CountAsync().Within());
    }
}
