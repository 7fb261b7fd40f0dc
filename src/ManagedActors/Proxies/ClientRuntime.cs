using System.Collections.Concurrent;
using Akka.Actor;
using ManagedActors.Configuration;
using ManagedActors.Protocol;

namespace ManagedActors.Proxies;

/// <summary>
/// Everything one client session shares: the reply actor, the correlation map of pending calls, the outboxes
/// that coalesce calls per object, the deadline sweep, and the state of the connection to the host.
/// </summary>
internal sealed partial class ClientRuntime : IReferenceMaterializer, IAsyncDisposable
{
    private const int Running = 0, HostGone = 1, ShutDown = 2;

    private readonly ConcurrentDictionary<long, IPendingCall> _pending = new();
    private readonly ConcurrentDictionary<IActorRef, Outbox> _outboxes = new();
    private readonly Timer _sweep;
    private readonly bool _ownsSystem;
    private readonly object _reconnectGate = new();
    private Task? _reconnecting;
    private Guid _session;
    private LaneChannel? _lane;
    private long _nextCallId;
    private int _state;
    private int _disposed;
    private string _shutdownReason = "The manager was shut down.";

    public ClientRuntime(ActorSystem system, bool ownsSystem, ManagerSettings settings, TypeAllowList allowList, Address hostAddress, byte[] authKey)
    {
        System = system;
        AuthKey = authKey;
        _ownsSystem = ownsSystem;
        Settings = settings;
        HostAddress = hostAddress;
        Codec = new ValueCodec(allowList, this, trustWrittenTypes: true, settings.MaxValueDepth);
        Resolver = new ActorPathResolver(system);
        // The name is a secret: clients run in untrusted mode, so only a peer that knows the full path (the host, told it
        // in the handshake) can deliver a reply.
        ReplyActor = system.ActorOf(Proxies.ReplyActor.PropsFor(this),
            "managed-actors-replies-" + Convert.ToHexString(global::System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        _sweep = new Timer(static s => ((ClientRuntime)s!).Sweep(), this, settings.DeadlineCheckInterval, settings.DeadlineCheckInterval);
    }

    public ActorSystem System { get; }

    public ManagerSettings Settings { get; }

    /// <summary>The host this client talks to now; another host of its cluster after a failover.</summary>
    public Address HostAddress { get => Volatile.Read(ref _hostAddress); private set => Volatile.Write(ref _hostAddress, value); }

    private Address _hostAddress = null!;

    /// <summary>
    /// Whether the client has other hosts to go to (a cluster's contact points): a host that shuts down is then a lost
    /// connection, answered by connecting to another, rather than the end of the manager.
    /// </summary>
    public bool FailsOver { get; set; }

    /// <summary>Told when the client moved to another host of its cluster (the session points its directory there).</summary>
    public Action<Address>? Moved { get; set; }

    /// <summary>The client connected to another host of its cluster: replies are taken from it, and the directory is its.</summary>
    public void MoveTo(Address host)
    {
        if (!host.Equals(HostAddress))
        {
            HostAddress = host;
            Moved?.Invoke(host);
        }
    }

    /// <summary>The manager's authkey, which a child process started with this connection's proxies needs.</summary>
    public byte[] AuthKey { get; }

    public ValueCodec Codec { get; }

    public IObjectResolver Resolver { get; }

    public IActorRef ReplyActor { get; }

    public Guid Session { get => _session; private set => _session = value; }

    /// <summary>
    /// This client's own id, sent in every handshake: objects that journal their calls remember its latest calls under
    /// it, so a call it resends on a new session after a lost connection takes effect once.
    /// </summary>
    public Guid ClientId { get; } = Guid.NewGuid();

    public Guid Incarnation { get; private set; }

    /// <summary>The direct lane the calls go over, or null when they go over Akka.Remote.</summary>
    public LaneChannel? Lane => Volatile.Read(ref _lane);

    /// <summary>Runs the handshake again after the host was lost (a client's connection; null for the embedded manager).</summary>
    public Func<CancellationToken, Task<Admission>>? Reconnect { get; set; }

    /// <summary>Tells the host that this session holds (true) or let go of (false) an anonymous object.</summary>
    public Action<string, bool>? HoldChanged { get; set; }

    private readonly ConcurrentDictionary<string, int> _holds = new(StringComparer.Ordinal);

    /// <summary>A proxy to an anonymous object was made here: the first one makes this session a holder.</summary>
    public void Track(ObjectReference reference)
    {
        if (reference.Name is null && reference.Kind != HostPaths.DirectoryKind
            && _holds.AddOrUpdate(reference.ObjectId, 1, static (_, count) => count + 1) == 1)
        {
            HoldChanged?.Invoke(reference.ObjectId, true);
        }
    }

    /// <summary>A proxy to an anonymous object was disposed: the last one lets the object go.</summary>
    public void Untrack(ObjectReference reference)
    {
        if (reference.Name is null && reference.Kind != HostPaths.DirectoryKind
            && _holds.AddOrUpdate(reference.ObjectId, 0, static (_, count) => count - 1) <= 0)
        {
            _holds.TryRemove(new KeyValuePair<string, int>(reference.ObjectId, 0));
            HoldChanged?.Invoke(reference.ObjectId, false);
        }
    }

    /// <summary>Finds a named object on the host again, for a proxy made before the host restarted.</summary>
    public Func<ObjectReference, CancellationToken, Task<ManagedProxy?>>? Find { get; set; }

    /// <summary>Takes the session the handshake gave, and the lane opened for it (the previous lane, if any, is closed).</summary>
    public void Admit(Admission admission)
    {
        Session = admission.Session;
        Incarnation = admission.Incarnation;
        UsesLane = admission.Lane is not null;
        Interlocked.Exchange(ref _lane, admission.Lane)?.Dispose();
    }

    /// <summary>Whether calls go over a direct lane: while it is being replaced none leaves over Akka.Remote.</summary>
    public bool UsesLane { get; private set; }

    public T CreateProxy<T>(ObjectReference reference, TimeSpan? timeout = null) where T : class =>
        (T)CreateProxy(typeof(T), reference, timeout);

    public object CreateProxy(Type interfaceType, ObjectReference reference, TimeSpan? timeout)
    {
        var target = Resolver.Resolve(reference);
        var outbox = _outboxes.GetOrAdd(target, (t, path) => new Outbox(t, path, this, Settings.MaxCallsPerMessage, Settings.MaxMessageSize), reference.ActorPath);
        return ManagedProxy.Create(interfaceType, reference, this, outbox, timeout);
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

    public object Invoke(ManagedProxy proxy, ClientMethod method, object?[] args)
    {
        // Over the lane a caller continues on the lane's reader thread, which hands its reading over if the caller stalls.
        var pending = method.CreatePending(Lane is not null);
        var state = Volatile.Read(ref _state);
        if (state == ShutDown)
        {
            pending.SetError(new ManagerShutDownException(_shutdownReason));
            return pending.Task;
        }
        var cancellationToken = method.CancellationIndex >= 0 && args[method.CancellationIndex] is CancellationToken token ? token : default;
        if (cancellationToken.IsCancellationRequested)
        {
            pending.Start(0, long.MaxValue, method, proxy, this, cancellationToken);
            pending.SetCancelled();
            return pending.Task;
        }
        // Read here, on the caller's own flow: the first owner-bound call of a flow fixes its owner for the code after it.
        var owner = method.Contract.IsOwnerBound ? LockOwner.Current : Guid.Empty;
        if ((state == HostGone && Reconnect is not null) || NeedsReattach(proxy))
        {
            _ = SendAfterReconnectAsync(pending, proxy, method, args, owner, cancellationToken);
            return pending.Task;
        }
        Send(pending, proxy, method, args, owner, cancellationToken);
        return pending.Task;
    }

    private bool NeedsReattach(ManagedProxy proxy) =>
        proxy.Reference.Incarnation != Incarnation && proxy.Reference.Kind != HostPaths.DirectoryKind;


    private void Send(IPendingCall pending, ManagedProxy proxy, ClientMethod method, object?[] args, Guid owner, CancellationToken cancellationToken)
    {
        byte[] payload;
        try
        {
            payload = EncodeArguments(method, args, owner);
        }
        catch (Exception e) when (e is ManagedActorsException or ArgumentException)
        {
            pending.SetError(e);
            return;
        }
        var callId = Interlocked.Increment(ref _nextCallId);
        pending.Start(callId, Deadline(method, args, proxy.Timeout), method, proxy, this, cancellationToken);
        var request = new CallRequest(callId, method.Id, payload);
        if ((FailsOver || !method.Contract.IsReadOnly) && !method.IsBlocking && Reconnect is not null)
        {
            // A changing call is kept as sent: if the connection is lost before its answer, it goes again with its id.
            // A client of a cluster keeps its reads too: they go again through the next host, where the caller would
            // otherwise see its host's death in a read the cluster can still answer.
            pending.Request = request;
        }
        _pending[callId] = pending;
        proxy.Outbox.Enqueue(request, proxy.Timeout ?? Settings.CallTimeout);
    }

    /// <summary>A call that could not be sent fails at once.</summary>
    public void FailPending(long callId, Exception error)
    {
        if (_pending.TryRemove(callId, out var call))
        {
            call.Outbox.Completed();
            call.SetError(error);
        }
    }

    private byte[] EncodeArguments(ClientMethod method, object?[] args, Guid owner)
    {
        using var writer = new WireWriter();
        var ownerBound = method.Contract.IsOwnerBound;
        writer.WriteVarUInt((ulong)(args.Length - (method.CancellationIndex >= 0 ? 1 : 0) + (ownerBound ? 1 : 0)));
        for (var i = 0; i < args.Length; i++)
        {
            if (i == method.CancellationIndex)
            {
                continue;
            }
            var shaper = method.ArgumentShapers[i];
            Codec.Write(writer, shaper is null ? args[i] : shaper(args[i]));
        }
        if (ownerBound)
        {
            Codec.Write(writer, owner);
        }
        if (writer.Length > Settings.MaxMessageSize)
        {
            throw new MessageTooLargeException(writer.Length, Settings.MaxMessageSize);
        }
        return writer.ToArray();
    }

    private long Deadline(ClientMethod method, object?[] args, TimeSpan? perProxy)
    {
        var now = Environment.TickCount64;
        if (method.IsBlocking)
        {
            if (method.TimeoutIndex < 0)
            {
                return long.MaxValue;
            }
            return args[method.TimeoutIndex] switch
            {
                TimeSpan t => now + (long)(Clamp(t) + Settings.BlockingCallMargin).TotalMilliseconds,
                _ => long.MaxValue,
            };
        }
        return now + (long)(perProxy ?? Settings.CallTimeout).TotalMilliseconds;
    }

    private static TimeSpan Clamp(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : t;
}

/// <summary>What a handshake gives a client: its session, the host's run, and the direct lane opened for the session (or none).</summary>
internal readonly record struct Admission(Guid Session, Guid Incarnation, LaneChannel? Lane = null);
