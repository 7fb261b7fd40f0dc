using System.Diagnostics;
using ManagedActors.Processes;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Hosting;

/// <summary>Client processes that connect to a running host by address and authkey, as Python's BaseManager.connect().</summary>
public static class HostClients
{
    public static async Task ConnectAndIncrementAsync(string address, string keyHex, int times)
    {
        await using var client = await Manager.ConnectAsync(address, Convert.FromHexString(keyHex));
        var shared = await client.DictAsync<string, int>("shared");
        for (var i = 0; i < times; i++)
        {
            await shared.IncrementAsync("hits", 1);
        }
    }
}

/// <summary>The standalone host as a real process: shared by client processes, reported by <c>status</c>, restarted under a client.</summary>
public sealed class StandaloneHostSpec
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_client_processes_connect_by_address_and_authkey_and_share_a_named_dict()
    {
        await using var host = await HostProcess.StartAsync();
        var keyHex = Convert.ToHexString(host.AuthKey);
        using var first = ManagedProcess.Start(HostClients.ConnectAndIncrementAsync, host.Address, keyHex, 300);
        using var second = ManagedProcess.Start(HostClients.ConnectAndIncrementAsync, host.Address, keyHex, 300);
        Assert.Equal(0, await first.WaitForExitAsync().Within(Limit, "the first client process"));
        Assert.Equal(0, await second.WaitForExitAsync().Within(Limit, "the second client process"));

        await using var client = await Manager.ConnectAsync(host.Address, host.AuthKey);
        Assert.Equal(600, await (await client.DictAsync<string, int>("shared")).GetAsync("hits"));

        var status = await RunStatusAsync(host.Address, keyHex);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("shared", status.Output);
        Assert.Contains("dict", status.Output);
        Assert.Contains("objects: 1", status.Output);
    }

    [Fact]
    public async Task Sigterm_shuts_the_host_down_cleanly_and_its_clients_are_told()
    {
        await using var host = await HostProcess.StartAsync();
        await using var client = await Manager.ConnectAsync(host.Address, host.AuthKey);
        var dict = await client.DictAsync<string, int>("shared");
        await dict.SetAsync("a", 1);
        using (var kill = Process.Start("kill", ["-TERM", host.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        Assert.Equal(0, await host.WaitForExitAsync().Within(Limit, "the host after SIGTERM"));
        Assert.Contains("ManagedActors host stopped", host.Output);
        await Assert.ThrowsAsync<ManagerShutDownException>(() => dict.GetAsync("a")).Within();
    }

    [Fact]
    public async Task Status_with_a_wrong_key_fails_with_an_authentication_error()
    {
        await using var host = await HostProcess.StartAsync();
        var status = await RunStatusAsync(host.Address, new string('0', 64));
        Assert.Equal(1, status.ExitCode);
        Assert.Contains(nameof(AuthenticationException), status.Errors);
    }

    [Fact]
    public async Task A_client_of_a_restarted_host_reconnects_on_its_next_call_and_works()
    {
        var port = HostProcess.FreePort();
        var host = await HostProcess.StartAsync(port: port);
        var key = host.AuthKey;
        await using var client = await Manager.ConnectAsync(host.Address, key, new ClientOptions
        {
            CallTimeout = TimeSpan.FromSeconds(5),
            Config = "managed-actors.handshake-timeout = 3s",
        });
        var inventory = await client.DictAsync<string, int>("inventory");
        await inventory.SetAsync("apples", 5);
        var gate = await client.LockAsync("gate");
        var lastToken = await gate.AcquireAsync();

        await host.KillAsync();
        await host.DisposeAsync();
        await Assert.ThrowsAsync<HostUnavailableException>(() => inventory.GetAsync("apples")).Within(TimeSpan.FromSeconds(15));

        await using var restarted = await HostProcess.StartAsync(port: port, authKey: key);
        // The next call runs the handshake again; the object did not survive the restart and says so.
        var error = await EventuallyAsync(() => inventory.GetAsync("apples"));
        Assert.IsType<ObjectLostException>(error);
        Assert.Contains("inventory", error.Message);

        // Opening the name again is the way back; the old proxy stays with the lost dict and never reaches the new one.
        var reopened = await client.DictAsync<string, int>("inventory");
        await reopened.SetAsync("apples", 7);
        Assert.Equal(7, await reopened.GetAsync("apples"));
        await Assert.ThrowsAsync<ObjectLostException>(() => inventory.GetAsync("apples")).Within();
        // The lock died with the host, its hold with it; the lock of that name now grants tokens above every one the
        // lost lock gave, so a resource fenced by them refuses the old holder.
        var newGate = await client.LockAsync("gate");
        Assert.True(await newGate.AcquireAsync() > lastToken);

        await using var fresh = await Manager.ConnectAsync(restarted.Address, key);
        Assert.Equal(7, await (await fresh.DictAsync<string, int>("inventory")).GetAsync("apples"));
    }

    /// <summary>Calls until the failure is no longer the lost connection (the restarted host may take a moment to accept).</summary>
    private static async Task<Exception> EventuallyAsync(Func<Task> call)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            try
            {
                await call().WaitAsync(TimeSpan.FromSeconds(20));
                throw new InvalidOperationException("The call succeeded, but the object should not have survived the restart.");
            }
            catch (HostUnavailableException) when (DateTime.UtcNow < deadline)
            {
            }
            catch (Exception e) when (e is not InvalidOperationException)
            {
                return e;
            }
        }
    }

    private static Task<(int ExitCode, string Output, string Errors)> RunStatusAsync(string address, string keyHex) =>
        HostProcess.RunCommandAsync(new Dictionary<string, string> { ["MANAGEDACTORS_AUTHKEY"] = keyHex }, "status", "--address", address);
}
