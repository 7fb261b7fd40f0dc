using System.Collections.Concurrent;
using System.Globalization;
using ManagedActors.Dicts;
using ManagedActors.Lists;
using ManagedActors.Processes;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Journaling;

/// <summary>Targets of the writer processes: they write until their host dies, and say what was acknowledged.</summary>
public static class DurableWriters
{
    /// <summary>Calls each writer keeps in flight.</summary>
    public const int Loops = 8;

    /// <summary>
    /// Appends distinct values to <paramref name="log"/> and increments <paramref name="worker"/> in
    /// <paramref name="counts"/> from <see cref="Loops"/> loops until the host goes; then writes to
    /// <paramref name="ackFile"/> the acknowledged increments (first line) and every acknowledged append.
    /// </summary>
    public static async Task WriteUntilTheHostDiesAsync(IManagedDict<string, int> counts, IManagedList<int> log, string worker, string ackFile)
    {
        var appended = new ConcurrentBag<int>();
        var increments = 0;
        var stop = 0;
        await Task.WhenAll(Enumerable.Range(0, Loops).Select(async loop =>
        {
            for (var seq = 0; Volatile.Read(ref stop) == 0; seq++)
            {
                try
                {
                    var value = loop * 1_000_000 + seq;
                    await log.AppendAsync(value);
                    appended.Add(value);
                    await counts.IncrementAsync(worker, 1);
                    Interlocked.Increment(ref increments);
                }
                catch (Exception e) when (e is ManagedActorsException or TimeoutException)
                {
                    Volatile.Write(ref stop, 1);
                }
            }
        }));
        await File.WriteAllLinesAsync(ackFile, [increments.ToString(CultureInfo.InvariantCulture), .. appended.Select(v => v.ToString(CultureInfo.InvariantCulture))]);
    }
}

/// <summary>
/// The standalone host with <c>--durable</c> on SQLite, four writer processes at full speed, SIGKILL mid-load, the host
/// started again on the same file: every acknowledged write is there, none twice.
/// </summary>
public sealed class HostKillSpec(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const int Writers = 4;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public Task A_host_killed_under_load_and_started_again_has_every_acknowledged_write_once() =>
        RunAsync(_store.PathOf("objects.db"), _store, output);

    /// <summary>The scenario on any store: <paramref name="database"/> is what <c>--durable</c> gets.</summary>
    internal static async Task RunAsync(string database, TempStore files, Xunit.Abstractions.ITestOutputHelper output)
    {
        var acks = Enumerable.Range(0, Writers).Select(i => files.PathOf($"acks-{i}.txt")).ToArray();
        await using (var host = await HostProcess.StartAsync(durable: database))
        {
            await using var client = await Manager.ConnectAsync(host.Address, host.AuthKey);
            var counts = await client.DictAsync<string, int>("counts");
            var writers = new List<ManagedProcess>();
            for (var i = 0; i < Writers; i++)
            {
                var log = await client.ListAsync<int>("log-" + i.ToString(CultureInfo.InvariantCulture));
                writers.Add(ManagedProcess.Start(DurableWriters.WriteUntilTheHostDiesAsync, counts, log, "w" + i.ToString(CultureInfo.InvariantCulture), acks[i]));
            }
            // Mid-load: every writer has had writes acknowledged.
            await Poll(async () =>
            {
                var snapshot = await counts.SnapshotAsync();
                return Enumerable.Range(0, Writers).All(i => snapshot.GetValueOrDefault("w" + i.ToString(CultureInfo.InvariantCulture)) >= 200);
            }).Within(Limit, "every writer to get writes acknowledged");
            await host.KillAsync();
            foreach (var writer in writers)
            {
                Assert.Equal(0, await writer.WaitForExitAsync().Within(Limit, "a writer to see its host gone"));
                writer.Dispose();
            }
        }

        await using var restarted = await HostProcess.StartAsync(durable: database);
        await using var reader = await Manager.ConnectAsync(restarted.Address, restarted.AuthKey);
        var recovered = await reader.DictAsync<string, int>("counts");
        for (var i = 0; i < Writers; i++)
        {
            var lines = await File.ReadAllLinesAsync(acks[i]);
            var ackedIncrements = int.Parse(lines[0], CultureInfo.InvariantCulture);
            var ackedAppends = lines.Skip(1).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
            var name = "w" + i.ToString(CultureInfo.InvariantCulture);
            var count = await recovered.GetAsync(name).Within(Limit, "the counts to recover");
            // Acknowledged increments are all there; at most the calls in flight when the host died were kept unacknowledged.
            Assert.InRange(count, ackedIncrements, ackedIncrements + DurableWriters.Loops);
            var log = await (await reader.ListAsync<int>("log-" + i.ToString(CultureInfo.InvariantCulture))).SnapshotAsync();
            Assert.Equal(log.Count, log.Distinct().Count());
            Assert.Empty(ackedAppends.Except(log));
            Assert.InRange(log.Count, ackedAppends.Count, ackedAppends.Count + DurableWriters.Loops);
            Assert.True(ackedIncrements >= 200, $"writer {i} had {ackedIncrements} increments acknowledged");
            output.WriteLine($"writer {i}: {ackedIncrements} increments acknowledged, {count} kept; {ackedAppends.Count} appends acknowledged, {log.Count} kept");
        }
        // Named objects work again through proxies of the new connection.
        await recovered.IncrementAsync("w0", 1);
    }

    private static async Task<bool> Poll(Func<Task<bool>> condition)
    {
        while (!await condition())
        {
            await Task.Delay(50);
        }
        return true;
    }
}
