using System.Diagnostics;
using Akka.Actor;
using ManagedActors.Codec;
using ManagedActors.Configuration;
using ManagedActors.Lane;
using ManagedActors.Protocol;
using ManagedActors.Telemetry;

namespace ManagedActors.Client;

/// <summary>
/// One client session, as its proxies use it: a call is encoded, registered among the pending calls and handed to its
/// object's outbox here; the connection (<see cref="HostConnection"/>) carries it and completes it. The runtime also
/// makes the proxies (those the user opens, and those read back inside values) and keeps the directory's own proxy,
/// through which objects are opened, held and found again.
/// </summary>
internal sealed class ClientRuntime : IReferenceMaterializer, IAsyncDisposable
{
    private readonly bool _ownsSystem;
    private readonly Outboxes _outboxes;
    private readonly HoldTracker _holds;
    private readonly Lazy<IDirectory> _directory;
    private readonly Instruments _instruments;
    private int _disposed;

    /// <param name="system">The ActorSystem the session's reply actor runs in.</param>
    /// <param name="ownsSystem">Whether the system is the runtime's own, stopped with it.</param>
    /// <param name="settings">The <c>managed-actors</c> section.</param>
    /// <param name="lane">The lane's settings.</param>
    /// <param name="allowList">The types the client reads.</param>
    /// <param name="host">The host to talk to first.</param>
    /// <param name="authKey">The manager's authkey.</param>
    /// <param name="failover">The hosts to go to after a loss; null for the embedded manager's own session.</param>
    /// <param name="instruments">Where calls are measured.</param>
    public ClientRuntime(
        ActorSystem system, bool ownsSystem, ManagerSettings settings, LaneSettings lane, TypeAllowList allowList, Address host, byte[] authKey, Failover? failover,
        Instruments instruments)
    {
        _instruments = instruments;
        System = system;
        AuthKey = authKey;
        _ownsSystem = ownsSystem;
        Settings = settings;
        Codec = new ValueCodec(allowList, this, trustWrittenTypes: true, settings.MaxValueDepth, settings.MaxDecodedSize);
        Connection = new HostConnection(system, settings, lane, host, Codec, failover, authKey, ClientId, FindAsync, PointDirectoryAt, instruments);
        _outboxes = new Outboxes(system, Connection, settings.MaxCallsPerMessage, settings.MaxMessageSize);
        _holds = new HoldTracker(TellHoldAsync);
        // Made on first use: an embedded host starts its directory with its gatekeeper, after this runtime's reply actor.
        _directory = new Lazy<IDirectory>(() => CreateProxy<IDirectory>(DirectoryReference(HostAddress)));
    }

    public ActorSystem System { get; }

    public ManagerSettings Settings { get; }

    /// <summary>The manager's authkey, which a child process started with this session's proxies needs.</summary>
    public byte[] AuthKey { get; }

    public ValueCodec Codec { get; }

    public HostConnection Connection { get; }

    /// <summary>The host's directory: opening, finding, holding and deleting objects; it follows the client to another host.</summary>
    public IDirectory Directory => _directory.Value;

    /// <summary>The host this client talks to now.</summary>
    public Address HostAddress => Connection.HostAddress;

    public IActorRef ReplyActor => Connection.ReplyTo;

    /// <summary>
    /// This client's own id, sent in every handshake: objects that journal their calls remember its latest calls under
    /// it, so a call it resends on a new session after a lost connection takes effect once.
    /// </summary>
    public Guid ClientId { get; } = Guid.NewGuid();

    /// <summary>
    /// The trace a child process was started in (its <c>TRACEPARENT</c>): its calls made outside any activity of their own
    /// join it. Default in a process started otherwise.
    /// </summary>
    public ActivityContext InheritedTrace { get; set; }

    public T CreateProxy<T>(ObjectReference reference, TimeSpan? timeout = null) where T : class =>
        (T)CreateProxy(typeof(T), reference, timeout);

    public object CreateProxy(Type interfaceType, ObjectReference reference, TimeSpan? timeout)
    {
        var proxy = ManagedProxy.Create(interfaceType, reference, this, _outboxes.For(reference.ActorPath), timeout);
        _holds.Track(reference);
        return proxy;
    }

    public object Materialize(ObjectReference reference)
    {
        var interfaceType = Codec.AllowList.Resolve(reference.InterfaceType);
        if (!interfaceType.IsInterface || !typeof(IManagedObject).IsAssignableFrom(interfaceType))
        {
            throw new FormatException($"A reference names '{reference.InterfaceType}', which is not a managed-object interface.");
        }
        return CreateProxy(interfaceType, reference, null);
    }

    /// <summary>
    /// A proxy was disposed (<paramref name="disposed"/>) or collected: the last one to an anonymous object lets it go,
    /// told from the hold tracker's task. A disposal completes once the release is on its way.
    /// </summary>
    public Task Untrack(ObjectReference reference, bool disposed) => _holds.Untrack(reference, wait: disposed);

    /// <summary>Makes a call through <paramref name="proxy"/>: its task completes with the answer, an error, or a cancellation.</summary>
    public object Invoke(ManagedProxy proxy, ClientMethod method, object?[] args)
    {
        // Over the lane a caller continues on the lane's reader thread, which hands its reading over if the caller stalls.
        var pending = method.CreatePending(Connection.Lane is not null);
        if (Connection.IsShutDown)
        {
            pending.TrySetError(new ManagerShutDownException(Connection.ShutdownReason));
            return pending.Task;
        }
        var cancellationToken = method.CancellationIndex >= 0 && args[method.CancellationIndex] is CancellationToken token ? token : default;
        if (cancellationToken.IsCancellationRequested)
        {
            pending.Start(0, long.MaxValue, method, proxy, Connection.Calls, cancellationToken);
            pending.TrySetCancelled();
            return pending.Task;
        }
        // Read here, on the caller's own flow: the first owner-bound call of a flow fixes its owner for the code after it.
        var owner = method.Contract.IsOwnerBound ? LockOwner.Current : Guid.Empty;
        if ((Connection.IsHostGone && Connection.Reconnects) || Connection.NeedsReattach(proxy))
        {
            _ = SendAfterReconnectAsync(pending, proxy, method, args, owner, cancellationToken);
            return pending.Task;
        }
        Send(pending, proxy, method, args, owner, cancellationToken);
        return pending.Task;
    }

    private void Send(IPendingCall pending, ManagedProxy proxy, ClientMethod method, object?[] args, Guid owner, CancellationToken cancellationToken)
    {
        byte[] payload;
        try
        {
            payload = CallArguments.Encode(Codec, method, args, owner, Settings.MaxMessageSize);
        }
        catch (Exception e) when (e is ManagedActorsException or ArgumentException)
        {
            pending.TrySetError(e);
            return;
        }
        var calls = Connection.Calls;
        pending.Start(calls.NextId(), CallArguments.Deadline(method, args, proxy.Timeout, Settings), method, proxy, calls, cancellationToken);
        var request = new CallRequest(pending.CallId, method.Id, payload, Observe(pending, proxy, method));
        if ((Connection.FailsOver || !method.Contract.IsReadOnly) && (!method.IsBlocking || proxy.Reference.IsJournaled) && Connection.Reconnects)
        {
            // A changing call is kept as sent: if the connection is lost before its answer, it goes again with its id.
            // A client of a cluster keeps its reads too: they go again through the next host, where the caller would
            // otherwise see its host's death in a read the cluster can still answer. A blocking call goes again only
            // to a journaled object, which keeps it parked for its client (a plain object dropped it with the session).
            pending.Request = request;
        }
        pending.Sending(proxy.Outbox);
        calls.Add(pending);
        proxy.Outbox.Enqueue(request, proxy.Timeout ?? Settings.CallTimeout);
    }

    /// <summary>
    /// The trace context the call carries: its CLIENT span's when a listener samples one, else the caller's (or the
    /// inherited one). The call's duration is measured while the histogram has a listener.
    /// </summary>
    private ActivityContext Observe(IPendingCall pending, ManagedProxy proxy, ClientMethod method)
    {
        var parent = Activity.Current?.Context ?? InheritedTrace;
        var measured = _instruments.ClientCallDuration.Enabled;
        if (!measured && !Tracing.Source.HasListeners())
        {
            return parent;
        }
        var name = method.RpcName(proxy.Reference.Kind);
        var span = Tracing.Start(name, ActivityKind.Client, parent);
        if (measured || span is not null)
        {
            pending.Observe(measured ? _instruments : null, span, name);
        }
        return span?.Context ?? parent;
    }

    /// <summary>
    /// The slow path after the host was lost: run the handshake again (once, for every caller waiting), then point the
    /// proxy at its object on the host it talks to now. The same object found there again is used (a durable one); one
    /// that did not survive is <see cref="ObjectLostException"/> (<see cref="ObjectNotFoundException"/> for an anonymous one).
    /// </summary>
    private async Task SendAfterReconnectAsync(IPendingCall pending, ManagedProxy proxy, ClientMethod method, object?[] args, Guid owner, CancellationToken cancellationToken)
    {
        try
        {
            if (Connection.IsHostGone && Connection.Reconnects)
            {
                await Connection.EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
            }
            if (Connection.NeedsReattach(proxy) && !await Connection.TryReattachAsync(proxy, cancellationToken).ConfigureAwait(false))
            {
                var reference = proxy.Reference;
                pending.TrySetError(new ObjectNotFoundException(
                    $"The {reference.Kind} '{reference.Name ?? reference.ObjectId}' did not survive the restart of its host at {HostAddress}; open it again."));
                return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            pending.Start(0, long.MaxValue, method, proxy, Connection.Calls, cancellationToken);
            pending.TrySetCancelled();
            return;
        }
        catch (Exception e)
        {
            pending.TrySetError(e is ManagedActorsException ? e : new HostUnavailableException($"The host at {HostAddress} could not be reached again: {e.Message}", e));
            return;
        }
        Send(pending, proxy, method, args, owner, cancellationToken);
    }

    /// <summary>Tells the host that this session holds (true) or let go of (false) an anonymous object.</summary>
    private Task TellHoldAsync(string objectId, bool held) => held ? Directory.HoldAsync(objectId) : Directory.ReleaseAsync(objectId);

    /// <summary>Finds a named object on the host again, for a proxy made before its host restarted (or on another host).</summary>
    private async Task<ManagedProxy?> FindAsync(ObjectReference reference, CancellationToken cancellationToken) =>
        await Directory.ReattachAsync(reference.Name!, reference.Kind, reference.InterfaceType, reference.ObjectIncarnation, cancellationToken).ConfigureAwait(false)
            as ManagedProxy;

    /// <summary>
    /// The client moved to another host of its cluster: its directory answers from now on. The same proxy is pointed
    /// there, so a directory call in flight when the host was lost goes to the new one.
    /// </summary>
    private void PointDirectoryAt(Address host)
    {
        if (_directory.IsValueCreated)
        {
            ((ManagedProxy)(object)Directory).Rebind((ManagedProxy)(object)CreateProxy<IDirectory>(DirectoryReference(host)));
        }
    }

    private static ObjectReference DirectoryReference(Address host) => new(
        HostPaths.Directory(host.ToString()), HostPaths.DirectoryKind, HostPaths.DirectoryKind, TypeNames.Of(typeof(IDirectory)), Guid.Empty, null);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (!Connection.IsShutDown)
        {
            Connection.ShutDownWith("The manager connection was disposed.");
        }
        _holds.Close();
        Connection.Close();
        if (_ownsSystem)
        {
            await System.Terminate().ConfigureAwait(false);
        }
        else
        {
            System.Stop(ReplyActor);
        }
    }
}
