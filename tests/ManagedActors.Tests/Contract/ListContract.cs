using ManagedActors.Lists;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Contract;

/// <summary>Every method of the managed list, with Python's semantics, against one kind of session.</summary>
public abstract class ListContract<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : SessionFixture
{
    private ManagerSession Session => fixture.Session;

    private async Task<IManagedList<int>> Numbers(params int[] items) => await Session.ListAsync<int>(items);

    [Fact]
    public async Task Append_extend_and_snapshot_keep_order()
    {
        var list = await Session.ListAsync<string>();
        await list.AppendAsync("a");
        await list.ExtendAsync(new[] { "b", "c" }.Where(_ => true));
        Assert.Equal(["a", "b", "c"], await list.SnapshotAsync());
        Assert.Equal(3, await list.CountAsync());
    }

    [Fact]
    public async Task Insert_clamps_like_python()
    {
        var list = await Numbers(1, 2, 3);
        await list.InsertAsync(0, 0);
        await list.InsertAsync(100, 9);
        await list.InsertAsync(-1, 7);
        await list.InsertAsync(-100, -1);
        Assert.Equal([-1, 0, 1, 2, 3, 7, 9], await list.SnapshotAsync());
    }

    [Fact]
    public async Task Pop_takes_the_last_by_default_and_accepts_negative_indexes()
    {
        var list = await Numbers(1, 2, 3, 4);
        Assert.Equal(4, await list.PopAsync());
        Assert.Equal(1, await list.PopAsync(0));
        Assert.Equal(2, await list.PopAsync(-2));
        Assert.Equal([3], await list.SnapshotAsync());
    }

    [Fact]
    public async Task Pop_from_empty_or_out_of_range_is_an_index_error_and_the_list_keeps_serving()
    {
        var list = await Numbers();
        var empty = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => list.PopAsync());
        Assert.Contains("pop from empty list", empty.Message);
        await list.AppendAsync(1);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => list.PopAsync(5));
        Assert.Equal([1], await list.SnapshotAsync());
    }

    [Fact]
    public async Task Get_set_and_remove_at_use_python_indexes()
    {
        var list = await Numbers(10, 20, 30);
        Assert.Equal(30, await list.GetAsync(-1));
        Assert.Equal(10, await list.GetAsync(-3));
        await list.SetAsync(-1, 33);
        await list.RemoveAtAsync(0);
        Assert.Equal([20, 33], await list.SnapshotAsync());
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => list.GetAsync(2));
        Assert.Contains("index out of range", error.Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => list.GetAsync(-3));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => list.SetAsync(5, 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => list.RemoveAtAsync(-9));
    }

    [Fact]
    public async Task Remove_takes_the_first_match_and_a_missing_item_is_an_error()
    {
        var list = await Numbers(1, 2, 1);
        await list.RemoveAsync(1);
        Assert.Equal([2, 1], await list.SnapshotAsync());
        var error = await Assert.ThrowsAsync<ArgumentException>(() => list.RemoveAsync(7));
        Assert.Contains("not in the list", error.Message);
    }

    [Fact]
    public async Task Index_of_count_of_and_contains()
    {
        var list = await Numbers(5, 6, 5, 7);
        Assert.Equal(0, await list.IndexOfAsync(5));
        Assert.Equal(2, await list.IndexOfAsync(5, start: 1));
        Assert.Equal(-1, await list.IndexOfAsync(5, start: 1, stop: 2));
        Assert.Equal(-1, await list.IndexOfAsync(9));
        Assert.Equal(2, await list.CountOfAsync(5));
        Assert.True(await list.ContainsAsync(7));
        Assert.False(await list.ContainsAsync(8));
    }

    [Fact]
    public async Task Reverse_and_sort()
    {
        var list = await Numbers(3, 1, 2);
        await list.ReverseAsync();
        Assert.Equal([2, 1, 3], await list.SnapshotAsync());
        await list.SortAsync();
        Assert.Equal([1, 2, 3], await list.SnapshotAsync());
        await list.SortAsync(descending: true);
        Assert.Equal([3, 2, 1], await list.SnapshotAsync());
    }

    [Fact]
    public async Task Sorting_incomparable_items_is_an_error_and_the_list_is_unchanged()
    {
        var list = await Session.ListAsync<object>([1, "two", 3.0]);
        await Assert.ThrowsAsync<ArgumentException>(() => list.SortAsync());
        Assert.Equal([1, "two", 3.0], await list.SnapshotAsync());
    }

    [Fact]
    public async Task Slices_follow_python_with_negative_bounds_and_steps()
    {
        var list = await Numbers(0, 1, 2, 3, 4, 5);
        Assert.Equal([1, 2], await list.SliceAsync(1, 3));
        Assert.Equal([4, 5], await list.SliceAsync(-2, null));
        Assert.Equal([0, 2, 4], await list.SliceAsync(null, null, 2));
        Assert.Equal([5, 4, 3, 2, 1, 0], await list.SliceAsync(null, null, -1));
        Assert.Equal([5, 3], await list.SliceAsync(null, 1, -2));
        Assert.Empty(await list.SliceAsync(4, 2));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => list.SliceAsync(null, null, 0));
        Assert.Contains("step cannot be zero", error.Message);
    }

    [Fact]
    public async Task Slice_assignment_replaces_and_extended_slices_need_matching_length()
    {
        var list = await Numbers(0, 1, 2, 3, 4, 5);
        await list.SetSliceAsync(1, 3, null, [9, 9, 9]);
        Assert.Equal([0, 9, 9, 9, 3, 4, 5], await list.SnapshotAsync());
        await list.SetSliceAsync(null, null, 2, [-1, -2, -3, -4]);
        Assert.Equal([-1, 9, -2, 9, -3, 4, -4], await list.SnapshotAsync());
        await Assert.ThrowsAsync<ArgumentException>(() => list.SetSliceAsync(null, null, 2, [1]));
        await list.DeleteSliceAsync(null, null, 2);
        Assert.Equal([9, 9, 4], await list.SnapshotAsync());
        await list.DeleteSliceAsync(1, null);
        Assert.Equal([9], await list.SnapshotAsync());
    }

    [Fact]
    public async Task Multiply_repeats_in_place_and_clear_empties()
    {
        var list = await Numbers(1, 2);
        await list.MultiplyAsync(3);
        Assert.Equal([1, 2, 1, 2, 1, 2], await list.SnapshotAsync());
        await list.MultiplyAsync(0);
        Assert.Equal(0, await list.CountAsync());
        await list.ExtendAsync([4, 5]);
        await list.ClearAsync();
        Assert.Empty(await list.SnapshotAsync());
    }

    [Fact]
    public async Task Async_enumeration_walks_a_snapshot()
    {
        var list = await Numbers(1, 2, 3);
        var seen = new List<int>();
        await foreach (var item in list)
        {
            seen.Add(item);
            await list.AppendAsync(item * 10);
        }
        Assert.Equal([1, 2, 3], seen);
        Assert.Equal(6, await list.CountAsync());
    }

    [Fact]
    public async Task Records_and_enums_round_trip_as_copies()
    {
        var list = await Session.ListAsync<Job>();
        var job = new Job(1, "pack", ["fragile"]);
        await list.AppendAsync(job);
        var back = await list.GetAsync(0);
        Assert.Equal(job.Id, back.Id);
        Assert.Equal(job.Tags, back.Tags);
        var priorities = await Session.ListAsync<Priority>([Priority.High, Priority.Low]);
        await priorities.SortAsync();
        Assert.Equal([Priority.Low, Priority.High], await priorities.SnapshotAsync());
    }

    [Fact]
    public async Task Named_list_is_shared_and_another_kind_with_that_name_is_an_error()
    {
        var name = "list-" + Guid.NewGuid();
        var first = await Session.ListAsync<int>(name);
        await first.AppendAsync(42);
        var second = await Session.ListAsync<int>(name);
        Assert.Equal([42], await second.SnapshotAsync());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Session.DictAsync<string, int>(name));
        Assert.Contains("exists as a list", error.Message);
    }
}

public sealed class ListLocalSpec(LocalSession fixture) : ListContract<LocalSession>(fixture);

public sealed class ListRemoteSpec(RemoteSession fixture) : ListContract<RemoteSession>(fixture);

public sealed class ListAkkaRemoteSpec(AkkaRemoteSession fixture) : ListContract<AkkaRemoteSession>(fixture);

[Collection(Clustering.ProcessHeavy.Name)]
public sealed class ListClusterSpec(ClusterSession fixture) : ListContract<ClusterSession>(fixture);
