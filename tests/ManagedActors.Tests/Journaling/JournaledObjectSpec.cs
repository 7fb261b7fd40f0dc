using ManagedActors.Synchronization;
using ManagedActors.Tests.Custom;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Journaling;

/// <summary>
/// Objects journaled in the host's memory: every acknowledged call is there when the object's actor comes back, and
/// what cannot be journaled is refused with a reason.
/// </summary>
public sealed class JournaledObjectSpec : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private Manager _manager = null!;

    public async Task InitializeAsync() =>
        _manager = await Manager.StartAsync(new ManagerOptions().Register<ICounter, Counter>("Counter", () => new Counter()));

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact]
    public async Task A_memory_object_killed_inside_the_host_comes_back_with_every_acknowledged_write()
    {
        var dict = await _manager.DictAsync<string, int>("stock", Durability.Memory);
        var list = await _manager.ListAsync<int>(durability: Durability.Memory);
        var counter = await _manager.CreateAsync<ICounter>("Counter", "visits", durability: Durability.Memory);
        for (var i = 0; i < 50; i++)
        {
            await dict.SetAsync("k" + i, i);
            await list.AppendAsync(i);
            await counter.IncrementAsync(2);
        }
        await dict.IncrementAsync("k1", 10);
        await list.RemoveAsync(7);
        // A failing call's partial change (none here) and its error are replayed alike.
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => counter.IncrementAsync(-1));

        await Task.WhenAll(KillAsync(dict), KillAsync(list), KillAsync(counter)).Within(Limit, "the objects' actors to stop");

        Assert.Equal(11, await dict.GetAsync("k1").Within(Limit, "the dict after its restart"));
        Assert.Equal(50, await dict.CountAsync());
        var items = await list.SnapshotAsync().Within(Limit, "the list after its restart");
        Assert.Equal(Enumerable.Range(0, 50).Where(i => i != 7), items);
        Assert.Equal(100, await counter.GetValueAsync().Within(Limit, "the counter after its restart"));
        // And it goes on from there.
        Assert.Equal(101, await counter.IncrementAsync(1));
    }

    [Fact]
    public async Task Calls_sent_while_a_stopped_object_waits_to_start_again_are_held_and_answered()
    {
        var dict = await _manager.DictAsync<string, int>(durability: Durability.Memory);
        await dict.SetAsync("a", 1);
        await KillAsync(dict).Within(Limit, "the dict's actor to stop");
        var writes = Enumerable.Range(0, 20).Select(i => dict.SetAsync("k" + i, i)).ToArray();
        await Task.WhenAll(writes).Within(Limit, "the calls held across the restart");
        Assert.Equal(21, await dict.CountAsync());
        Assert.Equal(1, await dict.GetAsync("a"));
    }

    [Fact]
    public async Task The_host_default_applies_to_every_kind_and_a_journaled_lock_keeps_its_holder_and_tokens_across_a_restart()
    {
        await using var manager = await Manager.StartAsync(new ManagerOptions { DefaultDurability = Durability.Memory });
        var names = await manager.NamespaceAsync();
        await names.SetAsync("answer", 42);
        await KillAsync(names, manager).Within(Limit, "the namespace's actor to stop");
        Assert.Equal(42, await names.GetAsync<int>("answer").Within(Limit, "the namespace after its restart"));
        // A lock takes the default too: its holder and its tokens are journaled with it.
        var gate = await manager.LockAsync("gate");
        var first = await gate.AcquireAsync();
        await using var other = await Manager.ConnectAsync(manager.Address, manager.AuthKey);
        var othersGate = await other.LockAsync("gate");
        await KillAsync(gate, manager).Within(Limit, "the lock's actor to stop");
        Assert.True(await gate.IsLockedAsync().Within(Limit, "the lock after its restart"));
        Assert.False(await othersGate.TryAcquireAsync().Within());
        await gate.ReleaseAsync().Within();
        var second = await othersGate.AcquireAsync(TimeSpan.FromSeconds(5)).Within();
        Assert.True(second > first, $"token {second} after {first}");
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _manager.CreateAsync<ICounter>("Counter", durability: (Durability)7));
        Assert.Contains("None, Memory or Durable", error.Message);
    }

    [Fact]
    public async Task Durable_without_a_store_is_refused_with_the_reason_and_creates_nothing()
    {
        var noStore = await Assert.ThrowsAsync<InvalidOperationException>(() => _manager.DictAsync<string, int>("d", Durability.Durable));
        Assert.Contains("no durable store", noStore.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _manager.LockAsync("lock", Durability.Durable));
        // The names stay free: nothing was created.
        Assert.Equal(0, await _manager.ObjectCountAsync());
    }

    private Task<bool> KillAsync(object proxy, Manager? manager = null) => (manager ?? _manager).KillJournaledAsync(proxy);
}
