using System.Collections.Concurrent;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using ManagedActors.Lane;
using ManagedActors.Protocol;
using ManagedActors.Security;

namespace ManagedActors.Client;

/// <summary>What a handshake gives a client: its session, the host's run, and the direct lane opened for the session (or none).</summary>
internal readonly record struct Admission(Guid Session, Guid Incarnation, LaneChannel? Lane = null);

/// <summary>
/// Admits a client at one host: the handshake over Akka.Remote (Hello, Challenge, Proof, Welcome), then the direct lane
/// when the client's transport is <c>direct</c>. A host that offers no data port, or whose port cannot be reached (a
/// firewall), leaves the calls on Akka.Remote; the client says so once per host in its log, and tries the lane again at
/// each later admission.
/// </summary>
/// <param name="system">The client's ActorSystem.</param>
/// <param name="replyTo">The client's reply actor, which the handshake names.</param>
/// <param name="clientId">The client's own id, the same on every session it opens.</param>
/// <param name="authKey">The manager's authkey.</param>
/// <param name="lane">Where a lane connects on the client's side; null when calls go over Akka.Remote.</param>
internal sealed class HostAdmission(ActorSystem system, IActorRef replyTo, Guid clientId, byte[] authKey, LaneEnds? lane)
{
    private readonly ConcurrentDictionary<Address, byte> _warned = new();
    private readonly ILoggingAdapter _log = system.Log;

    /// <summary>Runs the handshake with <paramref name="host"/> within <paramref name="timeout"/>, then opens the lane.</summary>
    /// <exception cref="AuthenticationException">The host refused the key.</exception>
    /// <exception cref="HostUnavailableException">No host answered in time.</exception>
    public async Task<(Admission Admission, string[] Contacts)> AdmitAsync(Address host, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var welcome = await HandshakeAsync(host, timeout, cancellationToken).ConfigureAwait(false);
        return (await OpenLaneAsync(host, welcome, cancellationToken).ConfigureAwait(false), welcome.Contacts);
    }

    private async Task<Welcome> HandshakeAsync(Address host, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var gatekeeper = system.ActorSelection(HostPaths.Gatekeeper(host.ToString()));
        // A Hello can go unanswered (a host still starting, an association still forming on a loaded machine, a
        // handshake rate limit): it is sent again, waiting twice as long each time, until the timeout is spent.
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var attempt = TimeSpan.FromSeconds(1);
        var attempts = 0;
        while (true)
        {
            var remaining = TimeSpan.FromMilliseconds(Math.Max(deadline - Environment.TickCount64, 1));
            var wait = attempt < remaining ? attempt : remaining;
            attempts++;
            try
            {
                var challenge = await gatekeeper.Ask<Challenge>(new Hello(replyTo), wait, cancellationToken).ConfigureAwait(false);
                var mac = HMACSHA256.HashData(authKey, challenge.Nonce);
                // The host answered once: the proof gets what is left, and at least as long as the Hello had.
                var proofWait = TimeSpan.FromMilliseconds(Math.Max(deadline - Environment.TickCount64, (long)wait.TotalMilliseconds));
                var answer = await gatekeeper.Ask<object>(new Proof(replyTo, challenge.Nonce, mac, clientId), proofWait, cancellationToken).ConfigureAwait(false);
                return answer switch
                {
                    Welcome welcome => welcome,
                    AccessDenied denied => throw new AuthenticationException($"The host at {host} refused the connection: {denied.Reason}"),
                    _ => throw new AuthenticationException($"The host at {host} answered the handshake with {answer.GetType().Name}."),
                };
            }
            catch (AskTimeoutException) when (TransportKey.Of(system)?.ListenerLacksKey(host) == true)
            {
                throw new AuthenticationException(
                    $"The host at {host} refused the connection: the authkey does not match (the transport's key exchange failed).");
            }
            catch (AskTimeoutException e) when (Environment.TickCount64 >= deadline - 10)
            {
                throw new HostUnavailableException(
                    $"No manager host answered at {host} within {timeout.TotalSeconds:0.#} s ({attempts} handshake attempt(s)).", e);
            }
            catch (AskTimeoutException)
            {
                attempt += attempt;
            }
        }
    }

    private async Task<Admission> OpenLaneAsync(Address host, Welcome welcome, CancellationToken cancellationToken)
    {
        if (lane is null)
        {
            return new Admission(welcome.Session, welcome.Incarnation);
        }
        if (welcome.LanePort == 0)
        {
            WarnOnce(host, $"The host at {host} offers no direct lane (managed-actors.direct.enabled is off there); calls go over Akka.Remote.");
            return new Admission(welcome.Session, welcome.Incarnation);
        }
        if (TransportKey.Of(system) is not { } transport)
        {
            WarnOnce(host, $"This client's ActorSystem has no transport identity to prove its session to the data port of {host} with; calls go over Akka.Remote.");
            return new Admission(welcome.Session, welcome.Incarnation);
        }
        if (transport.Claims.KeyHolding(host) is not { } hostKey)
        {
            // The association that brought the welcome is gone already: the next connection attempt starts over.
            WarnOnce(host, $"The association with {host} ended before the direct lane was opened; calls go over Akka.Remote.");
            return new Admission(welcome.Session, welcome.Incarnation);
        }
        try
        {
            var credentials = new LaneCredentials(welcome.Session, transport.Identity, hostKey, transport.Key);
            var channel = await LaneChannel.ConnectAsync(host.Host ?? "127.0.0.1", welcome.LanePort, welcome.LaneTls, credentials, lane, cancellationToken)
                .ConfigureAwait(false);
            return new Admission(welcome.Session, welcome.Incarnation, channel);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            WarnOnce(host, $"The direct lane to {host.Host}:{welcome.LanePort} could not be opened ({e.GetType().Name}: {e.Message}); calls go over Akka.Remote.");
            return new Admission(welcome.Session, welcome.Incarnation);
        }
    }

    private void WarnOnce(Address host, string message)
    {
        if (_warned.TryAdd(host, 0))
        {
            _log.Warning(message);
        }
    }
}
