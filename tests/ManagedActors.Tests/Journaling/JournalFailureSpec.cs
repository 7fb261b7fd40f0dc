using ManagedActors.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ManagedActors.Tests.Journaling;

/// <summary>
/// Journal trouble is never silent: a write the store cannot take fails the batch's calls with
/// <see cref="PersistenceFailedException"/>, the object starts again from what the journal kept, and it serves again
/// once the store takes writes.
/// </summary>
public sealed class JournalFailureSpec : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(40);
    private readonly TempStore _store = new();

    private string File => _store.PathOf("objects.db");

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task A_write_the_locked_store_refuses_fails_its_calls_and_the_object_serves_again_without_it()
    {
        // SQLite gives up on a locked file after one second here.
        await using var manager = await Manager.StartAsync(new ManagerOptions { DurableStore = $"Data Source={File};Default Timeout=1" });
        var dict = await manager.DictAsync<string, int>("stock", Durability.Durable);
        await dict.SetAsync("kept", 1);

        // Another process holds the file's write lock.
        var blocker = new SqliteConnection($"Data Source={File}");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();
        }
        var refused = await Assert.ThrowsAsync<PersistenceFailedException>(() => dict.SetAsync("lost", 2)).Within(Limit, "the refused write");
        Assert.Contains("journal", refused.Message);

        // The lock goes (a pooled connection would keep a transaction begun by hand).
        await using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }
        await blocker.DisposeAsync();
        Assert.Equal(1, await dict.GetAsync("kept").Within(Limit, "the object to serve again"));
        Assert.False(await dict.ContainsKeyAsync("lost"));
        await dict.SetAsync("after", 3).Within(Limit, "a write once the store takes them again");
        Assert.Equal(3, await dict.GetAsync("after"));
    }
}
