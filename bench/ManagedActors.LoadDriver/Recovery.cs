using System.Diagnostics;
using System.Globalization;

namespace ManagedActors.LoadDriver;

/// <summary>
/// How long a durable object with many journal events takes to come back: written once (one event per sequential
/// call), then recovered by a new host from its last snapshot, and again with the snapshots deleted (a full replay).
/// Everything in this process, on SQLite. <c>--values record</c> stores a record in each call instead of an int, so the
/// journal holds values written field by field.
/// </summary>
internal static class Recovery
{
    public static Task<int> RunAsync(Options options) =>
        options.Values.GetValueOrDefault("values", "int") == "record"
            ? RunAsync(options, "_record", static i => new RecoveryOrder(i, "customer", i / 4m), static o => o.Id)
            : RunAsync(options, "", static i => i, static i => i);

    private static async Task<int> RunAsync<T>(Options options, string suffix, Func<int, T> make, Func<T, int> id)
    {
        var events = options.Int("events", 100_000);
        var folder = Directory.CreateTempSubdirectory("loaddriver-recovery-");
        try
        {
            var store = Path.Combine(folder.FullName, "objects.db");
            var manager = new ManagerOptions
            {
                DurableStore = store, Config = "managed-actors.snapshot-every = 1000", TrustedAssemblies = [typeof(RecoveryOrder).Assembly],
            };
            var written = Stopwatch.StartNew();
            await using (var first = await Manager.StartAsync(manager))
            {
                var dict = await first.DictAsync<string, T>("recover", Durability.Durable);
                for (var i = 0; i < events; i++)
                {
                    await dict.SetAsync("k" + (i % 1000).ToString(CultureInfo.InvariantCulture), make(i));
                }
            }
            Emit("write" + suffix, events, written.Elapsed.TotalMilliseconds);
            Emit("recover_from_snapshot" + suffix, events, await RecoverAsync(manager, events, id));
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(folder.FullName, "objects-snapshots.db*"))
            {
                File.Delete(file);
            }
            Emit("recover_by_replay" + suffix, events, await RecoverAsync(manager, events, id));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
        return 0;
    }

    /// <summary>A new host on the store; the time from opening the object to its first answer.</summary>
    private static async Task<double> RecoverAsync<T>(ManagerOptions options, int events, Func<T, int> id)
    {
        await using var host = await Manager.StartAsync(options);
        var clock = Stopwatch.StartNew();
        var dict = await host.DictAsync<string, T>("recover", Durability.Durable);
        var last = id(await dict.GetAsync("k" + ((events - 1) % 1000).ToString(CultureInfo.InvariantCulture)));
        var elapsed = clock.Elapsed.TotalMilliseconds;
        return last == events - 1 ? elapsed : throw new InvalidOperationException($"Recovered {last}, not {events - 1}.");
    }

    private static void Emit(string workload, int events, double wallMs) =>
        Console.WriteLine(new Figure("managedactors", "durable_" + workload, 1, 1, events / (wallMs / 1000), WallMs: wallMs).ToJson());
}

/// <summary>The record a <c>recovery --values record</c> run stores (public: a proxy's type arguments must be).</summary>
public sealed record RecoveryOrder(int Id, string Customer, decimal Total);
