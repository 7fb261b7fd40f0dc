using System.Diagnostics;
using ManagedActors.Namespaces;
using ManagedActors.Processes;
using ManagedActors.Queues;
using ManagedActors.Synchronization;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Processes;

/// <summary>Targets that take something and then hang, to be killed mid-hold.</summary>
public static class Holders
{
    public static async Task HoldLockAsync(IManagedLock managedLock, IManagedQueue<int> held)
    {
        await managedLock.AcquireAsync();
        await held.PutAsync(Environment.ProcessId);
        await Task.Delay(Timeout.Infinite);
    }

    public static async Task HoldRLockDeepAsync(IManagedRLock managedLock, IManagedQueue<int> held, int depth)
    {
        for (var i = 0; i < depth; i++)
        {
            await managedLock.AcquireAsync();
        }
        await held.PutAsync(Environment.ProcessId);
        await Task.Delay(Timeout.Infinite);
    }

    public static async Task HoldPermitsAsync(IManagedSemaphore semaphore, IManagedQueue<int> held, int permits)
    {
        for (var i = 0; i < permits; i++)
        {
            await semaphore.AcquireAsync();
        }
        await held.PutAsync(Environment.ProcessId);
        await Task.Delay(Timeout.Infinite);
    }

    public static async Task WaitAtBarrierAsync(IManagedBarrier barrier)
    {
        await barrier.WaitAsync();
    }

    public static async Task IncrementUnderLockAsync(IManagedLock managedLock, IManagedNamespace counters, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await using (await managedLock.LockAsync())
            {
                // The tutorial's read-modify-write, made safe by the lock.
                var value = await counters.GetAsync<int>("counter");
                await counters.SetAsync("counter", value + 1);
            }
        }
    }
}

/// <summary>A child process killed while it holds a lock, permits or a barrier slot lets go of them.</summary>
public sealed class DeadClientSpec(LocalSession fixture) : IClassFixture<LocalSession>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>The bound on noticing a dead client: its connection drops when the process dies.</summary>
    private static readonly TimeSpan ReleaseLimit = TimeSpan.FromSeconds(5);

    private ManagerSession Session => fixture.Session;

    [Fact]
    public async Task A_killed_holder_releases_its_lock_and_the_next_waiter_gets_it()
    {
        var managedLock = await Session.LockAsync();
        var held = await Session.QueueAsync<int>();
        using var child = ManagedProcess.Start(Holders.HoldLockAsync, managedLock, held);
        Assert.Equal(child.Pid, await held.GetAsync(Limit).Within(Limit + Limit, "the child to take the lock"));
        var waiting = managedLock.AcquireAsync(Limit);
        Assert.False(waiting.IsCompleted);
        var stopwatch = Stopwatch.StartNew();
        child.Kill();
        await waiting.Within(ReleaseLimit, "the lock to pass from the killed child to the waiter");
        Assert.True(await managedLock.IsLockedAsync());
        await managedLock.ReleaseAsync();
        Assert.True(stopwatch.Elapsed < ReleaseLimit);
    }

    [Fact]
    public async Task A_killed_holder_of_a_journaled_lock_keeps_it_for_its_lease_then_the_next_waiter_gets_it()
    {
        var managedLock = await Session.LockAsync(durability: Durability.Memory);
        var held = await Session.QueueAsync<int>();
        using var child = ManagedProcess.Start(Holders.HoldLockAsync, managedLock, held);
        Assert.Equal(child.Pid, await held.GetAsync(Limit).Within(Limit + Limit, "the child to take the lock"));
        var waiting = managedLock.AcquireAsync(Limit);
        var stopwatch = Stopwatch.StartNew();
        child.Kill();
        // A journaled lock's holder may only have lost its host: its hold outlives its connection until the lease
        // (hold-lease, 10 s) runs out with no host having seen it.
        await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromSeconds(3)));
        Assert.False(waiting.IsCompleted, "the lock passed on before its holder's lease ran out");
        await waiting.Within(TimeSpan.FromSeconds(30), "the lock to pass on once the killed holder's lease ran out");
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(5), $"passed on after {stopwatch.Elapsed}");
        await managedLock.ReleaseAsync();
    }

    [Fact]
    public async Task A_killed_holder_releases_an_rlock_held_several_levels_deep()
    {
        var managedLock = await Session.RLockAsync();
        var held = await Session.QueueAsync<int>();
        using var child = ManagedProcess.Start(Holders.HoldRLockDeepAsync, managedLock, held, 3);
        await held.GetAsync(Limit).Within(Limit + Limit, "the child to take the lock three times");
        Assert.False(await managedLock.TryAcquireAsync());
        var waiting = managedLock.AcquireAsync(Limit);
        child.Kill();
        await waiting.Within(ReleaseLimit, "the rlock to pass from the killed child to the waiter");
        await managedLock.ReleaseAsync();
        Assert.False(await managedLock.IsLockedAsync());
    }

    [Fact]
    public async Task A_killed_holder_gives_its_semaphore_permits_back()
    {
        var semaphore = await Session.SemaphoreAsync(3);
        var held = await Session.QueueAsync<int>();
        using var child = ManagedProcess.Start(Holders.HoldPermitsAsync, semaphore, held, 2);
        await held.GetAsync(Limit).Within(Limit + Limit, "the child to take two permits");
        await semaphore.AcquireAsync(TimeSpan.Zero);
        var waiting = semaphore.AcquireAsync(Limit);
        child.Kill();
        await waiting.Within(ReleaseLimit, "a permit to come back from the killed child");
        Assert.Equal(1, await semaphore.ValueAsync());
    }

    [Fact]
    public async Task A_barrier_party_that_dies_breaks_the_barrier_for_the_others()
    {
        var barrier = await Session.BarrierAsync(3);
        var parentWait = barrier.WaitAsync(Limit);
        using var child = ManagedProcess.Start(Holders.WaitAtBarrierAsync, barrier);
        await Bounded.EventuallyAsync(async () => await barrier.WaitingCountAsync() == 2, "the child to reach the barrier", Limit);
        child.Kill();
        var error = await Assert.ThrowsAsync<BrokenBarrierException>(() => parentWait).Within(ReleaseLimit, "the barrier to break");
        Assert.Contains("died", error.Message);
    }

    [Fact]
    public async Task Read_modify_write_under_a_managed_lock_from_several_processes_loses_nothing()
    {
        var managedLock = await Session.LockAsync();
        var counters = await Session.NamespaceAsync();
        await counters.SetAsync("counter", 0);
        var workers = Enumerable.Range(0, 3).Select(_ => ManagedProcess.Start(Holders.IncrementUnderLockAsync, managedLock, counters, 100)).ToList();
        foreach (var worker in workers)
        {
            Assert.Equal(0, await worker.WaitForExitAsync().Within(Limit, "a worker"));
            worker.Dispose();
        }
        Assert.Equal(300, await counters.GetAsync<int>("counter"));
    }
}
