using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Contract;

/// <summary>The managed queue and joinable queue against one kind of session.</summary>
public abstract class QueueContract<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : SessionFixture
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);

    private ManagerSession Session => fixture.Session;

    [Fact]
    public async Task Items_come_out_in_fifo_order()
    {
        var queue = await Session.QueueAsync<int>();
        for (var i = 0; i < 5; i++)
        {
            await queue.PutAsync(i);
        }
        Assert.Equal(5, await queue.CountAsync());
        var got = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            got.Add(await queue.GetAsync());
        }
        Assert.Equal([0, 1, 2, 3, 4], got);
        Assert.True(await queue.IsEmptyAsync());
    }

    [Fact]
    public async Task Get_from_an_empty_queue_times_out_with_queue_empty()
    {
        var queue = await Session.QueueAsync<int>();
        var error = await Assert.ThrowsAsync<QueueEmptyException>(() => queue.GetAsync(Short)).Within();
        Assert.Contains("empty", error.Message);
        await Assert.ThrowsAsync<QueueEmptyException>(() => queue.GetAsync(TimeSpan.Zero)).Within();
    }

    [Fact]
    public async Task Bounded_queue_is_full_and_put_times_out_with_queue_full()
    {
        var queue = await Session.QueueAsync<string>(maxSize: 2);
        Assert.Equal(2, await queue.MaxSizeAsync());
        Assert.True(await queue.TryPutAsync("a"));
        await queue.PutAsync("b");
        Assert.True(await queue.IsFullAsync());
        Assert.False(await queue.TryPutAsync("c"));
        var error = await Assert.ThrowsAsync<QueueFullException>(() => queue.PutAsync("c", Short)).Within();
        Assert.Contains("2 of 2", error.Message);
        Assert.Equal(2, await queue.CountAsync());
    }

    [Fact]
    public async Task A_blocked_put_goes_in_when_a_get_makes_room()
    {
        var queue = await Session.QueueAsync<string>(maxSize: 1);
        await queue.PutAsync("first");
        var blocked = queue.PutAsync("second", TimeSpan.FromSeconds(10));
        Assert.False(blocked.IsCompleted);
        Assert.Equal("first", await queue.GetAsync());
        await blocked.Within(what: "the blocked put");
        Assert.Equal("second", await queue.GetAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task Try_get_is_the_nowait_form()
    {
        var queue = await Session.QueueAsync<int>();
        Assert.Equal((false, 0), await queue.TryGetAsync());
        await queue.PutAsync(7);
        Assert.Equal((true, 7), await queue.TryGetAsync());
    }

    [Fact]
    public async Task Negative_max_size_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Session.QueueAsync<int>(maxSize: -1));
    }

    [Fact]
    public async Task Complete_ends_reading_without_a_sentinel_and_refuses_later_puts()
    {
        var queue = await Session.QueueAsync<int>();
        await queue.PutAsync(1);
        await queue.PutAsync(2);
        var reader = Task.Run(async () =>
        {
            var seen = new List<int>();
            await foreach (var item in queue.ReadAllAsync())
            {
                seen.Add(item);
            }
            return seen;
        });
        await queue.PutAsync(3);
        await queue.CompleteAsync();
        Assert.Equal([1, 2, 3], await reader.Within(what: "ReadAllAsync"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.PutAsync(4));
        await Assert.ThrowsAsync<QueueCompletedException>(() => queue.GetAsync());
    }

    [Fact]
    public async Task A_cancelled_getter_never_takes_a_later_item()
    {
        var queue = await Session.QueueAsync<string>();
        using var cancel = new CancellationTokenSource();
        var getter = queue.GetAsync(null, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => getter).Within(what: "the cancelled get");
        await queue.PutAsync("item");
        Assert.Equal("item", await queue.GetAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task A_timed_out_getter_never_takes_a_later_item()
    {
        var queue = await Session.QueueAsync<string>();
        await Assert.ThrowsAsync<QueueEmptyException>(() => queue.GetAsync(TimeSpan.FromMilliseconds(50))).Within();
        await queue.PutAsync("item");
        Assert.Equal(1, await queue.CountAsync());
        Assert.Equal("item", await queue.GetAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task Joinable_queue_join_waits_for_every_task_done()
    {
        var queue = await Session.JoinableQueueAsync<int>();
        await queue.PutAsync(1);
        await queue.PutAsync(2);
        Assert.Equal(2, await queue.UnfinishedCountAsync());
        var join = queue.JoinAsync(TimeSpan.FromSeconds(10));
        await queue.GetAsync();
        await queue.TaskDoneAsync();
        Assert.False(join.IsCompleted);
        await queue.GetAsync();
        await queue.TaskDoneAsync();
        await join.Within(what: "join");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => queue.TaskDoneAsync());
        Assert.Contains("task_done", error.Message);
        await queue.JoinAsync(TimeSpan.Zero).Within();
    }

    [Fact]
    public async Task Joinable_queue_join_times_out_while_work_is_unfinished()
    {
        var queue = await Session.JoinableQueueAsync<int>();
        await queue.PutAsync(1);
        var error = await Assert.ThrowsAsync<TimeoutException>(() => queue.JoinAsync(Short)).Within();
        Assert.Contains("1 item(s) still unfinished", error.Message);
    }
}

public sealed class QueueLocalSpec(LocalSession fixture) : QueueContract<LocalSession>(fixture);

public sealed class QueueRemoteSpec(RemoteSession fixture) : QueueContract<RemoteSession>(fixture);

public sealed class QueueAkkaRemoteSpec(AkkaRemoteSession fixture) : QueueContract<AkkaRemoteSession>(fixture);

[Collection(Clustering.ProcessHeavy.Name)]
public sealed class QueueClusterSpec(ClusterSession fixture) : QueueContract<ClusterSession>(fixture);
