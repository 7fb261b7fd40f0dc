using ManagedActors.Lists;
using ManagedActors.Processes;
using ManagedActors.Queues;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Processes;

public static class Creators
{
    /// <summary>Creates an anonymous list, a named one, and an anonymous one stored in a managed dict, then exits.</summary>
    public static async Task CreateAndExitAsync(IManagedQueue<string> ids, Dicts.IManagedDict<string, IManagedList<int>> shelf)
    {
        var session = ManagedProcess.Connection!;
        var dropped = await session.ListAsync<int>();
        await ids.PutAsync(dropped.GetReference().ObjectId);
        await session.ListAsync<int>("kept-by-name");
        var stored = await session.ListAsync<int>();
        await shelf.SetAsync("stored", stored);
        await ids.PutAsync(stored.GetReference().ObjectId);
    }
}

/// <summary>Anonymous objects live while a client or another object holds them; named ones until deleted.</summary>
public sealed class LifetimeSpec
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_anonymous_object_of_an_exited_child_is_gone_while_named_and_stored_ones_stay()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        var ids = await manager.QueueAsync<string>();
        var shelf = await manager.DictAsync<string, IManagedList<int>>("shelf");
        using (var child = ManagedProcess.Start(Creators.CreateAndExitAsync, ids, shelf))
        {
            Assert.Equal(0, await child.WaitForExitAsync().Within(Limit, "the creating child"));
        }
        var dropped = await ids.GetAsync(TimeSpan.Zero);
        var stored = await ids.GetAsync(TimeSpan.Zero);

        await Bounded.EventuallyAsync(async () => (await manager.StatusAsync()).Objects.All(o => o.Id != dropped), "the dropped list to be stopped");
        var status = await manager.StatusAsync();
        Assert.Contains(status.Objects, o => o.Name == "kept-by-name");
        Assert.Contains(status.Objects, o => o.Id == stored);
        await (await shelf.GetAsync("stored")).AppendAsync(1);
    }

    [Fact]
    public async Task A_proxy_dropped_without_dispose_lets_its_object_go_once_it_is_collected()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey);
        var id = await CreateAndDropAsync(client);
        Assert.Contains((await manager.StatusAsync()).Objects, o => o.Id == id);
        await Bounded.EventuallyAsync(async () =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return (await manager.StatusAsync()).Objects.All(o => o.Id != id);
        }, "the dropped proxy's object to be let go");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task<string> CreateAndDropAsync(ManagerSession session)
    {
        var list = await session.ListAsync<int>();
        await list.AppendAsync(1);
        return list.GetReference().ObjectId;
    }

    [Fact]
    public async Task Disposing_the_last_proxy_lets_an_anonymous_object_go_and_the_proxy_refuses_calls()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey);
        var list = await client.ListAsync<int>();
        var id = list.GetReference().ObjectId;
        var second = list.WithTimeout(TimeSpan.FromSeconds(5));
        await list.DisposeAsync();
        await second.AppendAsync(1);
        Assert.Contains((await manager.StatusAsync()).Objects, o => o.Id == id);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => list.CountAsync());
        await second.DisposeAsync();
        await Bounded.EventuallyAsync(async () => (await manager.StatusAsync()).Objects.All(o => o.Id != id), "the released list to be stopped");
        var named = await client.ListAsync<int>("named");
        await named.DisposeAsync();
        Assert.Contains((await manager.StatusAsync()).Objects, o => o.Name == "named");
    }
}
