using ManagedActors;
using ManagedActors.Dicts;
using ManagedActors.Processes;

// Python's inventory example: four processes restock the same items in a managed dict. The tutorial's
// `d[k] = d.get(k, 0) + 1` reads and writes in two calls, so concurrent workers overwrite each other's
// updates; IncrementAsync is one atomic call and loses none.
const int Workers = 4, Restocks = 500;
Console.WriteLine($"parent main (pid {Environment.ProcessId})");
await using var manager = await Manager.StartAsync();

foreach (var atomic in new[] { false, true })
{
    var stock = await manager.DictAsync<string, int>();
    var workers = Enumerable.Range(0, Workers).Select(_ => ManagedProcess.Start(Warehouse.RestockAsync, stock, Restocks, atomic)).ToList();
    await Task.WhenAll(workers.Select(w => w.WaitForExitAsync()));
    foreach (var worker in workers)
    {
        worker.Dispose();
    }
    var expected = Workers * Restocks;
    foreach (var item in Warehouse.Items)
    {
        var total = await stock.GetOrDefaultAsync(item);
        Console.WriteLine($"{(atomic ? "IncrementAsync" : "get-then-set"),-14} {item,-7} {total,5} of {expected} (lost updates: {expected - total})");
    }
}

internal static class Warehouse
{
    public static readonly string[] Items = ["apples", "pears"];

    public static async Task RestockAsync(IManagedDict<string, int> stock, int times, bool atomic)
    {
        for (var i = 0; i < times; i++)
        {
            foreach (var item in Items)
            {
                if (atomic)
                {
                    await stock.IncrementAsync(item, 1);
                }
                else
                {
                    var current = await stock.GetOrDefaultAsync(item);
                    await stock.SetAsync(item, current + 1);
                }
            }
        }
    }
}
