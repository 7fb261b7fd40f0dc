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
    private readonly ContactList _contacts;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    private ManagerClient(ClientRuntime runtime, string hostAddress, ContactList contacts) : base(runtime, hostAddress) => _contacts = contacts;

    /// <summary>
    /// The hosts this client goes to when its host is lost, in the order it tries them: those of the cluster that were
    /// up when its host last named them (at each connection and every <c>managed-actors.contacts-refresh</c>), then
    /// the given ones that were not named. Off a cluster, the given addresses.
    /// </summary>
    public IReadOnlyList<string> ContactPoints => _contacts.Current.Select(a => a.ToString()).ToList();

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
            var contactList = new ContactList(contacts);
            var runtime = new ClientRuntime(system, ownsSystem: true, settings,
                new TypeAllowList(Manager.TrustedWith(options.TrustedAssemblies)), contacts[0], authKey.ToArray())
            {
                FailsOver = contacts.Count > 1,
            };
            var lanes = new Dictionary<Address, LaneOpener>();

            // The hosts in the order to try them: a lost host is tried last, the next one in the list first.
            async Task<Admission> AdmitAnyAsync(TimeSpan timeout, bool afterLoss, CancellationToken cancellation)
            {
                var contacts = contactList.Current;
                var current = contacts.ToList().IndexOf(runtime.HostAddress);
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
                        // A host of a cluster names the hosts that are up now.
                        if (contactList.Learn(welcome.Contacts))
                        {
                            runtime.FailsOver = contactList.Current.Count > 1;
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
            var client = new ManagerClient(runtime, runtime.HostAddress.ToString(), contactList);
            var refresh = config.GetTimeSpan("managed-actors.contacts-refresh", TimeSpan.FromSeconds(30));
            if (contactList.Named && refresh > TimeSpan.Zero)
            {
                _ = client.RefreshContactsAsync(refresh);
            }
            return client;
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

    /// <summary>Asks the host for the cluster's hosts that are up, every <paramref name="every"/>, until the client is disposed.</summary>
    private async Task RefreshContactsAsync(TimeSpan every)
    {
        while (true)
        {
            try
            {
                await Task.Delay(every, _stopping.Token).ConfigureAwait(false);
                if (_contacts.Learn(await ContactsAsync(_stopping.Token).ConfigureAwait(false)))
                {
                    Runtime.FailsOver = _contacts.Current.Count > 1;
                }
            }
            catch (Exception e) when (_stopping.IsCancellationRequested || e is ManagerShutDownException)
            {
                return;
            }
            catch (ManagedActorsException)
            {
                // The host is being replaced (the next call connects to another) or is slow: the next round asks again.
            }
        }
    }

    /// <summary>Ends the session and stops the client's ActorSystem; proxies then throw <see cref="ManagerShutDownException"/>.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        _stopping.Dispose();
        var gatekeeper = ((ExtendedActorSystem)Runtime.System).Provider.ResolveActorRef(HostPaths.Gatekeeper(Runtime.HostAddress.ToString()));
        gatekeeper.Tell(new Goodbye(Runtime.Session), Runtime.ReplyActor);
        await Runtime.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>
/// The hosts a client may go to: the ones its host last named (the cluster's hosts that were up), then the given ones
/// it did not name, since one may be back. Replaced whole, so readers need no lock.
/// </summary>
internal sealed class ContactList(IReadOnlyList<Address> given)
{
    private IReadOnlyList<Address>? _current;

    public IReadOnlyList<Address> Current => Volatile.Read(ref _current) ?? given;

    /// <summary>Whether a host ever named the cluster's hosts (the client talks to a cluster).</summary>
    public bool Named { get; private set; }

    /// <summary>Takes the hosts a host named, those that parse as manager addresses; false when it named none.</summary>
    public bool Learn(string[]? named)
    {
        var learned = new List<Address>();
        foreach (var contact in named ?? [])
        {
            try
            {
                learned.Add(ManagerClient.ParseAddress(contact));
            }
            catch (ArgumentException)
            {
                // A member's role this client cannot read names no contact point.
            }
        }
        if (learned.Count == 0)
        {
            return false;
        }
        Named = true;
        Volatile.Write(ref _current, learned.Concat(given).Distinct().ToList());
        return true;
    }
}
