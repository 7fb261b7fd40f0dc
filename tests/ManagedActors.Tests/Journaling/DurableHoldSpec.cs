using System.Diagnostics;
using ManagedActors.Tests.Clustering;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Journaling;

/// <summary>
/// Durable locks and queues on a standalone host killed and started again on its journal: a client that holds a lock
/// keeps it, a waiting acquirer and a waiting getter wait on and are served, items stay, and tokens keep rising.
/// </summary>
[Collection(ProcessHeavy.Name)]
public sealed class DurableHoldSpec(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    /// <summary>
    /// The first call after the restart: Akka.Remote holds the dead address's connection closed for a few seconds, so
    /// the handshake may fail with <see cref="HostUnavailableException"/> until then.
    /// </summary>
    private static async Task<T> AfterReconnectAsync<T>(Func<CancellationToken, Task<T>> call)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await call(CancellationToken.None).Within(Limit, "the first call after the restart");
            }
            catch (HostUnavailableException) when (deadline.Elapsed < Limit)
            {
            }
        }
    }

    [Fact]
    public async Task A_holder_keeps_its_lock_and_parked_callers_are_served_after_the_host_is_killed_and_restarted_on_its_journal()
    {
        var port = HostProcess.FreePort();
        var journal = _store.PathOf("objects.db");
        var host = await HostProcess.StartAsync(port: port, durable: journal);
        var key = host.AuthKey;
        var options = new ClientOptions { Config = "managed-actors.handshake-timeout = 3s" };
        await using var holder = await Manager.ConnectAsync(host.Address, key, options);
        await using var waiter = await Manager.ConnectAsync(host.Address, key, options);

        // --durable makes every kind durable by default: the lock, the semaphore and the queues are journaled.
        var gate = await holder.LockAsync("gate");
        var token = await gate.AcquireAsync().Within();
        var permits = await holder.SemaphoreAsync(2, "permits");
        await permits.AcquireAsync().Within();
        var jobs = await holder.QueueAsync<string>("jobs");
        foreach (var job in new[] { "a", "b", "c" })
        {
            await jobs.PutAsync(job).Within();
        }
        var waitersGate = await waiter.LockAsync("gate");
        var acquiring = waitersGate.AcquireAsync(Limit);
        var inbox = await waiter.QueueAsync<string>("inbox");
        var getting = inbox.GetAsync(Limit);
        await Bounded.EventuallyAsync(async () => (await holder.StatusAsync()).Objects.Where(o => o.Name is "gate" or "inbox").Sum(o => o.Waiters) == 2,
            "the acquire and the get to park");

        await host.KillAsync();
        await host.DisposeAsync();
        var restarted = Stopwatch.StartNew();
        await using var again = await HostProcess.StartAsync(port: port, authKey: key, durable: journal);

        // The holder still holds: the other client's acquire waits on, its semaphore permit is still taken.
        Assert.True(await AfterReconnectAsync(gate.IsLockedAsync));
        output.WriteLine($"the lock answered {restarted.Elapsed.TotalSeconds:0.0} s after the host was started again");
        Assert.Equal(1, await permits.ValueAsync().Within());
        Assert.Equal(3, await jobs.CountAsync().Within());
        Assert.False(acquiring.IsCompleted, $"the waiting acquire was answered while the lock was held: {acquiring.Exception?.InnerException}");
        Assert.False(await (await waiter.LockAsync("gate")).TryAcquireAsync().Within());

        // Released, the lock goes to the acquirer that waited through the restart, with a higher token.
        await gate.ReleaseAsync().Within();
        var next = await acquiring.Within(Limit, "the acquire parked before the restart");
        Assert.True(next > token, $"token {next} after {token}");
        await jobs.PutAsync("d").Within();
        Assert.Equal(["a", "b", "c", "d"], [await jobs.GetAsync().Within(), await jobs.GetAsync().Within(), await jobs.GetAsync().Within(), await jobs.GetAsync().Within()]);
        await (await holder.QueueAsync<string>("inbox")).PutAsync("hello").Within();
        Assert.Equal("hello", await getting.Within(Limit, "the get parked before the restart"));
        await permits.ReleaseAsync().Within();
        Assert.Equal(2, await permits.ValueAsync().Within());
    }
}
