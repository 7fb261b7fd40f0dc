using ManagedActors.Processes;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Custom;

/// <summary>The tutorial's counter, exposed through an interface.</summary>
public interface ICounter : IManagedObject
{
    Task<int> IncrementAsync(int by = 1, CancellationToken cancellationToken = default);

    Task ResetAsync(CancellationToken cancellationToken = default);

    Task<int> GetValueAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns another registered type: the caller gets a live proxy (Python's method_to_typeid).</summary>
    Task<ICounter> SpawnAsync(int start, CancellationToken cancellationToken = default);
}

/// <summary>A plain class: no base class, synchronous methods, no locks; the actor serialises its calls.</summary>
[ManagedType("Counter", typeof(ICounter))]
public sealed class Counter
{
    private int _value;

    public Counter()
    {
    }

    public Counter(int start) => _value = start;

    public int Increment(int by)
    {
        if (by < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(by), by, "A counter only counts up.");
        }
        return _value += by;
    }

    public void Reset() => _value = 0;

    public int GetValue() => _value;

    public Counter Spawn(int start) => new(start);
}

public interface IGreeter : IManagedObject
{
    Task SayHelloAsync(string to, CancellationToken cancellationToken = default);

    Task<List<string>> GreetingsAsync(CancellationToken cancellationToken = default);
}

[ManagedType("Greeter", typeof(IGreeter))]
public sealed class Greeter
{
    private readonly List<string> _greetings = [];

    public void SayHello(string to) => _greetings.Add($"hello {to}");

    public List<string> Greetings() => [.. _greetings];
}

public interface IIncomplete : IManagedObject
{
    Task<int> CountAsync(CancellationToken cancellationToken = default);

    Task AddAsync(string item, CancellationToken cancellationToken = default);
}

public sealed class Incomplete
{
    public int Count() => 0;
}

public interface IAsyncImplementation : IManagedObject
{
    Task<int> ReadAsync(CancellationToken cancellationToken = default);
}

public sealed class AsyncImplementation
{
    public Task<int> Read() => Task.FromResult(1);
}

public static class CounterWorkers
{
    public static async Task IncrementAsync(ICounter counter, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await counter.IncrementAsync();
        }
    }
}

public sealed class CustomObjectSpec
{
    private static ManagerOptions Options => SessionFixture.Options
        .Register<ICounter, Counter>("Counter", () => new Counter())
        .Register<IGreeter, Greeter>("Greeter", () => new Greeter());

    [Fact]
    public void A_registration_whose_implementation_lacks_a_method_fails_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ManagerOptions().Register<IIncomplete, Incomplete>("Incomplete", () => new Incomplete()));
        Assert.Contains("Add(String)", error.Message);
        Assert.DoesNotContain("Count(", error.Message);
        var async = Assert.Throws<InvalidOperationException>(() => new ManagerOptions().Register<IAsyncImplementation, AsyncImplementation>("Async", () => new AsyncImplementation()));
        Assert.Contains("synchronous", async.Message);
    }

    [Fact]
    public async Task A_registered_counter_serves_local_and_remote_clients_and_its_exceptions_keep_their_type()
    {
        await using var manager = await Manager.StartAsync(Options);
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey);
        var counter = await manager.CreateAsync<ICounter>("Counter", "hits");
        var same = await client.CreateAsync<ICounter>("Counter", "hits");
        Assert.Equal(1, await counter.IncrementAsync());
        Assert.Equal(6, await same.IncrementAsync(5));
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => same.IncrementAsync(-1));
        Assert.Contains("only counts up", error.Message);
        Assert.Contains("End of stack trace on the ManagedActors host", error.StackTrace);
        // The object's own frame is kept in an optimized build too (the binding calls it through a delegate).
        Assert.Contains(nameof(Counter), error.StackTrace);
        Assert.Equal(6, await counter.GetValueAsync());
        await same.ResetAsync();
        Assert.Equal(0, await counter.GetValueAsync());
    }

    [Fact]
    public async Task A_method_returning_a_registered_interface_returns_a_live_proxy()
    {
        await using var manager = await Manager.StartAsync(Options);
        var counter = await manager.CreateAsync<ICounter>("Counter");
        var child = await counter.SpawnAsync(10);
        Assert.Equal(11, await child.IncrementAsync());
        Assert.Equal(0, await counter.GetValueAsync());
        var shelf = await manager.DictAsync<string, ICounter>();
        await shelf.SetAsync("child", child);
        Assert.Equal(12, await (await shelf.GetAsync("child")).IncrementAsync());
    }

    [Fact]
    public async Task An_unregistered_type_id_is_a_typed_error()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        var error = await Assert.ThrowsAsync<ManagedTypeNotLoadedException>(() => manager.CreateAsync<ICounter>("Counter"));
        Assert.Contains("No type is registered as 'Counter'", error.Message);
    }

    [Fact]
    public async Task Several_processes_drive_one_registered_counter()
    {
        await using var manager = await Manager.StartAsync(Options);
        var counter = await manager.CreateAsync<ICounter>("Counter");
        var workers = Enumerable.Range(0, 3).Select(_ => ManagedProcess.Start(CounterWorkers.IncrementAsync, counter, 50)).ToList();
        foreach (var worker in workers)
        {
            Assert.Equal(0, await worker.WaitForExitAsync().Within(TimeSpan.FromSeconds(60), "a counter worker"));
            worker.Dispose();
        }
        Assert.Equal(150, await counter.GetValueAsync());
    }

    [Fact]
    public async Task A_process_can_run_one_method_of_a_managed_object()
    {
        await using var manager = await Manager.StartAsync(Options);
        var greeter = await manager.CreateAsync<IGreeter>("Greeter");
        using var child = ManagedProcess.Start(greeter, g => g.SayHelloAsync("Ann", CancellationToken.None));
        Assert.Equal(0, await child.WaitForExitAsync().Within(TimeSpan.FromSeconds(60), "the greeting process"));
        Assert.Equal(["hello Ann"], await greeter.GreetingsAsync());
        Assert.Throws<ArgumentException>(() => ManagedProcess.Start(greeter, g => Task.CompletedTask));
    }

    [Fact]
    public async Task The_standalone_host_serves_registered_types_only_from_assemblies_it_was_given()
    {
        await using (var bare = await HostProcess.StartAsync())
        {
            await using var client = await Manager.ConnectAsync(bare.Address, bare.AuthKey);
            var error = await Assert.ThrowsAsync<ManagedTypeNotLoadedException>(() => client.CreateAsync<ICounter>("Counter"));
            Assert.Contains("--assembly", error.Message);
        }
        await using var host = await HostProcess.StartAsync(assemblies: [typeof(Counter).Assembly.Location]);
        await using var connected = await Manager.ConnectAsync(host.Address, host.AuthKey);
        var counter = await connected.CreateAsync<ICounter>("Counter", "shared");
        Assert.Equal(3, await counter.IncrementAsync(3));
    }
}
