using Akka.Actor;
using Akka.Configuration;
using ManagedActors.Tests.Security;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Hosting;

/// <summary>A host started inside an ActorSystem the user created, beside the user's own actors.</summary>
public sealed class UserSystemSpec
{
    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(message => Sender.Tell(message));
    }

    private static ManagerOptions Options => new() { TrustedAssemblies = [typeof(UserSystemSpec).Assembly] };

    [Fact]
    public async Task A_users_system_hosts_objects_for_clients_and_keeps_running_after_the_manager_goes()
    {
        var system = ActorSystem.Create("simulation", ManagedActorsSystem.Setup(ConfigurationFactory.ParseString("akka.loglevel = ERROR")));
        try
        {
            var echo = system.ActorOf(Props.Create(() => new Echo()), "echo");
            var manager = await system.StartManagedActorsAsync(Options);
            Assert.StartsWith("akka.mauth.tcp://simulation@127.0.0.1:", manager.Address);
            var stock = await manager.DictAsync<string, int>("stock");
            await using (var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey))
            {
                var same = await client.DictAsync<string, int>("stock");
                await same.IncrementAsync("apples", 3);
            }
            Assert.Equal(3, await stock.GetAsync("apples"));

            // The library's serializers are in place: a remote Kill stops nothing, and a handshake still works.
            await using (var attacker = RawPeer.Start(manager.AuthKey))
            {
                attacker.System.ActorSelection(RawPeer.GatekeeperPath(manager.Address)).Tell(Kill.Instance, attacker.Inbox);
                await attacker.HandshakeAsync(manager.Address, manager.AuthKey);
            }

            await manager.DisposeAsync();
            await Assert.ThrowsAsync<ManagerShutDownException>(() => stock.GetAsync("apples")).Within();
            Assert.Equal("still here", await echo.Ask<string>("still here", TimeSpan.FromSeconds(10)));
            // The host's actors are gone from the user's system.
            await Assert.ThrowsAsync<ActorNotFoundException>(() =>
                system.ActorSelection("/user/managed-actors").ResolveOne(TimeSpan.FromSeconds(5)));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task A_system_created_without_the_setup_is_refused_before_anything_starts()
    {
        var system = ActorSystem.Create("plain", ConfigurationFactory.ParseString("""
            akka.actor.provider = remote
            akka.loglevel = ERROR
            akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
            akka.remote.dot-netty.tcp.port = 0
            """));
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => system.StartManagedActorsAsync(Options));
            Assert.Contains("ManagedActorsSystem.Setup", error.Message);
            Assert.Contains("untrusted-mode", error.Message);
            Assert.Contains("arbitrary types", error.Message);
            await Assert.ThrowsAsync<ActorNotFoundException>(() =>
                system.ActorSelection("/user/managed-actors").ResolveOne(TimeSpan.FromSeconds(5)));
        }
        finally
        {
            await system.Terminate();
        }
    }
}
