using System.Net;
using System.Net.Sockets;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Security;

/// <summary>
/// A host never shares a port or a journal: .NET binds Akka.Remote's port with SO_REUSEPORT on Linux, so without a
/// check a second host (or any process listening with SO_REUSEPORT) would split the clients with it.
/// </summary>
public sealed class ExclusivePortsSpec : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task A_port_another_socket_listens_on_with_SO_REUSEPORT_is_refused_by_name()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        // What a second Akka.Remote does: ReuseAddress, which .NET makes SO_REUSEADDR and SO_REUSEPORT on Linux.
        squatter.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        var port = ((IPEndPoint)squatter.LocalEndPoint!).Port;

        var refused = await Assert.ThrowsAsync<PortInUseException>(() => Manager.StartAsync(SessionFixture.Options with { Port = port }));
        Assert.Equal(port, refused.Port);
        Assert.Contains($"Port {port} on 127.0.0.1 (the host's port for clients)", refused.Message);
    }

    [Fact]
    public async Task A_host_is_refused_on_the_port_of_a_running_host_and_starts_on_it_at_once_after_that_host_stopped()
    {
        var port = HostProcess.FreePort();
        var first = await Manager.StartAsync(SessionFixture.Options with { Port = port });
        await using (var client = await Manager.ConnectAsync(first.Address, first.AuthKey))
        {
            await (await client.DictAsync<string, int>("d")).SetAsync("a", 1);
            await Assert.ThrowsAsync<PortInUseException>(() => Manager.StartAsync(SessionFixture.Options with { Port = port }));
        }
        // The stopped host's connections linger in TIME_WAIT on the port; they do not keep a new host off it.
        await first.DisposeAsync();
        await using var second = await Manager.StartAsync(SessionFixture.Options with { Port = port });
        Assert.EndsWith($":{port}", second.Address);
    }

    [Fact]
    public async Task A_standalone_host_is_refused_a_SQLite_journal_another_host_holds_and_gets_it_once_that_host_stopped()
    {
        var file = _store.PathOf("objects.db");
        var options = SessionFixture.Options with { DurableStore = file, DefaultDurability = Durability.Durable };
        var first = await Manager.StartAsync(options);
        var refused = await Assert.ThrowsAsync<DurableStoreInUseException>(() => Manager.StartAsync(options));
        Assert.Equal(Path.GetFullPath(file), refused.Path);
        Assert.Contains($"process {Environment.ProcessId}", refused.Message);
        Assert.Contains(first.Address, refused.Message);
        await first.DisposeAsync();
        await using var second = await Manager.StartAsync(options);
        Assert.Equal(0, await second.ObjectCountAsync());
    }
}
