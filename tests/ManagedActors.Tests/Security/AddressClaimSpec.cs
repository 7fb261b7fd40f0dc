using System.Collections.Concurrent;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Cluster;
using ManagedActors.Clustering;
using ManagedActors.Tests.Clustering;
using ManagedActors.Security;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Security;

/// <summary>
/// A peer that holds the authkey (any worker does) names its system as a client or the host does and advertises that
/// process's port. The key exchange binds each claimed address to a key only its owner holds: the claim is refused and
/// logged, and the victim keeps its sessions, its lock and its host.
/// </summary>
[Collection(ProcessHeavy.Name)]
public sealed class AddressClaimSpec : IAsyncLifetime
{
    private Manager _host = null!;

    public async Task InitializeAsync() => _host = await Manager.StartAsync(SessionFixture.Options);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_key_holder_that_claims_a_clients_address_is_refused_and_the_client_keeps_its_lock()
    {
        await using var victim = await Manager.ConnectAsync(_host.Address, _host.AuthKey);
        await using var other = await Manager.ConnectAsync(_host.Address, _host.AuthKey);
        var held = await victim.LockAsync("claimed");
        await held.AcquireAsync().Within();
        var waiter = (await other.LockAsync("claimed")).AcquireAsync();
        var victimAddress = ((ExtendedActorSystem)victim.Runtime.System).Provider.DefaultAddress;
        var refusals = LoggedWarnings.Of(_host.Host.System);

        await using (var attacker = RawPeer.Start(_host.AuthKey, $"akka.remote.dot-netty.tcp.public-port = {victimAddress.Port}", victimAddress.System))
        {
            // It can prove the authkey, but not the victim's identity: the host closes the connection at the key exchange.
            await Assert.ThrowsAnyAsync<Exception>(() => attacker.HandshakeAsync(_host.Address, _host.AuthKey)).Within();
            await Refused(refusals, "the host's log");
        }

        // The attacker left. The victim's session, lock and connection are untouched: the waiter gets nothing meanwhile...
        Assert.NotSame(waiter, await Task.WhenAny(waiter, Task.Delay(TimeSpan.FromSeconds(3))));
        Assert.Contains((await _host.StatusAsync()).Clients, c => c.Address.EndsWith($":{victimAddress.Port}", StringComparison.Ordinal));
        Assert.True(await held.IsLockedAsync().Within());
        // ...and gets the lock when the victim, still connected, lets it go.
        await held.ReleaseAsync().Within();
        await waiter.Within(what: "the waiter's acquire after the victim's release");
    }

    [Fact]
    public async Task A_key_holder_that_claims_the_hosts_address_toward_a_client_is_refused_and_the_parked_call_survives()
    {
        await using var victim = await Manager.ConnectAsync(_host.Address, _host.AuthKey);
        var queue = await victim.QueueAsync<int>("claimed");
        var parked = queue.GetAsync();
        var hostAddress = Address.Parse(_host.Address);
        var victimAddress = ((ExtendedActorSystem)victim.Runtime.System).Provider.DefaultAddress;
        var refusals = LoggedWarnings.Of(victim.Runtime.System);

        await using (var attacker = RawPeer.Start(_host.AuthKey, $"akka.remote.dot-netty.tcp.public-port = {hostAddress.Port}", hostAddress.System))
        {
            // It dials the client as the host would, and is refused at the key exchange.
            Assert.False(await ReachesAsync(attacker, victimAddress));
            await Refused(refusals, "the client's log");
        }

        Assert.NotSame(parked, await Task.WhenAny(parked, Task.Delay(TimeSpan.FromSeconds(3))));
        await using var producer = await Manager.ConnectAsync(_host.Address, _host.AuthKey);
        await (await producer.QueueAsync<int>("claimed")).PutAsync(7).Within();
        Assert.Equal(7, await parked.Within(what: "the parked get"));
        Assert.Equal(0, await queue.CountAsync().Within());
    }

    [Fact]
    public async Task A_cluster_key_holder_that_claims_a_members_address_is_refused_and_the_member_stays_up()
    {
        var clusterKey = RandomNumberGenerator.GetBytes(32);
        using var store = new TempStore();
        var hosts = new List<Manager>();
        try
        {
            await ClusterSession.StartHostsAsync(hosts, store, _host.AuthKey, clusterKey);
            var first = hosts[0].Host.Member!;
            var second = hosts[1].Host.Member!;
            // Each member waited for its own "up"; every member's view of the others comes with gossip.
            await Bounded.EventuallyAsync(() => Task.FromResult(hosts.All(h => AllUp(h, 3))), "every member seeing three up");
            var refusals = LoggedWarnings.Of(first.System);

            await using (var attacker = RawPeer.Start(clusterKey, $"akka.remote.dot-netty.tcp.public-port = {second.Address.Port}",
                             ClusterMember.SystemName, TransportKey.ClusterLabel))
            {
                Assert.False(await ReachesAsync(attacker, first.Address));
                await Refused(refusals, "the first member's log");
            }

            // The member whose address was claimed is neither quarantined nor downed: for the next 3 s (the attacker gone),
            // every member sees three up and none unreachable.
            var watched = Task.Delay(TimeSpan.FromSeconds(3));
            do
            {
                Assert.All(hosts, host => Assert.True(AllUp(host, 3), "A member saw another leave or become unreachable."));
            }
            while (await Task.WhenAny(watched, Task.Delay(100)) != watched);
        }
        finally
        {
            foreach (var host in Enumerable.Reverse(hosts))
            {
                await host.DisposeAsync();
            }
        }
    }

    /// <summary>Whether the peer reaches <paramref name="target"/>'s system guardian: an answer that names it (a refused connection drops the Identify, or dead letters answer it empty).</summary>
    private static async Task<bool> ReachesAsync(RawPeer peer, Address target)
    {
        try
        {
            var identity = await peer.System.ActorSelection(new RootActorPath(target) / "system").Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(5));
            return identity.Subject is not null;
        }
        catch (AskTimeoutException)
        {
            return false;
        }
    }

    private static bool AllUp(Manager host, int members)
    {
        var state = Cluster.Get(host.Host.Member!.System).State;
        return state.Members.Count(m => m.Status == MemberStatus.Up) == members && state.Unreachable.IsEmpty;
    }



    private static Task Refused(ConcurrentQueue<string> log, string where) =>
        Bounded.EventuallyAsync(() => Task.FromResult(log.Any(r => r.Contains("which a live association holds under another identity"))),
            "the refusal in " + where);
}
