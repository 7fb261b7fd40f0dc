using Akka.Actor;
using ManagedActors.Codec;
using ManagedActors.Configuration;
using ManagedActors.Lane;
using ManagedActors.Protocol;
using ManagedActors.Telemetry;

namespace ManagedActors.Client;

/// <summary>
/// A client's connection to its host: the session the handshake gave, the lane its calls take, and what happens when
/// the host goes. A lost connection (the host died, the network broke, a host of a cluster left) fails the calls that
/// cannot go again and keeps the others until a new connection takes them, through <see cref="Failover"/> for a client
/// given several hosts; a host that shuts down in order ends the manager, unless there is another host to go to.
/// </summary>
internal sealed class HostConnection : ICallChannel, ILaneReceiver
{
    private const int Running = 0, HostGone = 1, ShutDown = 2;

    private readonly ManagerSettings _settings;
    private readonly LaneSettings _laneSettings;
    private readonly ValueCodec _codec;
    private readonly Failover? _failover;
    private readonly HostAdmission? _admission;
    private readonly Func<ObjectReference, CancellationToken, Task<ManagedProxy?>> _find;
    private readonly Action<Address> _moved;
    private readonly Resends _resends;
    private readonly object _reconnectGate = new();
    private Task? _reconnecting;
    private LaneChannel? _lane;
    private BeatWatch? _beats;
    private Address _hostAddress;
    private int _state;
    private string _shutdownReason = "The manager was shut down.";

    /// <param name="system">The client's ActorSystem, where its reply actor runs.</param>
    /// <param name="settings">The <c>managed-actors</c> section.</param>
    /// <param name="lane">The lane's settings.</param>
    /// <param name="host">The host connected to first.</param>
    /// <param name="codec">Decodes the answers.</param>
    /// <param name="failover">
    /// The hosts a client may go to, for a client that connects again after a loss; null for the embedded manager's own
    /// session, which lives and dies with its host.
    /// </param>
    /// <param name="authKey">The manager's authkey.</param>
    /// <param name="clientId">The client's own id, sent in every handshake.</param>
    /// <param name="find">Finds a named object again after the host restarted, or on another host.</param>
    /// <param name="moved">Told when the client moved to another host of its cluster.</param>
    /// <param name="instruments">Where the lane counts its frames.</param>
    public HostConnection(
        ActorSystem system, ManagerSettings settings, LaneSettings lane, Address host, ValueCodec codec, Failover? failover, byte[] authKey, Guid clientId,
        Func<ObjectReference, CancellationToken, Task<ManagedProxy?>> find, Action<Address> moved, Instruments instruments)
    {
        _settings = settings;
        _laneSettings = lane;
        _codec = codec;
        _failover = failover;
        _find = find;
        _moved = moved;
        _hostAddress = host;
        _resends = new Resends(this, settings);
        Calls = new PendingCalls(settings.DeadlineCheckInterval, TimedOut, CancelBlocking);
        // The name is a secret: clients run in untrusted mode, so only a peer that knows the full path (the host, told it
        // in the handshake) can deliver a reply.
        ReplyTo = system.ActorOf(ReplyActor.PropsFor(this),
            "managed-actors-replies-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        _admission = failover is null ? null
            : new HostAdmission(system, ReplyTo, clientId, authKey, lane.Direct ? new LaneEnds(this, settings, lane, new LaneWatchdog(), instruments) : null);
    }

    /// <summary>The calls in flight on this connection.</summary>
    public PendingCalls Calls { get; }

    public IActorRef ReplyTo { get; }

    /// <summary>The host this client talks to now; another host of its cluster after a failover.</summary>
    public Address HostAddress => Volatile.Read(ref _hostAddress);

    public Guid Session { get; private set; }

    /// <summary>The run of the host that gave the session: references of another run must find their object again.</summary>
    public Guid Incarnation { get; private set; }

    /// <summary>The direct lane calls go over now; null over Akka.Remote, or while a lost lane is being replaced.</summary>
    public LaneChannel? Lane => Volatile.Read(ref _lane);

    ICallLane? ICallChannel.Lane => Lane;

    public bool UsesLane { get; private set; }

    /// <summary>Whether a lost connection is answered by connecting again (a remote client) rather than by the end.</summary>
    public bool Reconnects => _failover is not null;

    /// <summary>Whether the client has other hosts to go to (a cluster's contact points).</summary>
    public bool FailsOver => _failover?.HasAlternatives == true;

    public bool IsShutDown => Volatile.Read(ref _state) == ShutDown;

    /// <summary>Whether the host was lost and the next call must connect again first.</summary>
    public bool IsHostGone => Volatile.Read(ref _state) == HostGone;

    public string ShutdownReason => _shutdownReason;

    /// <summary>Connects the first time, to the first host of the client's list that lets it in.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken) =>
        Admit(await AdmitAnyAsync(_settings.HandshakeTimeout, afterLoss: false, cancellationToken).ConfigureAwait(false));

    /// <summary>Takes the session a handshake gave, and the lane opened for it (the previous lane, if any, is closed).</summary>
    public void Admit(Admission admission)
    {
        Session = admission.Session;
        Incarnation = admission.Incarnation;
        UsesLane = admission.Lane is not null;
        Interlocked.Exchange(ref _lane, admission.Lane)?.Dispose();
        // Over Akka.Remote the host's beats tell a frozen host from a quiet one (a lane's own frames do that on a lane).
        var session = admission.Session;
        Interlocked.Exchange(ref _beats, UsesLane || !Reconnects ? null
            : new BeatWatch(_laneSettings.HeartbeatInterval, _laneSettings.HeartbeatTimeout, timeout => OnSilent(session, timeout)))?.Dispose();
    }

    /// <summary>Connects again after the host was lost (once, for every caller waiting).</summary>
    public Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        lock (_reconnectGate)
        {
            return (_reconnecting ??= ReconnectAsync()).WaitAsync(cancellationToken);
        }
    }

    /// <summary>Whether a proxy's reference is of another run of the host: its object must be found again first.</summary>
    public bool NeedsReattach(ManagedProxy proxy) =>
        proxy.Reference.Incarnation != Incarnation && proxy.Reference.Kind != HostPaths.DirectoryKind;

    /// <summary>
    /// Points <paramref name="proxy"/> at its object found again on the host it talks to now: the same object (a durable
    /// one) is used; false for an anonymous one, or a name that leads to nothing.
    /// </summary>
    /// <exception cref="ObjectLostException">The name leads to another object, or the object was not durable.</exception>
    public async Task<bool> TryReattachAsync(ManagedProxy proxy, CancellationToken cancellationToken)
    {
        var reference = proxy.Reference;
        if (reference.Name is null || await _find(reference, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return false;
        }
        proxy.Rebind(found);
        return true;
    }

    /// <summary>Whether a reply comes from the host this client talks to (an object there, or this process's own host).</summary>
    public bool IsHost(IActorRef sender) => sender.Path.Address.HasLocalScope || sender.Path.Address.Equals(HostAddress);

    /// <summary>Answers, from the reply actor or the lane's reader.</summary>
    public void OnResults(Results results)
    {
        Volatile.Read(ref _beats)?.Heard();
        if (Volatile.Read(ref _state) == HostGone)
        {
            Interlocked.CompareExchange(ref _state, Running, HostGone);
        }
        if (Calls.Complete(results, _codec, Reconnects, out var again) && Reconnects)
        {
            // The host no longer knows this session (it restarted): the next call runs the handshake again, and the
            // calls kept to go again (which did not run) go on the new session rather than fail.
            Interlocked.CompareExchange(ref _state, HostGone, Running);
            if (again is not null)
            {
                _ = _resends.ResendAsync(again, $"The host at {HostAddress} no longer knew this session");
            }
        }
    }

    public void OnHostShutdown(Guid incarnation, Guid session)
    {
        if (incarnation != Incarnation || session != Session)
        {
            return;
        }
        if (FailsOver)
        {
            // One host of a cluster left; the next call connects to another.
            if (Interlocked.CompareExchange(ref _state, HostGone, Running) == Running)
            {
                ConnectionLost($"The host at {HostAddress} shut down");
            }
            return;
        }
        ShutDownWith("The manager's host shut down.");
    }

    /// <summary>The host beat (over Akka.Remote).</summary>
    public void OnBeat(Guid session)
    {
        if (session == Session)
        {
            Volatile.Read(ref _beats)?.Heard();
        }
    }

    private void OnSilent(Guid session, TimeSpan timeout)
    {
        if (session != Session || Interlocked.CompareExchange(ref _state, HostGone, Running) != Running)
        {
            return;
        }
        ConnectionLost($"The host at {HostAddress} went silent (nothing heard from it for {timeout.TotalSeconds:0.#} s: it stopped or froze)");
    }

    public void OnDisassociated(Address remote)
    {
        if (!remote.Equals(HostAddress) || Interlocked.CompareExchange(ref _state, HostGone, Running) != Running)
        {
            return;
        }
        ConnectionLost($"The connection to the host at {HostAddress} was lost");
    }

    public void OnLaneShutdown(LaneChannel lane)
    {
        if (!ReferenceEquals(Lane, lane))
        {
            return;
        }
        if (FailsOver)
        {
            // One host of a cluster left (as HostShutdown tells an Akka.Remote client): the next call connects to another.
            OnLaneLost(lane, null);
            return;
        }
        ShutDownWith("The manager's host shut down.");
    }

    public void OnLaneLost(LaneChannel lane, Exception? cause)
    {
        if (Interlocked.CompareExchange(ref _lane, null, lane) != lane || Interlocked.CompareExchange(ref _state, HostGone, Running) != Running)
        {
            return;
        }
        var reason = cause is null or EndOfStreamException ? "closed" : "lost (" + cause.Message + ")";
        ConnectionLost($"The direct connection to the host at {HostAddress} was {reason}");
    }

    /// <summary>
    /// A call could not leave: the lane it was handed to closed meanwhile (it goes again once connected, as the calls in
    /// flight at a lost connection do, if it is kept for that), or was full (it fails with <paramref name="error"/>).
    /// </summary>
    public void Unsent(CallRequest call, Exception error)
    {
        if (Calls.Find(call.CallId) is not { } pending)
        {
            return;
        }
        if (error is HostUnavailableException && pending.Request is not null && Reconnects && !IsShutDown)
        {
            // Claimed already when the lost connection's calls were collected: that resend sends it.
            if (pending.ClaimResend())
            {
                _ = _resends.ResendAsync([pending], "The connection to the host was lost");
            }
            return;
        }
        pending.TrySetError(error);
    }

    /// <summary>The manager is over: every call fails with <see cref="ManagerShutDownException"/>, now and from now on.</summary>
    public void ShutDownWith(string reason)
    {
        _shutdownReason = reason;
        Volatile.Write(ref _state, ShutDown);
        Calls.FailAll(() => new ManagerShutDownException(reason));
    }

    /// <summary>Closes the lane and stops the sweep; the reply actor goes with the system, or is stopped by the owner.</summary>
    public void Close()
    {
        Calls.Dispose();
        Interlocked.Exchange(ref _lane, null)?.Dispose();
        Interlocked.Exchange(ref _beats, null)?.Dispose();
    }

    private async Task ReconnectAsync()
    {
        try
        {
            var timeout = _settings.HandshakeTimeout < _settings.CallTimeout ? _settings.HandshakeTimeout : _settings.CallTimeout;
            Admit(await AdmitAnyAsync(timeout, afterLoss: FailsOver, CancellationToken.None).ConfigureAwait(false));
            Interlocked.CompareExchange(ref _state, Running, HostGone);
        }
        finally
        {
            lock (_reconnectGate)
            {
                _reconnecting = null;
            }
        }
    }

    private async Task<Admission> AdmitAnyAsync(TimeSpan timeout, bool afterLoss, CancellationToken cancellationToken)
    {
        if (_failover is null || _admission is null)
        {
            throw new InvalidOperationException("The embedded manager's session does not connect again.");
        }
        var (host, admission) = await _failover.ConnectAsync(HostAddress, afterLoss, timeout, _admission.AdmitAsync, cancellationToken).ConfigureAwait(false);
        if (!host.Equals(HostAddress))
        {
            Volatile.Write(ref _hostAddress, host);
            _moved(host);
        }
        return admission;
    }

    /// <summary>
    /// The connection broke with calls in flight. The calls kept for it (changing calls, and a cluster client's reads)
    /// wait for the connection to come back and go again, with their ids, so an object that ran one answers with its
    /// first answer and none runs twice; the other calls (blocking ones) fail, and their callers may simply call again.
    /// </summary>
    private void ConnectionLost(string what)
    {
        var resend = Calls.Lost(() => new HostUnavailableException(what + "."));
        if (resend.Count > 0)
        {
            _ = _resends.ResendAsync(resend, what);
        }
        else if (Reconnects)
        {
            _ = _resends.ReconnectQuietlyAsync();
        }
    }

    /// <summary>A caller cancelled a blocking call.</summary>
    private void CancelBlocking(IPendingCall call)
    {
        if (Volatile.Read(ref _state) != Running)
        {
            call.TrySetCancelled();
            return;
        }
        // The host may already have handed this call an item; it answers either with the item or with a cancellation,
        // so nothing is lost. If it never answers, the deadline ends the wait.
        call.CancelRequested = true;
        call.Deadline = Math.Min(call.Deadline, Environment.TickCount64 + (long)_settings.CallTimeout.TotalMilliseconds);
        call.Outbox?.Cancel(call.CallId);
    }

    private Exception TimedOut(IPendingCall call) => Volatile.Read(ref _state) == HostGone
        ? new HostUnavailableException($"The host at {HostAddress} is unreachable; {call.Method.Contract} got no answer.")
        : new TimeoutException($"{call.Method.Contract} on {call.Proxy} got no answer from {call.Outbox?.Target.Path.Address} in time ({_settings.CallTimeout.TotalSeconds:0.###} s default; set per call with WithTimeout).");
}
