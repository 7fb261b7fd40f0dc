using ManagedActors.Tests.Clustering;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Journaling;

/// <summary>
/// Three versions of one real program (<c>tests/Upgrade</c>, assembly Shop) on one SQLite store: version 1 writes a
/// registered cart and a dict of records; version 2, which moved the cart's interface, renamed its method and changed
/// the record (a field renamed, one dropped, one added, the rest reordered), reads every acknowledged write back, from
/// the snapshots and, with them deleted, from the events alone; version 3, which dropped the method, is refused.
/// </summary>
[Collection(ProcessHeavy.Name)]
public sealed class UpgradeProgramSpec : IDisposable
{
    private const int Writes = 12;
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    /// <summary>Version <paramref name="version"/>'s Shop.dll, built beside the tests (same configuration).</summary>
    private static string Program(int version)
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tests = framework.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(tests, "Upgrade", $"V{version}", "bin", framework.Parent.Name, framework.Name, "Shop.dll");
    }

    /// <summary>The store's journal, and its snapshots unless <paramref name="withSnapshots"/> is false, copied to files named <paramref name="name"/>.</summary>
    private string Copy(string name, bool withSnapshots = true)
    {
        File.Copy(_store.PathOf("shop.db"), _store.PathOf(name + ".db"));
        if (withSnapshots)
        {
            File.Copy(_store.PathOf("shop-snapshots.db"), _store.PathOf(name + "-snapshots.db"));
        }
        return _store.PathOf(name + ".db");
    }

    [Fact]
    public async Task Version_two_reads_what_version_one_wrote_and_version_three_is_refused()
    {
        var written = await HostProcess.RunProgramAsync(Program(1), null, "write", _store.PathOf("shop.db"), $"{Writes}");
        Assert.True(written.ExitCode == 0, written.Output + written.Errors);
        Assert.Contains($"acknowledged {Writes - 1}", written.Output);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var eventsOnly = Copy("events-only", withSnapshots: false);
        var forVersion3 = Copy("version-3");
        var listed = await JournalInspector.ListAsync(_store.PathOf("shop.db"));
        // A snapshot every 5 events: the cart's and the stock's at 10, then the events after it.
        Assert.All(listed.Where(o => o.Name is "orders" or "stock"), o => Assert.Equal(10L, o.SnapshotSequenceNr));
        Assert.Contains(listed, o => o.Name == "orders" && o.Kind == "cart" && o.LastSequenceNr == Writes + 1);

        foreach (var store in new[] { _store.PathOf("shop.db"), eventsOnly })
        {
            var checkedRun = await HostProcess.RunProgramAsync(Program(2), null, "check", store, $"{Writes}");
            Assert.True(checkedRun.ExitCode == 0, store + ": " + checkedRun.Output + checkedRun.Errors);
            Assert.Contains($"recovered {Writes} items; the cart now holds {Writes + 1}", checkedRun.Output);
        }

        var refused = await HostProcess.RunProgramAsync(Program(3), null, "check", forVersion3, $"{Writes}");
        Assert.True(refused.ExitCode == 3, refused.Output + refused.Errors);
        Assert.Contains("refused: The journal of cart 'orders' holds, at event 11, a call of 'ICart.AddAsync'", refused.Output);
        Assert.Contains("[ManagedMethod(Aliases = [\"ICart.AddAsync\"])]", refused.Output);
    }
}
