using ManagedActors.Tests.Support;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ManagedActors.Tests.Journaling;

/// <summary>A durable store read without a host: <see cref="JournalInspector"/> and <c>journal list</c>.</summary>
public sealed class JournalInspectorSpec : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    /// <summary>A dict written 3 times (a snapshot every 2 events) and a held lock, journaled in <paramref name="store"/>.</summary>
    internal static async Task WriteAsync(string store)
    {
        await using var manager = await Manager.StartAsync(new ManagerOptions
        {
            DurableStore = store,
            DefaultDurability = Durability.Durable,
            Config = "managed-actors.snapshot-every = 2",
        });
        var stock = await manager.DictAsync<string, int>("stock");
        await stock.SetAsync("apples", 1).Within();
        await stock.SetAsync("pears", 2).Within();
        await stock.SetAsync("plums", 3).Within();
        await (await manager.LockAsync("door")).AcquireAsync().Within();
    }

    /// <summary>The dict: its creation and 3 calls, a snapshot at event 2 (snapshots are written after their event).</summary>
    internal static void AssertListed(IReadOnlyList<JournaledObjectInfo> objects)
    {
        var stock = Assert.Single(objects, o => o.Name == "stock");
        Assert.Equal(("dict", 4L, 4L), (stock.Kind, stock.Events, stock.LastSequenceNr));
        Assert.True(stock.Bytes > 0);
        Assert.True(stock.SnapshotSequenceNr is 2 or 4, $"snapshot at {stock.SnapshotSequenceNr}");
        var door = Assert.Single(objects, o => o.Name == "door");
        Assert.Equal("lock", door.Kind);
    }

    /// <summary>The dict <see cref="WriteAsync"/> wrote, shown: its snapshot, then its creation and 3 calls as JSON.</summary>
    internal static async Task<JournaledObjectInfo> AssertShownAsync(string store)
    {
        var stock = (await JournalInspector.ListAsync(store).Within()).Single(o => o.Name == "stock");
        var records = new List<JournalRecord>();
        await foreach (var record in JournalInspector.ShowAsync(store, stock.PersistenceId))
        {
            records.Add(record);
        }
        Assert.True(records[0].IsSnapshot);
        Assert.Equal([1L, 2L, 3L, 4L], records.Skip(1).Select(r => r.SequenceNr));
        using (var snapshot = JsonDocument.Parse(records[0].Json))
        {
            Assert.Equal("snapshot", snapshot.RootElement.GetProperty("record").GetString());
            Assert.Equal(1, snapshot.RootElement.GetProperty("state")[0].GetProperty("apples").GetInt32());
        }
        using (var third = JsonDocument.Parse(records[^1].Json))
        {
            var call = third.RootElement.GetProperty("calls")[0];
            Assert.Equal("IManagedDict.SetAsync", call.GetProperty("method").GetString());
            Assert.Equal("plums", call.GetProperty("args")[0].GetString());
            Assert.Equal(3, call.GetProperty("args")[1].GetInt32());
        }
        return stock;
    }

    [Fact]
    public async Task A_sqlite_store_is_listed_by_object_with_its_events_and_snapshot_by_the_library_and_by_the_cli()
    {
        var file = _store.PathOf("objects.db");
        await WriteAsync(file);
        SqliteConnection.ClearAllPools();

        AssertListed(await JournalInspector.ListAsync(file).Within());
        var (code, output, errors) = await RunAsync("journal", "list", "--store", file);
        Assert.True(code == 0, errors);
        Assert.Contains("objects: 2", output);
        Assert.Contains("stock", output);
        Assert.Contains("door", output);
    }

    [Fact]
    public async Task An_object_is_deleted_from_a_store_only_once_confirmed_and_a_host_then_no_longer_finds_it()
    {
        var file = _store.PathOf("objects.db");
        await WriteAsync(file);
        SqliteConnection.ClearAllPools();

        // Unconfirmed (nobody types the name): nothing goes.
        var (code, output, errors) = await RunAsync("journal", "delete", "stock", "--store", file);
        Assert.True(code == 1, output + errors);
        Assert.Contains("Nothing was deleted", output);
        Assert.Contains(await JournalInspector.ListAsync(file).Within(), o => o.Name == "stock");
        (code, _, errors) = await RunAsync("journal", "delete", "nothing-here", "--store", file, "--yes");
        Assert.Equal(2, code);
        Assert.Contains("No object 'nothing-here'", errors);

        (code, output, errors) = await RunAsync("journal", "delete", "stock", "--store", file, "--yes");
        Assert.True(code == 0, output + errors);
        Assert.Contains("Deleted dict 'stock': 4 events", output);
        var left = await JournalInspector.ListAsync(file).Within();
        Assert.DoesNotContain(left, o => o.Name == "stock");
        Assert.Contains(left, o => o.Name == "door");
        await using var manager = await Manager.StartAsync(new ManagerOptions { DurableStore = file, DefaultDurability = Durability.Durable });
        Assert.Equal(0, await (await manager.DictAsync<string, int>("stock")).CountAsync().Within());
    }

    [Fact]
    public async Task What_is_not_a_journal_is_refused_with_a_typed_error_and_nothing_is_created()
    {
        var missing = _store.PathOf("missing.db");
        await Assert.ThrowsAsync<FileNotFoundException>(() => JournalInspector.ListAsync(missing)).Within();
        Assert.False(File.Exists(missing));

        var text = _store.PathOf("notes.db");
        await File.WriteAllTextAsync(text, "these are not the tables you are looking for");
        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => JournalInspector.ListAsync(text)).Within();
        Assert.Contains("is not a ManagedActors journal", refused.Message);

        var empty = _store.PathOf("empty.db");
        await using (var db = new SqliteConnection($"Data Source={empty}"))
        {
            await db.OpenAsync();
            await using var create = db.CreateCommand();
            create.CommandText = "CREATE TABLE other (x INTEGER)";
            await create.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();
        await Assert.ThrowsAsync<InvalidDataException>(() => JournalInspector.ListAsync(empty)).Within();

        var (code, _, errors) = await RunAsync("journal", "list", "--store", text);
        Assert.Equal(2, code);
        Assert.Contains("InvalidDataException", errors);
    }

    [Fact]
    public async Task An_object_s_snapshot_and_events_show_as_json_without_their_types_and_a_damaged_record_shows_as_unreadable()
    {
        var file = _store.PathOf("objects.db");
        await WriteAsync(file);
        await using (var manager = await Manager.StartAsync(new ManagerOptions { DurableStore = file, DefaultDurability = Durability.Durable, TrustedAssemblies = [typeof(Job).Assembly] }))
        {
            var jobs = await manager.DictAsync<string, Job>("jobs");
            await jobs.SetAsync("first", new Job(7, "pack", ["fragile"])).Within();
        }
        SqliteConnection.ClearAllPools();

        var stock = await AssertShownAsync(file);

        // A record of the application's own shows its fields by name; the CLI prints one line a record.
        var (code, output, errors) = await RunAsync("journal", "show", "jobs", "--store", file);
        Assert.True(code == 0, errors);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using (var set = JsonDocument.Parse(lines[1]))
        {
            var job = set.RootElement.GetProperty("calls")[0].GetProperty("args")[1];
            Assert.Equal((7, "pack", "fragile"), (job.GetProperty("Id").GetInt32(), job.GetProperty("Name").GetString(), job.GetProperty("Tags")[0].GetString()));
        }

        // Damaged bytes, and a manifest no version wrote: each record says so, and the rest still shows.
        await using (var db = new SqliteConnection($"Data Source={file}"))
        {
            await db.OpenAsync();
            await using var damage = db.CreateCommand();
            damage.CommandText = "UPDATE journal SET message = X'FF01' WHERE persistence_id = @id AND sequence_number = 2;"
                + "UPDATE journal SET manifest = 'JK.9' WHERE persistence_id = @id AND sequence_number = 3";
            damage.Parameters.AddWithValue("@id", stock.PersistenceId);
            await damage.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();
        (code, output, errors) = await RunAsync("journal", "show", "stock", "--store", file);
        Assert.True(code == 0, errors);
        lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Contains("\"record\":\"unreadable\"", lines[2]);
        Assert.Contains("journal format 9", lines[3]);
        Assert.Contains("plums", lines[4]);
        (code, _, errors) = await RunAsync("journal", "show", "nothing-here", "--store", file);
        Assert.Equal(2, code);
        Assert.Contains("No object 'nothing-here'", errors);
    }

    private static Task<(int ExitCode, string Output, string Errors)> RunAsync(params string[] args) => HostProcess.RunCommandAsync(null, args);
}
