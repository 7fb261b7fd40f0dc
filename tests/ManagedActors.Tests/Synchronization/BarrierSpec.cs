using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Synchronization;

/// <summary>
/// Python's <c>Barrier(parties, action, timeout)</c>. The action runs on the host, which is this test process for
/// both the manager's own session and a client's, so what it records is seen here. One class, so the static record
/// is never shared by two specs running at once.
/// </summary>
public sealed class BarrierSpec
{
    private static int _runs;
    private static int _releasedBeforeAction;
    private static int _released;

    private static void CountRun()
    {
        Interlocked.Increment(ref _runs);
        _releasedBeforeAction += Volatile.Read(ref _released);
    }

    private static void Fail() => throw new InvalidOperationException("the action refused");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_action_runs_once_per_generation_after_the_last_arrival_and_before_any_release(bool remote)
    {
        await using var started = await ManagerUnderTest.StartAsync(remote);
        var session = started.Session;
        _runs = 0;
        _releasedBeforeAction = 0;
        _released = 0;
        var barrier = await session.BarrierAsync(3, CountRun);
        for (var generation = 1; generation <= 2; generation++)
        {
            var parties = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
            {
                var index = await barrier.WaitAsync(TimeSpan.FromSeconds(20));
                Interlocked.Increment(ref _released);
                return index;
            })).ToArray();
            Assert.Equal([0, 1, 2], (await Task.WhenAll(parties).Within(what: "three parties")).Order());
            Assert.Equal(generation, Volatile.Read(ref _runs));
            _released = 0;
        }
        Assert.Equal(0, _releasedBeforeAction);

        // A lambda that captures nothing is an action too.
        var lambda = await session.BarrierAsync(1, () => Interlocked.Increment(ref _runs));
        Assert.Equal(0, await lambda.WaitAsync());
        Assert.Equal(3, Volatile.Read(ref _runs));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_action_that_throws_breaks_the_barrier_for_every_party(bool remote)
    {
        await using var started = await ManagerUnderTest.StartAsync(remote);
        var session = started.Session;
        var barrier = await session.BarrierAsync(3, Fail);
        var parties = Enumerable.Range(0, 3).Select(_ => barrier.WaitAsync(TimeSpan.FromSeconds(20))).ToArray();
        foreach (var party in parties)
        {
            var error = await Assert.ThrowsAsync<BrokenBarrierException>(() => party).Within(what: "a party of a failed action");
            Assert.Contains("the action refused", error.Message);
        }
        Assert.True(await barrier.IsBrokenAsync());
        await barrier.ResetAsync();
        Assert.False(await barrier.IsBrokenAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_default_timeout_applies_to_a_wait_that_gives_none_and_breaks_the_barrier(bool remote)
    {
        await using var started = await ManagerUnderTest.StartAsync(remote);
        var session = started.Session;
        var barrier = await session.BarrierAsync(2, null, TimeSpan.FromMilliseconds(300));
        var error = await Assert.ThrowsAsync<BrokenBarrierException>(() => barrier.WaitAsync()).Within(what: "a wait under the default timeout");
        Assert.Contains("timed out", error.Message);
        Assert.True(await barrier.IsBrokenAsync());
        // A wait's own timeout still wins over the default.
        await barrier.ResetAsync();
        var waiting = barrier.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, await barrier.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(0, await waiting.Within());
    }

    [Fact]
    public async Task An_action_that_captures_state_or_a_timeout_that_is_not_positive_is_refused_before_anything_is_created()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        var captured = 0;
        var error = await Assert.ThrowsAsync<ArgumentException>(() => manager.BarrierAsync(2, () => captured++));
        Assert.Contains("captures", error.Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => manager.BarrierAsync(2, CountRun, TimeSpan.Zero));
        Assert.Equal(0, captured);
        Assert.Equal(0, await manager.ObjectCountAsync());
    }
}
