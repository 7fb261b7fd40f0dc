using ManagedActors.Synchronization;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Contract;

/// <summary>The managed set and the synchronization primitives, as one session sees them.</summary>
public abstract class SetAndSynchronizationContract<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : SessionFixture
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);

    private ManagerSession Session => fixture.Session;

    [Fact]
    public async Task Set_add_discard_remove_pop_contains_count_clear()
    {
        var set = await Session.SetAsync<string>(["a", "b"]);
        Assert.True(await set.AddAsync("c"));
        Assert.False(await set.AddAsync("a"));
        Assert.True(await set.DiscardAsync("b"));
        Assert.False(await set.DiscardAsync("b"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => set.RemoveAsync("zzz"));
        await set.RemoveAsync("c");
        Assert.True(await set.ContainsAsync("a"));
        Assert.Equal(1, await set.CountAsync());
        Assert.Equal("a", await set.PopAsync());
        await Assert.ThrowsAsync<KeyNotFoundException>(() => set.PopAsync());
        await set.AddAsync("x");
        await set.ClearAsync();
        Assert.Empty(await set.SnapshotAsync());
    }

    [Fact]
    public async Task Set_algebra_and_comparisons()
    {
        var set = await Session.SetAsync([1, 2, 3]);
        Assert.Equal([1, 2, 3, 4], (await set.UnionAsync([3, 4])).Order());
        Assert.Equal([3], await set.IntersectionAsync([3, 4]));
        Assert.Equal([1, 2], (await set.DifferenceAsync([3, 4])).Order());
        Assert.Equal([1, 2, 4], (await set.SymmetricDifferenceAsync([3, 4])).Order());
        Assert.True(await set.IsSubsetOfAsync([1, 2, 3, 4]));
        Assert.False(await set.IsSupersetOfAsync([1, 5]));
        Assert.True(await set.IsDisjointAsync([7, 8]));
        await set.UnionWithAsync([4]);
        await set.IntersectWithAsync([1, 2, 4]);
        await set.ExceptWithAsync([2]);
        await set.SymmetricExceptWithAsync([4, 9]);
        Assert.Equal([1, 9], (await set.SnapshotAsync()).Order());
    }

    [Fact]
    public async Task Lock_grants_rising_fencing_tokens_and_refuses_a_second_acquire_with_a_named_timeout()
    {
        var lk = await Session.LockAsync();
        var first = await lk.AcquireAsync();
        Assert.True(await lk.IsLockedAsync());
        Assert.False(await lk.TryAcquireAsync());
        var error = await Assert.ThrowsAsync<TimeoutException>(() => lk.AcquireAsync(Short)).Within();
        Assert.Contains("held by", error.Message);
        await lk.ReleaseAsync();
        Assert.False(await lk.IsLockedAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => lk.ReleaseAsync());
        await using (var holding = await lk.LockAsync())
        {
            Assert.True(holding.FencingToken > first);
            Assert.True(await lk.IsLockedAsync());
        }
        Assert.False(await lk.IsLockedAsync());
    }

    [Fact]
    public async Task RLock_is_reentrant_for_its_holder_and_needs_as_many_releases()
    {
        var lk = await Session.RLockAsync();
        await lk.AcquireAsync();
        await lk.AcquireAsync();
        Assert.True(await lk.TryAcquireAsync());
        await lk.ReleaseAsync();
        await lk.ReleaseAsync();
        Assert.True(await lk.IsLockedAsync());
        await lk.ReleaseAsync();
        Assert.False(await lk.IsLockedAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => lk.ReleaseAsync());
    }

    [Fact]
    public async Task Two_tasks_sharing_one_RLock_proxy_are_two_owners_as_python_s_threads_are()
    {
        var lk = await Session.RLockAsync();
        var firstHolds = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        var first = Task.Run(async () =>
        {
            await lk.AcquireAsync();
            // The same flow again, and through a view with another timeout: the same owner, one level deeper.
            await lk.WithTimeout(TimeSpan.FromSeconds(5)).AcquireAsync();
            firstHolds.SetResult();
            await releaseFirst.Task;
            await lk.ReleaseAsync();
            await lk.ReleaseAsync();
        });
        await firstHolds.Task.Within(what: "the first task's acquire");
        var second = Task.Run(async () =>
        {
            Assert.False(await lk.TryAcquireAsync());
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => lk.ReleaseAsync());
            Assert.Contains("held by another", error.Message);
            var fence = await lk.AcquireAsync(TimeSpan.FromSeconds(20));
            await lk.ReleaseAsync();
            return fence;
        });
        await Bounded.EventuallyAsync(async () => (await Session.StatusAsync()).Objects.Any(o => o.Waiters == 1), "the second task to wait for the lock");
        Assert.False(second.IsCompleted);
        releaseFirst.SetResult();
        await first.Within(what: "the first task");
        Assert.True(await second.Within(what: "the second task's acquire") > 0);
        Assert.False(await lk.IsLockedAsync());
    }

    [Fact]
    public async Task Three_tasks_sharing_one_condition_proxy_all_wait_and_notify_all_wakes_all_three()
    {
        var condition = await Session.ConditionAsync();
        var waiting = await Session.ValueAsync(0);
        var waiters = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            await condition.AcquireAsync();
            await waiting.IncrementAsync(1);
            var notified = await condition.WaitAsync(TimeSpan.FromSeconds(20));
            await condition.ReleaseAsync();
            return notified;
        })).ToArray();
        // Taking the lock while all three have counted themselves means all three gave it up inside WaitAsync.
        await Bounded.EventuallyAsync(async () =>
        {
            using (LockOwner.BeginNew())
            {
                await condition.AcquireAsync(TimeSpan.FromSeconds(20));
                var all = await waiting.GetAsync() == 3;
                if (all)
                {
                    await condition.NotifyAllAsync();
                }
                await condition.ReleaseAsync();
                return all;
            }
        }, "three tasks waiting on the condition");
        var notified = await Task.WhenAll(waiters).Within(what: "the three notified waiters");
        Assert.Equal([true, true, true], notified);
    }

    [Fact]
    public async Task A_notified_condition_waiter_cancelled_while_it_waits_for_the_lock_never_takes_it()
    {
        var condition = await Session.ConditionAsync();
        var waiting = await Session.ValueAsync(0);
        using var cancel = new CancellationTokenSource();
        var waiter = Task.Run(async () =>
        {
            await condition.AcquireAsync();
            await waiting.IncrementAsync(1);
            return await condition.WaitAsync(null, cancel.Token);
        });
        // This flow's owner is fixed here, after the waiter's task started (it has its own), and before the helper
        // below acquires: an owner first taken inside an async lambda would stay inside it.
        _ = LockOwner.Current;
        await Bounded.EventuallyAsync(async () =>
        {
            await condition.AcquireAsync(TimeSpan.FromSeconds(20));
            if (await waiting.GetAsync() == 1)
            {
                return true;
            }
            await condition.ReleaseAsync();
            return false;
        }, "the waiter to wait");
        // This flow holds the lock now; the notified waiter moves to the lock's queue.
        await condition.NotifyAsync();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter).Within(what: "the cancelled waiter");
        await condition.ReleaseAsync();
        var other = Task.Run(async () =>
        {
            await condition.AcquireAsync(TimeSpan.FromSeconds(10));
            await condition.ReleaseAsync();
        });
        await other.Within(what: "another task's acquire after the cancelled waiter left");
    }

    [Fact]
    public async Task Semaphore_counts_permits_and_bounded_refuses_over_release()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 20;
        var semaphore = await Session.SemaphoreAsync(2);
        var first = await semaphore.AcquireAsync();
        // A token is never below the wall clock's milliseconds times 2^20 at its grant (docs/fencing.md).
        Assert.True(first >= before, $"token {first} below the clock's floor {before}");
        Assert.True(await semaphore.TryAcquireAsync());
        Assert.False(await semaphore.TryAcquireAsync());
        await Assert.ThrowsAsync<TimeoutException>(() => semaphore.AcquireAsync(Short)).Within();
        await semaphore.ReleaseAsync(2);
        // Every grant's token is above the last: the try's took one between these two.
        Assert.True(await semaphore.AcquireAsync() > first + 1);
        await semaphore.ReleaseAsync(2);
        Assert.Equal(3, await semaphore.ValueAsync());
        var bounded = await Session.BoundedSemaphoreAsync(1);
        await bounded.AcquireAsync();
        await bounded.ReleaseAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bounded.ReleaseAsync());
        Assert.Contains("released too many times", error.Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => bounded.ReleaseAsync(0));
    }

    [Fact]
    public async Task A_waiting_acquire_gets_the_permit_when_it_is_released_and_a_cancelled_one_never_does()
    {
        var semaphore = await Session.SemaphoreAsync(0);
        using var cancel = new CancellationTokenSource();
        var cancelled = semaphore.AcquireAsync(null, cancel.Token);
        var waiting = semaphore.AcquireAsync(TimeSpan.FromSeconds(10));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled).Within();
        await semaphore.ReleaseAsync();
        var parked = await waiting.Within(what: "the waiting acquire");
        Assert.Equal(0, await semaphore.ValueAsync());
        // A permit handed to a parked acquire comes with its token too, above any given before.
        await semaphore.ReleaseAsync();
        Assert.True(await semaphore.AcquireAsync() > parked);
    }

    [Fact]
    public async Task Event_wakes_waiters_and_wait_returns_false_on_timeout()
    {
        var ev = await Session.EventAsync();
        Assert.False(await ev.IsSetAsync());
        Assert.False(await ev.WaitAsync(Short).Within());
        var waiting = ev.WaitAsync(TimeSpan.FromSeconds(10));
        await ev.SetAsync();
        Assert.True(await waiting.Within());
        Assert.True(await ev.WaitAsync(TimeSpan.Zero));
        await ev.ClearAsync();
        Assert.False(await ev.IsSetAsync());
    }

    [Fact]
    public async Task Condition_wait_needs_the_lock_and_times_out_with_the_lock_taken_back()
    {
        var condition = await Session.ConditionAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => condition.WaitAsync(Short));
        await Assert.ThrowsAsync<InvalidOperationException>(() => condition.NotifyAsync());
        await condition.AcquireAsync();
        Assert.False(await condition.WaitAsync(Short).Within());
        await condition.NotifyAllAsync();
        await condition.ReleaseAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => condition.ReleaseAsync());
    }

    [Fact]
    public async Task Condition_notify_wakes_the_oldest_waiter_with_the_lock_taken_back_and_wait_for_checks_a_predicate()
    {
        var condition = await Session.ConditionAsync();
        var ready = await Session.ValueAsync(false);
        await condition.AcquireAsync();
        var waiting = condition.WaitAsync(TimeSpan.FromSeconds(10));
        // The waiter gave the lock up entirely, so it can be taken (by this same session) to notify.
        await condition.AcquireAsync(TimeSpan.FromSeconds(5)).Within();
        await ready.SetAsync(true);
        await condition.NotifyAsync();
        Assert.False(waiting.IsCompleted);
        await condition.ReleaseAsync();
        Assert.True(await waiting.Within(what: "the notified waiter"));
        Assert.True(await condition.WaitForAsync(() => ready.GetAsync(), TimeSpan.FromSeconds(1)));
        await ready.SetAsync(false);
        Assert.False(await condition.WaitForAsync(() => ready.GetAsync(), TimeSpan.FromMilliseconds(200)).Within());
        await condition.ReleaseAsync();
    }

    [Fact]
    public async Task Barrier_releases_all_parties_with_arrival_indexes_and_breaks_on_timeout_abort_and_reset()
    {
        var barrier = await Session.BarrierAsync(3);
        Assert.Equal(3, await barrier.PartiesAsync());
        var first = barrier.WaitAsync(TimeSpan.FromSeconds(10));
        var second = barrier.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, await barrier.WaitingCountAsync());
        var third = await barrier.WaitAsync(TimeSpan.FromSeconds(10));
        var indexes = new[] { await first.Within(), await second.Within(), third };
        Assert.Equal(new[] { 0, 1, 2 }, indexes);

        var timedOut = barrier.WaitAsync(Short);
        await Assert.ThrowsAsync<BrokenBarrierException>(() => timedOut).Within();
        Assert.True(await barrier.IsBrokenAsync());
        await Assert.ThrowsAsync<BrokenBarrierException>(() => barrier.WaitAsync());
        await barrier.ResetAsync();
        Assert.False(await barrier.IsBrokenAsync());
        var waiting = barrier.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await barrier.WaitingCountAsync());
        await barrier.AbortAsync();
        await Assert.ThrowsAsync<BrokenBarrierException>(() => waiting).Within();
    }
}

public sealed class SetAndSynchronizationLocalSpec(LocalSession fixture) : SetAndSynchronizationContract<LocalSession>(fixture);

public sealed class SetAndSynchronizationRemoteSpec(RemoteSession fixture) : SetAndSynchronizationContract<RemoteSession>(fixture);

public sealed class SetAndSynchronizationAkkaRemoteSpec(AkkaRemoteSession fixture) : SetAndSynchronizationContract<AkkaRemoteSession>(fixture);

[Collection(Clustering.ProcessHeavy.Name)]
public sealed class SetAndSynchronizationClusterSpec(ClusterSession fixture) : SetAndSynchronizationContract<ClusterSession>(fixture);
