using ManagedActors.Lists;
using ManagedActors.Queues;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Hosting;

public interface IKeeper : IManagedObject
{
    Task KeepAsync(IManagedList<int> list, CancellationToken cancellationToken = default);

    Task DropAsync(CancellationToken cancellationToken = default);
}

/// <summary>A registered type that keeps a proxy in a field of its own, deep inside a structure of its own.</summary>
public sealed class Keeper
{
    private readonly Dictionary<string, List<IManagedList<int>>> _kept = [];

    public void Keep(IManagedList<int> list) => _kept["lists"] = [list];

    public void Drop() => _kept.Clear();
}

/// <summary>
/// An anonymous object stored in another lives as long as something holds it, and no longer: removing it, overwriting
/// it, clearing its holder or letting the holder go lets it go. Counts are read after the call that changed the holds,
/// which the host orders after the holder's report.
/// </summary>
public sealed class HeldReferencesSpec
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Lists_stored_in_a_dict_go_when_removed_overwritten_cleared_or_when_the_dict_goes(bool remote)
    {
        await using var started = await ManagerUnderTest.StartAsync(remote);
        var session = started.Session;
        var shelf = await session.DictAsync<string, IManagedList<int>>();
        var a = await session.ListAsync<int>();
        var b = await session.ListAsync<int>();
        await shelf.SetAsync("a", a);
        await shelf.SetAsync("b", b);
        await a.DisposeAsync();
        await b.DisposeAsync();
        Assert.Equal(3, await session.ObjectCountAsync());
        // A proxy read back is held by this session until it is disposed, like any other.
        var again = await shelf.GetAsync("a");
        await again.AppendAsync(1);
        await again.DisposeAsync();

        await shelf.DeleteAsync("a");
        Assert.Equal(2, await session.ObjectCountAsync());

        var c = await session.ListAsync<int>();
        await shelf.SetAsync("b", c);
        await c.DisposeAsync();
        Assert.Equal(2, await session.ObjectCountAsync());

        await shelf.ClearAsync();
        Assert.Equal(1, await session.ObjectCountAsync());

        var d = await session.ListAsync<int>();
        await shelf.SetAsync("d", d);
        await d.DisposeAsync();
        await shelf.DisposeAsync();
        Assert.Equal(0, await session.ObjectCountAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_queue_popped_from_a_list_is_held_by_its_caller_until_the_caller_lets_go(bool remote)
    {
        await using var started = await ManagerUnderTest.StartAsync(remote);
        var session = started.Session;
        var list = await session.ListAsync<IManagedQueue<int>>();
        var queue = await session.QueueAsync<int>();
        await list.AppendAsync(queue);
        await queue.DisposeAsync();
        Assert.Equal(2, await session.ObjectCountAsync());

        var popped = await list.PopAsync();
        Assert.Equal(2, await session.ObjectCountAsync());
        await popped.PutAsync(7);
        Assert.Equal(7, await popped.GetAsync());
        await popped.DisposeAsync();
        Assert.Equal(1, await session.ObjectCountAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_chain_of_three_goes_link_by_link_when_its_head_goes(bool remote)
    {
        await using var started = await ManagerUnderTest.StartAsync(remote);
        var session = started.Session;
        var head = await session.ListAsync<IManagedList<IManagedList<int>>>();
        var middle = await session.ListAsync<IManagedList<int>>();
        var tail = await session.ListAsync<int>();
        await middle.AppendAsync(tail);
        await head.AppendAsync(middle);
        await tail.DisposeAsync();
        await middle.DisposeAsync();
        Assert.Equal(3, await session.ObjectCountAsync());
        var middleAgain = await head.GetAsync(0);
        var tailAgain = await middleAgain.GetAsync(0);
        await tailAgain.AppendAsync(1);
        await tailAgain.DisposeAsync();
        await middleAgain.DisposeAsync();
        Assert.Equal(3, await session.ObjectCountAsync());

        await head.DisposeAsync();
        Assert.Equal(0, await session.ObjectCountAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_objects_that_hold_only_each_other_go_together(bool remote)
    {
        await using var started = await ManagerUnderTest.StartAsync(remote);
        var session = started.Session;
        var kept = await session.ListAsync<object>("kept");
        var first = await session.ListAsync<object>();
        var second = await session.ListAsync<object>();
        await first.AppendAsync(second);
        await second.AppendAsync(first);
        await first.DisposeAsync();
        Assert.Equal(3, await session.ObjectCountAsync());
        await second.DisposeAsync();
        Assert.Equal(1, await session.ObjectCountAsync());

        // A cycle that a named object reaches stays.
        var third = await session.ListAsync<object>();
        var fourth = await session.ListAsync<object>();
        await third.AppendAsync(fourth);
        await fourth.AppendAsync(third);
        await kept.AppendAsync(third);
        await third.DisposeAsync();
        await fourth.DisposeAsync();
        Assert.Equal(3, await session.ObjectCountAsync());
        await kept.ClearAsync();
        Assert.Equal(1, await session.ObjectCountAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_reference_only_passed_as_an_argument_is_not_kept(bool remote)
    {
        await using var started = await ManagerUnderTest.StartAsync(remote);
        var session = started.Session;
        var list = await session.ListAsync<IManagedList<int>>();
        var other = await session.ListAsync<int>();
        Assert.False(await list.ContainsAsync(other));
        await other.DisposeAsync();
        Assert.Equal(1, await session.ObjectCountAsync());
    }

    [Fact]
    public async Task A_registered_type_keeps_what_its_fields_refer_to()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options.Register<IKeeper, Keeper>("Keeper", () => new Keeper()));
        var keeper = await manager.CreateAsync<IKeeper>("Keeper");
        var list = await manager.ListAsync<int>();
        await keeper.KeepAsync(list);
        await list.DisposeAsync();
        Assert.Equal(2, await manager.ObjectCountAsync());
        await keeper.DropAsync();
        Assert.Equal(1, await manager.ObjectCountAsync());
    }

    [Fact]
    public async Task A_list_inside_a_record_stored_in_a_dict_lives_as_long_as_the_record_is_stored()
    {
        await using var started = await ManagerUnderTest.StartAsync(remote: true);
        var session = started.Session;
        var shelves = await session.DictAsync<string, Shelf>();
        var fruit = await session.ListAsync<string>();
        await shelves.SetAsync("fruit", new Shelf("fruit", fruit));
        await fruit.DisposeAsync();
        Assert.Equal(2, await session.ObjectCountAsync());
        await shelves.ClearAsync();
        Assert.Equal(1, await session.ObjectCountAsync());
    }
}
