using System.Security.Cryptography;
using Akka.Actor;
using ManagedActors.Configuration;
using ManagedActors.Protocol;
using ManagedActors.Proxies;

namespace ManagedActors;

/// <summary>
/// A connection to a manager's host from another process, made by <see cref="Manager.ConnectAsync(string, byte[], ClientOptions?, CancellationToken)"/>. It owns
/// one client ActorSystem (loopback, a free port) that every proxy of the connection shares.
/// </summary>
public sealed class ManagerClient : ManagerSession
{
    private int _disposed;

    private ManagerClient(ClientRuntime runtime, string hostAddress) : base(runtime, hostAddress)
    {
    }

    internal static async Task<ManagerClient> ConnectAsync(IReadOnlyList<string> addresses, byte[] authKey, ClientOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var contacts = addresses.Select(ParseAddress).Distinct().ToList();
        if (contacts.Count == 0)
        {
            throw new ArgumentException("At least one host address is needed.", nameof(addresses));
        }
        var explicitHocon = $$"""
            akka.remote.dot-netty.tcp.hostname = "{{options.Hostname}}"
            akka.remote.dot-netty.tcp.port = 0
            """;
        if (options.Transport is { } transport)
        {
            explicitHocon += "\nmanaged-actors.transport = " + (transport == CallTransport.Direct ? "direct" : "akka-remote");
        }
        const string roleDefaults = """
            akka.actor.provider = remote
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            akka.remote.retry-gate-closed-for = 1s
            akka.remote.untrusted-mode = on
            # The host watches each client's reply actor; its remote watcher's heartbeats arrive by selection.
            akka.remote.trusted-selection-paths = ["/system/remote-watcher"]
            """;
        var config = ManagedActorsConfig.Build(explicitHocon, Manager.Layer(options.Config, options.CallTimeout, options.HandshakeTimeout), roleDefaults);
        var settings = ManagerSettings.From(config);
        var system = ActorSystems.Create("managed-actors-client", config, new Security.TransportKey(authKey));
        try
        {
            var given = contacts;
            var runtime = new ClientRuntime(system, ownsSystem: true, settings,
                new TypeAllowList(Manager.TrustedWith(options.TrustedAssemblies)), contacts[0], authKey.ToArray())
            {
                FailsOver = contacts.Count > 1,
            };
            var lanes = new Dictionary<Address, LaneOpener>();

            // The hosts in the order to try them: a lost host is tried last, the next one in the list first.
            async Task<Admission> AdmitAnyAsync(TimeSpan timeout, bool afterLoss, CancellationToken cancellation)
            {
                var current = contacts.IndexOf(runtime.HostAddress);
                var order = contacts.Count == 1 ? contacts
                    : Enumerable.Range(afterLoss ? 1 : 0, contacts.Count).Select(i => contacts[(current + i) % contacts.Count]).ToList();
                // Each host gets its share of the time, and at least 2 s; the last one what is left.
                var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
                var share = TimeSpan.FromMilliseconds(Math.Max(2000, timeout.TotalMilliseconds / order.Count));
                HostUnavailableException? last = null;
                for (var i = 0; i < order.Count; i++)
                {
                    var left = TimeSpan.FromMilliseconds(Math.Max(deadline - Environment.TickCount64, 1000));
                    var host = order[i];
                    try
                    {
                        var welcome = await HandshakeAsync(system.ActorSelection(HostPaths.Gatekeeper(host.ToString())), runtime, authKey,
                            i == order.Count - 1 || share > left ? left : share, host, cancellation).ConfigureAwait(false);
                        runtime.MoveTo(host);
                        // A host of a cluster names the hosts that are up now: they come first the next time, then the
                        // given ones it did not name (one may be back by then).
                        if (Learned(welcome.Contacts) is { Count: > 0 } members)
                        {
                            contacts = members.Concat(given).Distinct().ToList();
                            runtime.FailsOver = contacts.Count > 1;
                        }
                        if (!lanes.TryGetValue(host, out var lane))
                        {
                            lanes[host] = lane = new LaneOpener(runtime, host, authKey.ToArray(), system.Log);
                        }
                        return await lane.AdmitAsync(welcome, cancellation).ConfigureAwait(false);
                    }
                    catch (HostUnavailableException e) when (i < order.Count - 1)
                    {
                        last = e;
                    }
                }
                throw last!;
            }

            runtime.Admit(await AdmitAnyAsync(settings.HandshakeTimeout, afterLoss: false, cancellationToken).ConfigureAwait(false));
            var reconnectTimeout = settings.HandshakeTimeout < settings.CallTimeout ? settings.HandshakeTimeout : settings.CallTimeout;
            runtime.Reconnect = cancellation => AdmitAnyAsync(reconnectTimeout, afterLoss: runtime.FailsOver, cancellation);
            return new ManagerClient(runtime, runtime.HostAddress.ToString());
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<Welcome> HandshakeAsync(
        ActorSelection gatekeeper, ClientRuntime runtime, byte[] authKey, TimeSpan timeout, Address hostAddress, CancellationToken cancellationToken)
    {
        var replyTo = runtime.ReplyActor;
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
                var answer = await gatekeeper.Ask<object>(new Proof(replyTo, challenge.Nonce, mac, runtime.ClientId), proofWait, cancellationToken).ConfigureAwait(false);
                return answer switch
                {
                    Welcome welcome => welcome,
                    AccessDenied denied => throw new AuthenticationException($"The host at {hostAddress} refused the connection: {denied.Reason}"),
                    _ => throw new AuthenticationException($"The host at {hostAddress} answered the handshake with {answer.GetType().Name}."),
                };
            }
            catch (AskTimeoutException) when (Security.TransportKey.Of(runtime.System)?.ListenerLacksKey(hostAddress) == true)
            {
                throw new AuthenticationException(
                    $"The host at {hostAddress} refused the connection: the authkey does not match (the transport's key exchange failed).");
            }
            catch (AskTimeoutException e) when (Environment.TickCount64 >= deadline - 10)
            {
                throw new HostUnavailableException(
                    $"No manager host answered at {hostAddress} within {timeout.TotalSeconds:0.#} s ({attempts} handshake attempt(s)).", e);
            }
            catch (AskTimeoutException)
            {
                attempt += attempt;
            }
        }
    }

    /// <summary>
    /// Parses <c>akka.mauth.tcp://managed-actors@host:port</c> or <c>host:port</c>; <c>akka.tcp://</c> is read as the
    /// same host (the library's systems speak only the authenticated transport).
    /// </summary>
    internal static Address ParseAddress(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        if (!address.Contains("://", StringComparison.Ordinal))
        {
            address = $"{HostPaths.Protocol}://{HostPaths.SystemName}@{address}";
        }
        else if (address.StartsWith("akka.tcp://", StringComparison.Ordinal))
        {
            address = HostPaths.Protocol + address["akka.tcp".Length..];
        }
        try
        {
            return Akka.Actor.Address.Parse(address);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            throw new ArgumentException($"'{address}' is not a manager address (akka.mauth.tcp://managed-actors@host:port or host:port).", nameof(address), e);
        }
    }

    /// <summary>The hosts a host of a cluster named, those that parse as manager addresses.</summary>
    private static List<Address> Learned(string[]? contacts)
    {
        var learned = new List<Address>();
        foreach (var contact in contacts ?? [])
        {
            try
            {
                learned.Add(ParseAddress(contact));
            }
            catch (ArgumentException)
            {
                // A member's role this client cannot read names no contact point.
            }
        }
        return learned;
    }

    /// <summary>Ends the session and stops the client's ActorSystem; proxies then throw <see cref="ManagerShutDownException"/>.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        var gatekeeper = ((ExtendedActorSystem)Runtime.System).Provider.ResolveActorRef(HostPaths.Gatekeeper(Runtime.HostAddress.ToString()));
        gatekeeper.Tell(new Goodbye(Runtime.Session), Runtime.ReplyActor);
        await Runtime.DisposeAsync().ConfigureAwait(false);
    }
}
