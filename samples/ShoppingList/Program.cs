using ManagedActors;
using ManagedActors.Dicts;
using ManagedActors.Lists;
using ManagedActors.Processes;

// Python's shopping-list example: a managed list, two worker processes add items, the parent prints the list.
Console.WriteLine($"parent main (pid {Environment.ProcessId})");
await using var manager = await Manager.StartAsync();
var items = await manager.ListAsync<string>();
var started = await manager.DictAsync<string, long>();

var startedAt = DateTimeOffset.UtcNow.UtcTicks;
using var alice = ManagedProcess.Start(Shop.AddItemsAsync, items, started, "Alice", new List<string> { "apples", "bread", "milk" });
using var bob = ManagedProcess.Start(Shop.AddItemsAsync, items, started, "Bob", new List<string> { "eggs", "tea" });
await Task.WhenAll(alice.WaitForExitAsync(), bob.WaitForExitAsync());
Console.WriteLine($"workers exited with {alice.ExitCode} and {bob.ExitCode}");

var list = await items.SnapshotAsync();
Console.WriteLine($"shopping list has {list.Count} items:");
foreach (var item in list)
{
    Console.WriteLine($"  - {item}");
}
var startup = (await started.ValuesAsync()).Select(ticks => TimeSpan.FromTicks(ticks - startedAt).TotalMilliseconds);
Console.WriteLine($"process start-up (Start to target running): {string.Join(", ", startup.Select(ms => $"{ms:0} ms"))}");

internal static class Shop
{
    public static async Task AddItemsAsync(IManagedList<string> items, IManagedDict<string, long> started, string shopper, List<string> wanted)
    {
        await started.SetAsync(shopper, DateTimeOffset.UtcNow.UtcTicks);
        Console.WriteLine($"{shopper} (pid {Environment.ProcessId}) adds {string.Join(", ", wanted)}");
        foreach (var item in wanted)
        {
            await items.AppendAsync($"{item} ({shopper})");
        }
    }
}
