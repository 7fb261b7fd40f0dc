using ManagedActors.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Journaling;

/// <summary>
/// The durable scenarios against a real PostgreSQL server (Npgsql, Akka.Persistence.Sql's PostgreSQL.15 provider), and
/// a server that stops under a host: its writes fail with <see cref="PersistenceFailedException"/>, never a success,
/// and the objects serve again once it is back.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreSpec(PostgresServer server, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly TempStore _files = new();

    public void Dispose() => _files.Dispose();

    [SkippableFact]
    public async Task Named_objects_come_back_with_their_writes_when_a_host_starts_again_on_the_same_database() =>
        await DurableScenarios.RoundTripAsync(await server.CreateDatabaseAsync());

    [SkippableFact]
    public async Task A_postgresql_store_is_listed_by_object_with_its_events_and_snapshot_and_an_object_is_shown_and_compacted()
    {
        var database = await server.CreateDatabaseAsync();
        await JournalInspectorSpec.WriteAsync(database);
        JournalInspectorSpec.AssertListed(await JournalInspector.ListAsync(database).Within(Limit, "listing the journal"));
        await JournalInspectorSpec.AssertShownAsync(database);

        // Compacted by a host that had not opened it: a snapshot at its last event, and every value still there.
        await using (var host = await Manager.StartAsync(new ManagerOptions { DurableStore = database }))
        {
            Assert.Equal(4L, await host.CompactAsync("stock", "dict").Within(Limit, "compacting"));
        }
        var stock = (await JournalInspector.ListAsync(database).Within(Limit, "listing the journal")).Single(o => o.Name == "stock");
        Assert.Equal((4L, 4L), (stock.SnapshotSequenceNr!.Value, stock.LastSequenceNr));
        Assert.True(stock.Events <= 1, $"{stock.Events} events left");
        await using var again = await Manager.StartAsync(new ManagerOptions { DurableStore = database });
        Assert.Equal(3, await (await again.DictAsync<string, int>("stock", Durability.Durable)).GetAsync("plums").Within(Limit, "reading"));
    }

    [SkippableFact]
    public async Task A_host_killed_under_load_and_started_again_has_every_acknowledged_write_once() =>
        await HostKillSpec.RunAsync(await server.CreateDatabaseAsync(), _files, output);

    [SkippableFact]
    public async Task A_write_while_the_server_is_down_fails_its_calls_and_the_object_serves_again_when_it_is_back()
    {
        var database = await server.CreateDatabaseAsync();
        await using var manager = await Manager.StartAsync(new ManagerOptions { DurableStore = database });
        var dict = await manager.DictAsync<string, int>("stock", Durability.Durable);
        await dict.SetAsync("kept", 1);
        await server.StopAsync();
        try
        {
            await Assert.ThrowsAsync<PersistenceFailedException>(() => dict.SetAsync("lost", 2)).Within(Limit, "the refused write");
        }
        finally
        {
            await server.StartAsync();
        }
        Assert.Equal(1, await dict.GetAsync("kept").Within(Limit, "the object to serve again"));
        Assert.False(await dict.ContainsKeyAsync("lost"));
        await dict.SetAsync("after", 3).Within(Limit, "a write once the server is back");
        Assert.Equal(3, await dict.GetAsync("after"));
    }
}
