using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Lane;

/// <summary>What a client sees of the direct lane: the default, the fallback, the cap on calls in flight, a caller that
/// blocks the lane's thread, a lane that breaks, a host that stops, and TLS.</summary>
public sealed class LaneBehaviourSpec
{
    private static ClientOptions Client(string? hocon = null, CallTransport? transport = null) => new()
    {
        Config = hocon,
        Transport = transport,
        CallTimeout = TimeSpan.FromSeconds(20),
        TrustedAssemblies = [typeof(LaneBehaviourSpec).Assembly],
    };

    [Fact]
    public async Task Calls_take_the_lane_by_default_and_Akka_Remote_when_asked()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        await using var direct = await Manager.ConnectAsync(manager.Address, manager.AuthKey, Client());
        await using var akka = await Manager.ConnectAsync(manager.Address, manager.AuthKey, Client(transport: CallTransport.AkkaRemote));
        Assert.NotNull(direct.Runtime.Connection.Lane);
        Assert.Null(akka.Runtime.Connection.Lane);
        var viaLane = await direct.DictAsync<string, int>("shared");
        await viaLane.SetAsync("a", 1);
        var viaAkka = await akka.DictAsync<string, int>("shared");
        Assert.Equal(1, await viaAkka.GetAsync("a"));
    }

    [Fact]
    public async Task A_host_without_a_lane_is_called_over_Akka_Remote()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options with
        {
            Config = SessionFixture.TestHocon + "\nmanaged-actors.direct.enabled = off",
        });
        Assert.Null(manager.Host.Lane);
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey, Client());
        Assert.Null(client.Runtime.Connection.Lane);
        var list = await client.ListAsync<int>();
        await list.AppendAsync(5);
        Assert.Equal([5], await list.SnapshotAsync());
    }

    [Fact]
    public async Task A_data_port_that_cannot_be_reached_leaves_the_calls_on_Akka_Remote()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        // The host still names its port in the handshake, but nothing listens there any more (a firewall, in effect).
        manager.Host.Lane!.Dispose();
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey, Client());
        Assert.Null(client.Runtime.Connection.Lane);
        var value = await client.ValueAsync(1, "counter");
        await value.SetAsync(3);
        Assert.Equal(3, await value.GetAsync());
    }

    [Fact]
    public async Task A_caller_that_blocks_the_lanes_thread_does_not_stop_the_replies()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey, Client());
        var dict = await client.DictAsync<string, int>();
        await dict.SetAsync("a", 1);
        // The continuation runs where the first reply completes, the lane's reader thread, and waits there synchronously
        // for a second reply that only a reader can deliver: the reading moves to a new thread.
        var blocked = dict.GetAsync("a").ContinueWith(
            first => first.Result + dict.GetAsync("a").GetAwaiter().GetResult(),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Assert.Equal(2, await blocked.Within(TimeSpan.FromSeconds(10), "the blocked continuation"));
        Assert.Equal(1, await dict.GetAsync("a"));
    }

    [Fact]
    public async Task Calls_fired_without_awaiting_wait_under_the_cap_and_all_arrive_in_order()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey,
            Client("managed-actors.direct.max-outstanding-calls = 8"));
        var list = await client.ListAsync<int>();
        var calls = new List<Task>();
        for (var i = 0; i < 2_000; i++)
        {
            calls.Add(list.AppendAsync(i));
        }
        await Task.WhenAll(calls).Within();
        Assert.Equal(Enumerable.Range(0, 2_000), await list.SnapshotAsync());
    }

    [Fact]
    public async Task A_call_that_finds_no_room_under_the_cap_in_its_timeout_fails_with_TimeoutException()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey,
            Client("managed-actors.direct.max-outstanding-calls = 1"));
        var queue = await client.QueueAsync<int>();
        var parked = queue.GetAsync(TimeSpan.FromSeconds(30));
        var error = await Assert.ThrowsAsync<TimeoutException>(() => queue.WithTimeout(TimeSpan.FromMilliseconds(300)).PutAsync(1)).Within();
        Assert.Contains("max-outstanding-calls", error.Message);
        Assert.False(parked.IsCompleted);
    }

    [Fact]
    public async Task A_lane_that_breaks_ends_its_session_its_lock_goes_to_the_next_and_the_client_connects_again()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        await using var holder = await Manager.ConnectAsync(manager.Address, manager.AuthKey, Client());
        await using var waiter = await Manager.ConnectAsync(manager.Address, manager.AuthKey, Client());
        var held = await holder.LockAsync("door");
        await held.AcquireAsync();
        var waiting = (await waiter.LockAsync("door")).AcquireAsync(TimeSpan.FromSeconds(20));
        var parked = (await holder.QueueAsync<int>()).GetAsync(TimeSpan.FromSeconds(30));
        holder.Runtime.Connection.Lane!.Dispose();
        await Assert.ThrowsAsync<HostUnavailableException>(() => parked).Within();
        // The host ended the holder's session when its lane broke: the lock went to the waiter.
        await waiting.Within(TimeSpan.FromSeconds(10), "the waiter's acquire");
        // The holder's next call connects again, over a new lane.
        var list = await holder.ListAsync<int>("after");
        await list.AppendAsync(1);
        Assert.NotNull(holder.Runtime.Connection.Lane);
    }

    [Fact]
    public async Task A_host_that_shuts_down_in_order_fails_a_parked_call_with_ManagerShutDownException()
    {
        var manager = await Manager.StartAsync(SessionFixture.Options);
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey, Client());
        var queue = await client.QueueAsync<int>();
        var parked = queue.GetAsync(TimeSpan.FromSeconds(60));
        await manager.DisposeAsync();
        await Assert.ThrowsAsync<ManagerShutDownException>(() => parked).Within();
        await Assert.ThrowsAsync<ManagerShutDownException>(() => queue.PutAsync(1)).Within();
    }

    [Fact]
    public async Task The_lane_speaks_TLS_to_a_pinned_certificate_and_falls_back_when_the_pin_does_not_match()
    {
        var pfx = Path.Combine(Path.GetTempPath(), "managed-actors-lane-" + Guid.NewGuid().ToString("N") + ".pfx");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=managed-actors-test", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "secret"));
        try
        {
            await using var manager = await Manager.StartAsync(SessionFixture.Options with
            {
                Config = SessionFixture.TestHocon + $"\nmanaged-actors.direct.tls {{ certificate-path = \"{pfx}\", certificate-password = secret }}",
            });
            Assert.True(manager.Host.Lane!.Tls);
            var pin = certificate.GetCertHashString(HashAlgorithmName.SHA256);
            await using var pinned = await Manager.ConnectAsync(manager.Address, manager.AuthKey, Client($"managed-actors.direct.tls.thumbprint = \"{pin}\""));
            Assert.NotNull(pinned.Runtime.Connection.Lane);
            var dict = await pinned.DictAsync<string, string>("secrets");
            await dict.SetAsync("k", "over TLS");
            // A certificate the client does not trust: no lane, the calls go over Akka.Remote.
            await using var wrongPin = await Manager.ConnectAsync(manager.Address, manager.AuthKey, Client($"managed-actors.direct.tls.thumbprint = \"{new string('0', 64)}\""));
            Assert.Null(wrongPin.Runtime.Connection.Lane);
            Assert.Equal("over TLS", await (await wrongPin.DictAsync<string, string>("secrets")).GetAsync("k"));
        }
        finally
        {
            File.Delete(pfx);
        }
    }
}
