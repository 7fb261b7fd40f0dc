using ManagedActors.Dicts;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Contract;

/// <summary>Every method of the managed dictionary against one kind of session.</summary>
public abstract class DictContract<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : SessionFixture
{
    /// <summary>The session's fixture, for what a deployment's own tests check beside the contract.</summary>
    protected TFixture Fixture { get; } = fixture;

    private ManagerSession Session => Fixture.Session;

    private Task<IManagedDict<string, int>> Stock(params (string Key, int Value)[] entries) =>
        Session.DictAsync(entries.Select(e => KeyValuePair.Create(e.Key, e.Value)));

    [Fact]
    public async Task Set_get_contains_count_and_missing_key()
    {
        var dict = await Session.DictAsync<string, int>();
        await dict.SetAsync("apples", 3);
        Assert.Equal(3, await dict.GetAsync("apples"));
        Assert.True(await dict.ContainsKeyAsync("apples"));
        Assert.False(await dict.ContainsKeyAsync("pears"));
        Assert.Equal(1, await dict.CountAsync());
        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => dict.GetAsync("pears"));
        Assert.Contains("pears", error.Message);
        Assert.Equal(0, await dict.GetOrDefaultAsync("pears"));
        Assert.Equal(7, await dict.GetOrDefaultAsync("pears", 7));
    }

    [Fact]
    public async Task Keys_values_and_items_keep_insertion_order()
    {
        var dict = await Stock(("b", 2), ("a", 1), ("c", 3));
        await dict.SetAsync("b", 20);
        Assert.Equal(["b", "a", "c"], await dict.KeysAsync());
        Assert.Equal([20, 1, 3], await dict.ValuesAsync());
        Assert.Equal([KeyValuePair.Create("b", 20), KeyValuePair.Create("a", 1), KeyValuePair.Create("c", 3)], await dict.ItemsAsync());
        var copy = await dict.SnapshotAsync();
        Assert.Equal(20, copy["b"]);
        Assert.Equal(3, copy.Count);
    }

    [Fact]
    public async Task Delete_and_remove()
    {
        var dict = await Stock(("a", 1), ("b", 2));
        await dict.DeleteAsync("a");
        await Assert.ThrowsAsync<KeyNotFoundException>(() => dict.DeleteAsync("a"));
        Assert.True(await dict.RemoveAsync("b"));
        Assert.False(await dict.RemoveAsync("b"));
        Assert.Equal(0, await dict.CountAsync());
    }

    [Fact]
    public async Task Pop_popitem_is_lifo_and_empty_popitem_is_a_key_error()
    {
        var dict = await Stock(("a", 1), ("b", 2), ("c", 3));
        Assert.Equal(2, await dict.PopAsync("b"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => dict.PopAsync("b"));
        Assert.Equal(9, await dict.PopOrDefaultAsync("b", 9));
        Assert.Equal(KeyValuePair.Create("c", 3), await dict.PopItemAsync());
        Assert.Equal(KeyValuePair.Create("a", 1), await dict.PopItemAsync());
        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => dict.PopItemAsync());
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public async Task Setdefault_get_or_add_update_and_clear()
    {
        var dict = await Stock(("a", 1));
        Assert.Equal(1, await dict.SetDefaultAsync("a", 5));
        Assert.Equal(5, await dict.SetDefaultAsync("b", 5));
        Assert.Equal(5, await dict.GetOrAddAsync("b", 6));
        Assert.Equal(6, await dict.GetOrAddAsync("c", 6));
        await dict.UpdateAsync(new Dictionary<string, int> { ["a"] = 10, ["d"] = 4 });
        await dict.UpdateAsync([KeyValuePair.Create("e", 5)]);
        Assert.Equal(["a", "b", "c", "d", "e"], await dict.KeysAsync());
        Assert.Equal(10, await dict.GetAsync("a"));
        await dict.ClearAsync();
        Assert.Equal(0, await dict.CountAsync());
    }

    [Fact]
    public async Task Increment_starts_at_zero_keeps_the_type_and_refuses_non_numbers()
    {
        var dict = await Session.DictAsync<string, long>();
        Assert.Equal(5L, await dict.IncrementAsync("n", 5));
        Assert.Equal(3L, await dict.IncrementAsync("n", -2));
        var words = await Session.DictAsync<string, string>();
        await words.SetAsync("w", "text");
        await Assert.ThrowsAsync<ArgumentException>(() => words.IncrementAsync("w", "x"));
        var ints = await Session.DictAsync<string, int>();
        await ints.SetAsync("max", int.MaxValue);
        await Assert.ThrowsAsync<OverflowException>(() => ints.IncrementAsync("max", 1));
        Assert.Equal(int.MaxValue, await ints.GetAsync("max"));
    }

    [Fact]
    public async Task Compare_and_set_only_swaps_the_expected_value()
    {
        var dict = await Stock(("a", 1));
        Assert.False(await dict.CompareAndSetAsync("a", 2, 3));
        Assert.True(await dict.CompareAndSetAsync("a", 1, 3));
        Assert.False(await dict.CompareAndSetAsync("missing", 0, 1));
        Assert.Equal(3, await dict.GetAsync("a"));
        Assert.False(await dict.ContainsKeyAsync("missing"));
    }

    [Fact]
    public async Task Apply_runs_an_entry_operation_atomically_on_the_host()
    {
        var dict = await Stock(("apples", 5));
        Assert.Equal(15, await dict.ApplyAsync("apples", new Restock(10, 20)));
        Assert.Equal(-1, await dict.ApplyAsync("apples", new Restock(10, 20)));
        Assert.Equal(3, await dict.ApplyAsync("pears", new Restock(3, 20)));
        Assert.True(await dict.ApplyAsync("pears", new Evict()));
        Assert.False(await dict.ContainsKeyAsync("pears"));
        Assert.Equal(15, await dict.GetAsync("apples"));
    }

    [Fact]
    public async Task An_exception_in_object_code_comes_back_with_the_remote_type_and_stack_and_the_dict_keeps_serving()
    {
        var dict = await Stock(("apples", 5));
        var error = await Assert.ThrowsAsync<ManagedRemoteException>(() => dict.ApplyAsync("apples", new Explode("boom")));
        Assert.Equal(typeof(CustomFailureException).FullName, error.RemoteType);
        Assert.Equal("boom", error.RemoteMessage);
        Assert.Contains(nameof(Explode), error.RemoteStackTrace);
        Assert.Contains("ManagedActors host", error.StackTrace);
        Assert.Equal(5, await dict.GetAsync("apples"));
    }

    [Fact]
    public async Task Well_known_exceptions_keep_their_type_and_carry_the_remote_stack()
    {
        var dict = await Session.DictAsync<string, int>();
        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => dict.GetAsync("nothing"));
        Assert.Contains("End of stack trace on the ManagedActors host", error.StackTrace);
        // The object's own frame is kept in an optimized build too (the binding calls it through a delegate).
        Assert.Contains("DictObject", error.StackTrace);
        Assert.Equal(typeof(KeyNotFoundException).FullName, error.Data["ManagedActors.RemoteType"]);
    }

    [Fact]
    public async Task Keys_of_other_types_and_nested_values_round_trip()
    {
        var dict = await Session.DictAsync<Guid, Dictionary<string, List<int>>>();
        var key = Guid.NewGuid();
        await dict.SetAsync(key, new Dictionary<string, List<int>> { ["x"] = [1, 2] });
        var back = await dict.GetAsync(key);
        Assert.Equal([1, 2], back["x"]);
        var tuples = await Session.DictAsync<int, (string Name, double Score)>();
        await tuples.SetAsync(1, ("ann", 2.5));
        Assert.Equal(("ann", 2.5), await tuples.GetAsync(1));
    }
}

public sealed class DictLocalSpec(LocalSession fixture) : DictContract<LocalSession>(fixture);

public sealed class DictRemoteSpec(RemoteSession fixture) : DictContract<RemoteSession>(fixture);

public sealed class DictAkkaRemoteSpec(AkkaRemoteSession fixture) : DictContract<AkkaRemoteSession>(fixture);

[Collection(Clustering.ProcessHeavy.Name)]
public sealed class DictClusterSpec(ClusterSession cluster) : DictContract<ClusterSession>(cluster)
{
    /// <summary>The cluster suites call objects on hosts the client does not talk to: sharding put most of them there.</summary>
    [Fact]
    public async Task The_suites_objects_live_mostly_on_the_hosts_the_client_does_not_talk_to()
    {
        for (var i = 0; i < 12; i++)
        {
            await (await Fixture.Session.DictAsync<string, int>($"placement-{i}")).SetAsync("i", i).Within();
        }
        List<ObjectStatus> placed = [];
        await Bounded.EventuallyAsync(async () =>
        {
            placed = (await Fixture.Session.StatusAsync()).Objects.Where(o => o.Name?.StartsWith("placement-", StringComparison.Ordinal) == true).ToList();
            return placed.Count == 12;
        }, "the status of twelve durable objects");
        Assert.All(placed, o => Assert.Equal(Durability.Durable, o.Durability));
        Assert.All(placed, o => Assert.Contains(o.Host, Fixture.Hosts.Select(h => h.Address)));
        var elsewhere = placed.Count(o => o.Host != Fixture.Hosts[0].Address);
        Assert.True(elsewhere >= 4, $"{elsewhere} of 12 objects live on the hosts the client does not talk to");
    }
}
