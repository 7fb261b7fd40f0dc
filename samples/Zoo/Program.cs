using ManagedActors;
using ManagedActors.Dicts;
using ManagedActors.Lists;
using ManagedActors.Namespaces;
using ManagedActors.Processes;

// The tutorial's zoo simulator: a list of animals, a dict of food stock and a namespace of zoo stats,
// shared by keeper processes over several simulated days. Each day every keeper is a new process that feeds
// its share of the animals, counts visitors and, on even days, the first keeper reports a birth.
const int Keepers = 3, Days = 5;
Console.WriteLine($"parent main (pid {Environment.ProcessId})");
await using var manager = await Manager.StartAsync();
var animals = await manager.ListAsync<string>(["lion", "zebra", "penguin", "giraffe"], "animals");
var food = await manager.DictAsync<string, int>(new Dictionary<string, int> { ["meat"] = 100, ["hay"] = 100, ["fish"] = 100 }, "food");
var stats = await manager.NamespaceAsync("stats");

for (var day = 1; day <= Days; day++)
{
    var fed = await animals.SnapshotAsync();
    var keepers = Enumerable.Range(0, Keepers).Select(k => ManagedProcess.Start(Keeper.WorkDayAsync, animals, food, stats, fed, k, day)).ToList();
    await Task.WhenAll(keepers.Select(k => k.WaitForExitAsync()));
    var failed = keepers.Where(k => k.ExitCode != 0).ToList();
    if (failed.Count > 0)
    {
        Console.WriteLine($"day {day}: {failed.Count} keeper(s) failed: {failed[0].Error?.Message}");
        return 1;
    }
    keepers.ForEach(k => k.Dispose());
    var stock = await food.SnapshotAsync();
    Console.WriteLine($"day {day}: {fed.Count} animals fed by {Keepers} keeper processes; food left: meat {stock["meat"]}, hay {stock["hay"]}, fish {stock["fish"]}");
}

var summary = await stats.SnapshotAsync();
Console.WriteLine("zoo summary:");
Console.WriteLine($"  animals: {await animals.CountAsync()} ({string.Join(", ", await animals.SnapshotAsync())})");
Console.WriteLine($"  meals served: {summary["meals_served"]}");
Console.WriteLine($"  births: {summary["births"]}");
Console.WriteLine($"  visitors: {summary["visitors"]}");
return 0;

internal static class Keeper
{
    private static readonly Dictionary<string, (string Food, int Amount)> Diets = new()
    {
        ["lion"] = ("meat", 5), ["zebra"] = ("hay", 4), ["penguin"] = ("fish", 2), ["giraffe"] = ("hay", 6),
    };

    public static async Task WorkDayAsync(
        IManagedList<string> animals, IManagedDict<string, int> food, IManagedNamespace stats, List<string> fed, int keeper, int day)
    {
        // Keeper k feeds every animal whose place in the morning's list is k modulo the number of keepers.
        for (var i = keeper; i < fed.Count; i += 3)
        {
            var species = fed[i].Replace("baby ", "", StringComparison.Ordinal);
            var (kind, amount) = Diets[species];
            await food.IncrementAsync(kind, fed[i].StartsWith("baby", StringComparison.Ordinal) ? -1 : -amount);
            await stats.IncrementAsync("meals_served", 1);
        }
        await stats.IncrementAsync("visitors", 10 * (keeper + 1));
        if (keeper == 0 && day % 2 == 0)
        {
            var parent = fed[day / 2 % fed.Count].Replace("baby ", "", StringComparison.Ordinal);
            await animals.AppendAsync("baby " + parent);
            await stats.IncrementAsync("births", 1);
        }
        else
        {
            await stats.IncrementAsync("births", 0);
        }
    }
}
