using ManagedActors;
using ManagedActors.Namespaces;
using ManagedActors.Processes;
using ManagedActors.Synchronization;

// Python's lock example: processes do the non-atomic read-modify-write `ns.counter = ns.counter + 1` on a
// managed namespace. Without a lock their updates overwrite each other; under a managed lock none is lost.
const int Workers = 4, Times = 200;
Console.WriteLine($"parent main (pid {Environment.ProcessId})");
await using var manager = await Manager.StartAsync();

foreach (var locked in new[] { false, true })
{
    var counters = await manager.NamespaceAsync();
    await counters.SetAsync("counter", 0);
    var guard = await manager.LockAsync();
    var workers = Enumerable.Range(0, Workers).Select(_ => ManagedProcess.Start(Counter.IncrementAsync, counters, guard, Times, locked)).ToList();
    await Task.WhenAll(workers.Select(w => w.WaitForExitAsync()));
    workers.ForEach(w => w.Dispose());
    var total = await counters.GetAsync<int>("counter");
    Console.WriteLine($"{(locked ? "under a managed lock" : "without a lock"),-20} counter = {total,4} of {Workers * Times} (lost updates: {Workers * Times - total})");
}

internal static class Counter
{
    public static async Task IncrementAsync(IManagedNamespace counters, IManagedLock guard, int times, bool locked)
    {
        for (var i = 0; i < times; i++)
        {
            LockHolding? holding = locked ? await guard.LockAsync() : null;
            try
            {
                var value = await counters.GetAsync<int>("counter");
                await counters.SetAsync("counter", value + 1);
            }
            finally
            {
                if (holding is not null)
                {
                    await holding.DisposeAsync();
                }
            }
        }
    }
}
