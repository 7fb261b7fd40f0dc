using ManagedActors;
using ManagedActors.Dicts;

// Python's `with Manager() as m:` is `await using`; a manager can also be shut down explicitly. Either way,
// a proxy used afterwards throws ManagerShutDownException at once instead of hanging.
Console.WriteLine($"parent main (pid {Environment.ProcessId})");

IManagedDict<string, int> escaped;
await using (var manager = await Manager.StartAsync())
{
    escaped = await manager.DictAsync<string, int>("scores");
    await escaped.SetAsync("alice", 3);
    Console.WriteLine($"inside the scope: alice = {await escaped.GetAsync("alice")}");
}
await Report("after the await using scope", () => escaped.GetAsync("alice"));

var explicitManager = await Manager.StartAsync();
var counter = await explicitManager.ValueAsync(1);
Console.WriteLine($"before shutdown: counter = {await counter.GetAsync()}");
await explicitManager.DisposeAsync();
await Report("after DisposeAsync", () => counter.GetAsync());

static async Task Report(string when, Func<Task> call)
{
    try
    {
        await call();
        Console.WriteLine($"{when}: the call unexpectedly succeeded");
    }
    catch (ManagerShutDownException e)
    {
        Console.WriteLine($"{when}: {nameof(ManagerShutDownException)}: {e.Message}");
    }
}
