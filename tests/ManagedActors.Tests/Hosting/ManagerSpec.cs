using ManagedActors.Dicts;
using ManagedActors.Lists;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Hosting;

/// <summary>The manager's lifecycle, authentication, bad input and concurrency, with real clients over Akka.Remote.</summary>
public sealed class ManagerSpec
{
    private static ClientOptions ClientOptions(TimeSpan? callTimeout = null) => new()
    {
        Config = SessionFixture.TestHocon,
        TrustedAssemblies = [typeof(ManagerSpec).Assembly],
        CallTimeout = callTimeout ?? TimeSpan.FromSeconds(20),
    };

    [Fact]
    public async Task Manager_listens_on_loopback_with_a_random_32_byte_key()
    {
        await using var first = await Manager.StartAsync();
        await using var second = await Manager.StartAsync();
        Assert.StartsWith("akka.mauth.tcp://managed-actors@127.0.0.1:", first.Address);
        Assert.Equal(32, first.AuthKey.Length);
        Assert.NotEqual(first.AuthKey, second.AuthKey);
        Assert.NotEqual(first.Address, second.Address);
    }

    [Fact]
    public async Task The_hocon_files_users_edit_are_valid_and_a_host_and_client_run_with_them()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ManagedActors.sln")))
        {
            root = root.Parent;
        }
        Assert.NotNull(root);
        var hostConf = await File.ReadAllTextAsync(Path.Combine(root!.FullName, "hocon", "host.conf"));
        var clientConf = await File.ReadAllTextAsync(Path.Combine(root.FullName, "hocon", "client.conf"));
        await using var manager = await Manager.StartAsync(new ManagerOptions { Config = hostConf });
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey, new ClientOptions { Config = clientConf });
        var dict = await client.DictAsync<string, int>();
        await dict.SetAsync("a", 1);
        Assert.Equal(1, await dict.GetAsync("a"));
    }

    [Fact]
    public async Task A_wrong_authkey_is_refused_with_an_authentication_error()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        var wrongKey = manager.AuthKey;
        wrongKey[0] ^= 0xFF;
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => Manager.ConnectAsync(manager.Address, wrongKey, ClientOptions())).Within();
        Assert.Contains("authkey does not match", error.Message);
        Assert.Equal(0, await manager.ObjectCountAsync());
    }

    [Fact]
    public async Task Connecting_to_an_address_where_no_host_listens_is_host_unavailable()
    {
        var port = HostProcess.FreePort();
        var options = ClientOptions() with { Config = SessionFixture.TestHocon + "\nmanaged-actors.handshake-timeout = 2s" };
        await Assert.ThrowsAsync<HostUnavailableException>(() => Manager.ConnectAsync($"127.0.0.1:{port}", new byte[32], options)).Within();
    }

    [Fact]
    public async Task Calls_after_dispose_throw_manager_shut_down_for_local_and_remote_proxies()
    {
        var manager = await Manager.StartAsync(SessionFixture.Options);
        var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey, ClientOptions());
        var local = await manager.DictAsync<string, int>("shared");
        var remote = await client.DictAsync<string, int>("shared");
        await local.SetAsync("a", 1);
        Assert.Equal(1, await remote.GetAsync("a"));
        await manager.DisposeAsync();
        await Assert.ThrowsAsync<ManagerShutDownException>(() => local.GetAsync("a")).Within();
        await Assert.ThrowsAsync<ManagerShutDownException>(() => remote.GetAsync("a")).Within(what: "a remote call after the host shut down");
        await client.DisposeAsync();
        await Assert.ThrowsAsync<ManagerShutDownException>(() => remote.GetAsync("a")).Within();
    }

    [Fact]
    public async Task A_host_killed_under_a_client_gives_host_unavailable_within_the_call_timeout()
    {
        await using var host = await HostProcess.StartAsync();
        await using var client = await Manager.ConnectAsync(host.Address, host.AuthKey, ClientOptions(TimeSpan.FromSeconds(5)));
        var dict = await client.DictAsync<string, int>("inventory");
        await dict.SetAsync("apples", 1);
        await host.KillAsync();
        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<HostUnavailableException>(() => dict.GetAsync("apples")).Within(TimeSpan.FromSeconds(15));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "The failure should come within the call's timeout.");
    }

    [Fact]
    public async Task Eight_concurrent_clients_incrementing_a_thousand_times_lose_no_update()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        var counters = await manager.DictAsync<string, int>("counters");
        var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Manager.ConnectAsync(manager.Address, manager.AuthKey, ClientOptions())));
        try
        {
            await Task.WhenAll(clients.Select(async client =>
            {
                var dict = await client.DictAsync<string, int>("counters");
                // Four loops per client keep several calls in flight, so calls are coalesced as under load.
                await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
                {
                    for (var i = 0; i < 250; i++)
                    {
                        await dict.IncrementAsync("hits", 1);
                    }
                }));
            })).Within(TimeSpan.FromSeconds(60), "8 x 1000 increments");
            Assert.Equal(8000, await counters.GetAsync("hits"));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Calls_from_many_threads_with_many_in_flight_all_get_their_answer()
    {
        // Many callers racing on one outbox: no call may be left behind between two flushes.
        await using var manager = await Manager.StartAsync();
        var dict = await manager.DictAsync<int, int>();
        var finished = await Task.WhenAll(Enumerable.Range(0, 64).Select(loop => Task.Run(async () =>
        {
            for (var i = 0; i < 2500; i++)
            {
                await dict.IncrementAsync(loop, 1);
            }
            return loop;
        }))).Within(TimeSpan.FromSeconds(60), "160 000 calls from 64 concurrent loops");
        Assert.Equal(64, finished.Length);
        Assert.All(await dict.ValuesAsync(), count => Assert.Equal(2500, count));
    }

    [Fact]
    public async Task A_waiting_getter_does_not_block_other_clients_and_a_put_wakes_it()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        await using var waiterClient = await Manager.ConnectAsync(manager.Address, manager.AuthKey, ClientOptions());
        await using var otherClient = await Manager.ConnectAsync(manager.Address, manager.AuthKey, ClientOptions());
        var waiterQueue = await waiterClient.QueueAsync<string>("jobs");
        var otherQueue = await otherClient.QueueAsync<string>("jobs");

        var waiting = waiterQueue.GetAsync(TimeSpan.FromSeconds(2));
        // Calls from one client to one object arrive in order: once this answers, the get is parked.
        Assert.Equal(0, await waiterQueue.CountAsync());
        Assert.False(waiting.IsCompleted);

        Assert.Equal(0, await otherQueue.CountAsync().Within(TimeSpan.FromSeconds(1), "a count while a getter waits"));
        await otherQueue.PutAsync("job-1").Within(TimeSpan.FromSeconds(1), "a put while a getter waits");
        Assert.Equal("job-1", await waiting.Within(TimeSpan.FromSeconds(1.5), "the waiting getter"));
        Assert.Equal(0, await otherQueue.CountAsync());
    }

    [Fact]
    public async Task A_list_proxy_stored_in_a_dict_is_live_for_another_client_and_a_plain_list_is_a_copy()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey, ClientOptions());

        var shelves = await manager.DictAsync<string, IManagedList<string>>("shelves");
        var fruit = await manager.ListAsync<string>(["apple"]);
        await shelves.SetAsync("fruit", fruit);

        var remoteShelves = await client.DictAsync<string, IManagedList<string>>("shelves");
        var remoteFruit = await remoteShelves.GetAsync("fruit");
        await remoteFruit.AppendAsync("pear");
        Assert.Equal(["apple", "pear"], await fruit.SnapshotAsync());
        Assert.Equal(fruit.GetReference().ObjectId, remoteFruit.GetReference().ObjectId);

        var copies = await manager.DictAsync<string, List<string>>("copies");
        var plain = new List<string> { "apple" };
        await copies.SetAsync("fruit", plain);
        plain.Add("pear");
        var remoteCopies = await client.DictAsync<string, List<string>>("copies");
        var readBack = await remoteCopies.GetAsync("fruit");
        readBack.Add("plum");
        Assert.Equal(["apple"], await copies.GetAsync("fruit"));
    }

    [Fact]
    public async Task Proxies_inside_values_of_other_objects_stay_live()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        var inner = await manager.DictAsync<string, int>();
        var outer = await manager.ListAsync<IManagedDict<string, int>>();
        await outer.AppendAsync(inner);
        var back = await outer.GetAsync(0);
        await back.SetAsync("k", 1);
        Assert.Equal(1, await inner.GetAsync("k"));
        var anything = await manager.DictAsync<string, object>();
        await anything.SetAsync("ref", inner);
        Assert.IsAssignableFrom<IManagedDict<string, int>>(await anything.GetAsync("ref"));
    }

    [Fact]
    public async Task A_proxy_inside_a_record_stays_live_for_another_client()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey, ClientOptions());
        var fruit = await manager.ListAsync<string>(["apple"]);
        var shelves = await manager.DictAsync<string, Shelf>("record-shelves");
        await shelves.SetAsync("fruit", new Shelf("fruit", fruit));
        var shelf = await (await client.DictAsync<string, Shelf>("record-shelves")).GetAsync("fruit");
        await shelf.Items.AppendAsync("pear");
        Assert.Equal("fruit", shelf.Label);
        Assert.Equal(["apple", "pear"], await fruit.SnapshotAsync());
    }

    [Fact]
    public async Task Deleting_a_named_object_makes_its_proxies_fail_with_object_not_found()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        var dict = await manager.DictAsync<string, int>("temporary");
        await dict.SetAsync("a", 1);
        Assert.True(await manager.DeleteAsync("temporary"));
        Assert.False(await manager.DeleteAsync("temporary"));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => dict.GetAsync("a")).Within();
        var fresh = await manager.DictAsync<string, int>("temporary");
        Assert.Equal(0, await fresh.CountAsync());
    }

    [Fact]
    public async Task An_unserializable_argument_is_refused_at_the_caller_naming_its_type()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey, ClientOptions());
        var dict = await client.DictAsync<string, object>();
        var error = await Assert.ThrowsAsync<ManagedSerializationException>(() => dict.SetAsync("callback", new Action(() => { })));
        Assert.Contains("Action", error.TypeName);
        var stream = await Assert.ThrowsAsync<ManagedSerializationException>(() => dict.SetAsync("file", new MemoryStream()));
        Assert.Contains("MemoryStream", stream.Message);
        await dict.SetAsync("fine", 1);
        Assert.Equal(1, await dict.GetAsync("fine"));
    }

    [Fact]
    public async Task A_message_over_the_maximum_size_is_refused_before_sending_and_the_connection_keeps_working()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey,
            ClientOptions() with { Config = SessionFixture.TestHocon + "\nmanaged-actors.max-message-size = 100000" });
        var blobs = await client.DictAsync<string, byte[]>();
        var error = await Assert.ThrowsAsync<MessageTooLargeException>(() => blobs.SetAsync("big", new byte[200_000]));
        Assert.Equal(100_000, error.Maximum);
        Assert.True(error.Size > 200_000);
        await blobs.SetAsync("small", new byte[1000]);
        Assert.Equal(1000, (await blobs.GetAsync("small")).Length);
    }

    [Fact]
    public async Task A_reply_over_the_host_maximum_is_a_typed_error_and_the_object_keeps_serving()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options with { Config = SessionFixture.TestHocon + "\nmanaged-actors.max-message-size = 100000" });
        var list = await manager.ListAsync<byte[]>();
        await list.AppendAsync(new byte[60_000]);
        await list.AppendAsync(new byte[60_000]);
        await Assert.ThrowsAsync<MessageTooLargeException>(() => list.SnapshotAsync());
        Assert.Equal(2, await list.CountAsync());
    }

    [Fact]
    public async Task A_value_of_a_type_outside_the_allow_list_is_refused_by_the_host_with_a_typed_error()
    {
        // This manager does not trust the test assembly, so the test's record types are refused on arrival.
        await using var manager = await Manager.StartAsync(new ManagerOptions { Config = SessionFixture.TestHocon });
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey, ClientOptions());
        var dict = await client.DictAsync<string, object>();
        var error = await Assert.ThrowsAsync<ManagedTypeNotAllowedException>(() => dict.SetAsync("job", new Job(1, "x", [])));
        Assert.Contains(nameof(Job), error.TypeName);
        // A known deserialization gadget does not even leave the caller.
        var gadget = await Assert.ThrowsAsync<ManagedSerializationException>(() => dict.SetAsync("file", new FileInfo("/etc/passwd")));
        Assert.Contains("FileInfo", gadget.TypeName);
        await dict.SetAsync("plain", new List<int> { 1 });
        Assert.Equal(1, await dict.CountAsync());
    }

    [Fact]
    public async Task Per_call_timeout_overrides_the_default()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        var queue = await manager.QueueAsync<int>();
        var fast = queue.WithTimeout(TimeSpan.FromSeconds(3));
        await fast.PutAsync(1);
        Assert.Equal(1, await fast.GetAsync(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => queue.WithTimeout(TimeSpan.Zero));
    }

    [Fact]
    public async Task A_cancelled_token_cancels_the_call()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        var dict = await manager.DictAsync<string, int>();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dict.SetAsync("a", 1, cancelled.Token));
    }
}
