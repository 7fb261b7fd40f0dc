using ManagedActors.Synchronization;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Clustering;

/// <summary>
/// A durable lock whose shard moves to another host while it is held (its host leaves the cluster): the object comes
/// back from the journal on another member with its holder, its depth and its tokens, so a second owner is still
/// refused and the holder still releases it.
/// </summary>
[Collection(ProcessHeavy.Name)]
public sealed class LockHandOffSpec : ThreeHostSpec
{
    [Fact]
    public async Task A_held_RLock_whose_host_leaves_keeps_its_holder_and_depth_on_the_host_that_takes_it_over()
    {
        await using var client = await Manager.ConnectAsync(Hosts[0].Address, AuthKey, new ClientOptions { CallTimeout = TimeSpan.FromSeconds(20) });
        Guid holder = Guid.NewGuid(), other = Guid.NewGuid();

        // A lock that runs on a host other than the client's, which is the one that will leave.
        IManagedRLock? lk = null;
        string? runsOn = null;
        for (var i = 0; i < 30 && (runsOn is null || runsOn == Hosts[0].Address); i++)
        {
            var name = $"lock-{i}";
            lk = await client.RLockAsync(name);
            Assert.False(await lk.IsLockedAsync().Within());
            var status = await Bounded.UntilAsync(ct => client.StatusAsync(ct), s => s.Objects.Any(o => o.Name == name && o.Host is not null),
                $"{name}'s host in the status");
            runsOn = status.Objects.Single(o => o.Name == name).Host;
        }
        Assert.NotNull(lk);
        var leaving = Assert.Single(Hosts, h => h.Address == runsOn);

        long firstToken;
        using (LockOwner.Use(holder))
        {
            firstToken = await lk.AcquireAsync().Within();
            await lk.AcquireAsync().Within();
        }
        using (LockOwner.Use(other))
        {
            Assert.False(await lk.TryAcquireAsync().Within());
        }

        await leaving.DisposeAsync();
        Hosts.Remove(leaving);

        using (LockOwner.Use(other))
        {
            Assert.False(await lk.TryAcquireAsync().Within(TimeSpan.FromSeconds(30), "the lock after its host left"));
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => lk.ReleaseAsync()).Within();
            Assert.Contains("held by another", refused.Message);
        }
        Assert.NotEqual(runsOn, (await Bounded.UntilAsync(ct => client.StatusAsync(ct),
            s => s.Objects.Any(o => o.Name == lk.GetReference().Name && o.Host is not null && o.Host != runsOn), "the lock on another host"))
            .Objects.Single(o => o.Name == lk.GetReference().Name).Host);
        using (LockOwner.Use(holder))
        {
            await lk.ReleaseAsync().Within();
            Assert.True(await lk.IsLockedAsync().Within());
            await lk.ReleaseAsync().Within();
        }
        Assert.False(await lk.IsLockedAsync().Within());
        using (LockOwner.Use(other))
        {
            Assert.True(await lk.AcquireAsync().Within() > firstToken);
        }
    }
}
