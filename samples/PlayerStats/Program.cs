using ManagedActors;
using ManagedActors.Namespaces;
using ManagedActors.Processes;

// Python's namespace example: one player's stats in a managed namespace, changed by a process that deals
// damage and one that heals. Atomic increments keep every change.
Console.WriteLine($"parent main (pid {Environment.ProcessId})");
await using var manager = await Manager.StartAsync();
var player = await manager.NamespaceAsync("player");
await player.SetAsync("name", "Aria");
await player.SetAsync("health", 100);
await player.SetAsync("hits_taken", 0);

using var monster = ManagedProcess.Start(Combat.AttackAsync, player, 8, 10);
using var healer = ManagedProcess.Start(Combat.HealAsync, player, 5, 6);
await Task.WhenAll(monster.WaitForExitAsync(), healer.WaitForExitAsync());

var stats = await player.SnapshotAsync();
Console.WriteLine($"{stats["name"]}: health {stats["health"]} (100 - 8 x 10 + 5 x 6 = {100 - 80 + 30}), hits taken {stats["hits_taken"]}");

internal static class Combat
{
    public static async Task AttackAsync(IManagedNamespace player, int hits, int damage)
    {
        for (var i = 0; i < hits; i++)
        {
            await player.IncrementAsync("health", -damage);
            await player.IncrementAsync("hits_taken", 1);
        }
        Console.WriteLine($"monster (pid {Environment.ProcessId}) hit {hits} times for {damage}");
    }

    public static async Task HealAsync(IManagedNamespace player, int heals, int amount)
    {
        for (var i = 0; i < heals; i++)
        {
            await player.IncrementAsync("health", amount);
        }
        Console.WriteLine($"healer (pid {Environment.ProcessId}) healed {heals} times for {amount}");
    }
}
