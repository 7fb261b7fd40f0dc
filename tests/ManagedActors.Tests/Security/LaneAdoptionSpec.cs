using ManagedActors.Client;
using ManagedActors.Lane;
using ManagedActors.Security;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Security;

/// <summary>
/// A session's lane belongs to the endpoint that opened the session. A peer that holds the authkey and a victim's
/// session token (the victim calls over Akka.Remote, so its session has no lane) cannot open one for it: the data port
/// takes only a proof signed by the identity that proved the session's association.
/// </summary>
public sealed class LaneAdoptionSpec : IAsyncLifetime
{
    private Manager _host = null!;
    private ManagerClient _victim = null!;

    public async Task InitializeAsync()
    {
        _host = await Manager.StartAsync(SessionFixture.Options);
        _victim = await Manager.ConnectAsync(_host.Address, _host.AuthKey, new ClientOptions { Transport = CallTransport.AkkaRemote });
    }

    public async Task DisposeAsync()
    {
        await _victim.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_key_holder_with_another_clients_token_opens_no_lane_for_it_and_the_session_stays_the_victims()
    {
        var stock = await _victim.DictAsync<string, int>("stock");
        await stock.SetAsync("apples", 1).Within();
        var port = _host.Host.Lane!.Port;
        var victimSession = _victim.Runtime.Connection.Session;

        await using var attacker = RawPeer.Start(_host.AuthKey);
        var own = await attacker.HandshakeAsync(_host.Address, _host.AuthKey);
        var attackerIdentity = TransportKey.Of(attacker.System)!.Identity;
        var key = TransportKey.Of(attacker.System)!.Key;

        // Its own identity opens a lane for its own session (the control)...
        var (ownLane, ownAnswer) = RawLane.Open(port, own, attackerIdentity, key);
        using (ownLane)
        {
            Assert.Equal(LaneFrames.Accepted, ownAnswer);
        }
        // ...but not for the victim's: the host wants the signature of the endpoint whose association opened that session.
        var (stolen, answer) = RawLane.Open(port, victimSession, attackerIdentity, key);
        using (stolen)
        {
            Assert.Equal(-1, answer);
        }

        // The victim's session is still its own, and still free for a lane of its own endpoint.
        await stock.SetAsync("apples", 2).Within();
        Assert.Equal(2, await stock.GetAsync("apples").Within());
        var (victimLane, victimAnswer) = RawLane.Open(port, victimSession, TransportKey.Of(_victim.Runtime.System)!.Identity, key);
        using (victimLane)
        {
            Assert.Equal(LaneFrames.Accepted, victimAnswer);
        }
    }
}
