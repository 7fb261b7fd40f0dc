using ManagedActors;
using ManagedActors.Processes;

// Python's BaseManager.register example: a plain Counter class (increment, reset, get value) registered with
// the manager and driven by several processes; and Process(target=shared_obj.say_hello), where a child
// process runs one method of a managed object.
const int Workers = 3, Times = 100;
Console.WriteLine($"parent main (pid {Environment.ProcessId})");
await using var manager = await Manager.StartAsync(new ManagerOptions()
    .Register<ICounter, Counter>("Counter", () => new Counter())
    .Register<IGreeter, Greeter>("Greeter", () => new Greeter()));

var counter = await manager.CreateAsync<ICounter>("Counter");
var workers = Enumerable.Range(0, Workers).Select(_ => ManagedProcess.Start(Clicker.ClickAsync, counter, Times)).ToList();
await Task.WhenAll(workers.Select(w => w.WaitForExitAsync()));
workers.ForEach(w => w.Dispose());
Console.WriteLine($"counter after {Workers} processes x {Times} increments: {await counter.GetValueAsync()}");
await counter.ResetAsync();
Console.WriteLine($"counter after reset: {await counter.GetValueAsync()}");

var greeter = await manager.CreateAsync<IGreeter>("Greeter");
using (var hello = ManagedProcess.Start(greeter, g => g.SayHelloAsync("world", CancellationToken.None)))
{
    await hello.WaitForExitAsync();
}
Console.WriteLine($"greetings recorded by the managed greeter: {string.Join("; ", await greeter.GreetingsAsync())}");

/// <summary>What clients see of the counter: its exposed methods.</summary>
internal interface ICounter : IManagedObject
{
    Task IncrementAsync(CancellationToken cancellationToken = default);

    Task ResetAsync(CancellationToken cancellationToken = default);

    Task<int> GetValueAsync(CancellationToken cancellationToken = default);
}

/// <summary>A plain class: its actor runs one call at a time, so it needs no lock.</summary>
internal sealed class Counter
{
    private int _value;

    public void Increment() => _value++;

    public void Reset() => _value = 0;

    public int GetValue() => _value;
}

/// <summary>A managed object whose method a child process runs.</summary>
internal interface IGreeter : IManagedObject
{
    Task SayHelloAsync(string to, CancellationToken cancellationToken = default);

    Task<List<string>> GreetingsAsync(CancellationToken cancellationToken = default);
}

/// <summary>Records its greetings, printing them where it runs: in the host.</summary>
internal sealed class Greeter
{
    private readonly List<string> _greetings = [];

    public void SayHello(string to) => _greetings.Add($"hello, {to}");

    public List<string> Greetings() => [.. _greetings];
}

internal static class Clicker
{
    public static async Task ClickAsync(ICounter counter, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await counter.IncrementAsync();
        }
        Console.WriteLine($"worker {Environment.ProcessId} incremented {times} times");
    }
}
