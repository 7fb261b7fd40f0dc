using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Event;
using ManagedActors.Configuration;
using ManagedActors.Protocol;
using ManagedActors.Security;
using ManagedActors.Sessions;
using ManagedActors.Telemetry;

namespace ManagedActors.Lane;

/// <summary>
/// The host's data port for the direct lane. A connection is hostile until its proof is checked: the host sends a signed
/// challenge, the client answers with a session it was given by the Akka handshake, signed by the endpoint that opened
/// that session (<see cref="LaneHandshake"/>), and only then are frames read, sealed under the keys the two agreed. An unproven connection has one deadline for its whole proof
/// (<c>direct.proof-timeout</c>) and holds one of a few slots, limited in total and per source address
/// (<see cref="ProofSlots"/>); connections beyond them are closed as they arrive.
/// </summary>
internal sealed class LaneListener : IDisposable
{
    private readonly Socket _socket;
    private readonly SessionTable _sessions;
    private readonly TransportKey? _transport;
    private readonly X509Certificate2? _certificate;
    private readonly ILoggingAdapter _log;
    private readonly ExtendedActorSystem _system;
    private readonly ConcurrentDictionary<LaneConnection, byte> _connections = new();
    private readonly ConcurrentDictionary<string, IActorRef> _routes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _directoryPath;
    private readonly ProofSlots _slots;

    private LaneListener(
        Socket socket, SessionTable sessions, ManagerSettings settings, LaneSettings lane, string hostAddress, TransportKey? transport, X509Certificate2? certificate,
        ExtendedActorSystem system, Instruments instruments)
    {
        Instruments = instruments;
        _socket = socket;
        _sessions = sessions;
        Settings = settings;
        Lane = lane;
        _transport = transport;
        _certificate = certificate;
        _system = system;
        _log = Logging.GetLogger(system, typeof(LaneListener));
        _directoryPath = HostPaths.Directory(hostAddress);
        _slots = new ProofSlots(lane.MaxUnproven, lane.MaxUnprovenPerAddress);
        Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>The <c>managed-actors</c> section: frame limits and timeouts.</summary>
    public ManagerSettings Settings { get; }

    /// <summary>The lane's own settings.</summary>
    public LaneSettings Lane { get; }

    /// <summary>Where the connections count their frames.</summary>
    public Instruments Instruments { get; }

    /// <summary>The port the data port is bound to.</summary>
    public int Port { get; }

    /// <summary>The port clients are told to connect to: <c>direct.public-port</c>, or the bound one.</summary>
    public int PublicPort => Lane.PublicPort > 0 ? Lane.PublicPort : Port;

    /// <summary>Whether connections are wrapped in TLS.</summary>
    public bool Tls => _certificate is not null;

    /// <summary>
    /// Binds the data port on <see cref="LaneSettings.Hostname"/> and starts accepting. A connection proves one of
    /// <paramref name="sessions"/>, and its calls reach the objects under the directory of <paramref name="hostAddress"/>;
    /// when it closes, its session ends (told on the system's event stream). Its connections count their frames in <paramref name="instruments"/>.
    /// </summary>
    public static LaneListener Start(
        ActorSystem system, SessionTable sessions, ManagerSettings managerSettings, LaneSettings settings, string hostAddress, Instruments instruments)
    {
        var hostname = settings.Hostname.Length > 0 ? settings.Hostname : "127.0.0.1";
        var address = Ports.AddressOf(hostname);
        var certificate = settings.CertificatePath.Length == 0
            ? null
            : X509CertificateLoader.LoadPkcs12FromFile(settings.CertificatePath, settings.CertificatePassword.Length == 0 ? null : settings.CertificatePassword);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            Ports.BindExclusive(socket, new IPEndPoint(address, settings.Port), hostname, "the host's data port");
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var listener = new LaneListener(socket, sessions, managerSettings, settings, hostAddress, TransportKey.Of(system), certificate, (ExtendedActorSystem)system, instruments);
        new Thread(listener.AcceptLoop) { IsBackground = true, Name = "managed-actors-lane-accept" }.Start();
        new Thread(listener.BeatLoop) { IsBackground = true, Name = "managed-actors-lane-beat" }.Start();
        return listener;
    }

    /// <summary>
    /// Every proven connection hears from the host each <c>direct.heartbeat-interval</c>, from this thread of its own: a
    /// reader busy with a long call (an idle object's call runs on it) still beats, and only a host that stands still
    /// falls silent to its clients (<see cref="Heartbeat"/>).
    /// </summary>
    private void BeatLoop()
    {
        while (!_stopping.Token.WaitHandle.WaitOne(Lane.HeartbeatInterval))
        {
            foreach (var connection in _connections.Keys)
            {
                connection.Beat();
            }
        }
    }

    /// <summary>Accepts on its own thread with blocking calls: an accepted socket then starts in the kernel's blocking mode.</summary>
    private void AcceptLoop()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = _socket.Accept();
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException or InvalidOperationException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
                // Out of descriptors, say: a pause, not a spinning loop.
                Thread.Sleep(10);
                continue;
            }
            var source = (client.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
            if (!_slots.TryTake(source))
            {
                client.Dispose();
                continue;
            }
            // One thread per connection, from its handshake to its end; a thread for an unproven one only within a slot.
            new Thread(() => Prove(client, source)) { IsBackground = true, Name = "managed-actors-lane" }.Start();
        }
    }

    /// <summary>
    /// The lane handshake, on the thread that becomes the connection's reader; a connection that fails it is closed before
    /// any frame is read. Every read and write on the socket is synchronous, so the socket stays in the kernel's blocking
    /// mode (an asynchronous operation would switch it for good, and each later read would wake an extra thread).
    /// </summary>
    private void Prove(Socket client, IPAddress source)
    {
        Stream? stream = null;
        LaneConnection? connection = null;
        var proven = false;
        using var deadline = new ProofDeadline(client, Lane.ProofTimeout);
        try
        {
            client.NoDelay = true;
            client.SendTimeout = (int)Settings.CallTimeout.TotalMilliseconds;
            client.ReceiveTimeout = (int)Lane.ProofTimeout.TotalMilliseconds;
            stream = new NetworkStream(client, ownsSocket: true);
            if (_certificate is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                tls.AuthenticateAsServer(new SslServerAuthenticationOptions { ServerCertificate = _certificate });
            }
            if (_transport is null)
            {
                // A system without the library's transport has no proven addresses and no identity: every proof is refused.
                throw new IOException("This host's ActorSystem has no transport identity.");
            }
            using var keys = new LaneHandshake();
            var nonce = RandomNumberGenerator.GetBytes(LaneFrames.NonceLength);
            var hostSeals = LaneHandshake.Seals(Lane, client.RemoteEndPoint);
            stream.Write(keys.Challenge(nonce, hostSeals, _transport.Identity));
            var proof = new byte[LaneFrames.ProofLength];
            stream.ReadExactly(proof);
            const int ephemeralAt = 4 + LaneFrames.SessionLength + 1, signatureAt = ephemeralAt + LaneHandshake.EphemeralLength;
            var session = new Guid(proof.AsSpan(4, LaneFrames.SessionLength));
            var clientSeals = LaneHandshake.ReadSeals(proof[ephemeralAt - 1]);
            var clientEphemeral = proof[ephemeralAt..signatureAt];
            // The session's own endpoint, the one whose association opened it, must have signed: its key is the one that
            // association proved its address with. A session token, or the authkey, is not enough.
            var key = _sessions.ReplyToOf(session) is { } replyTo ? _transport.Claims.KeyHolding(replyTo.Path.Address) : null;
            var channel = proof.AsSpan(0, 4).SequenceEqual(LaneFrames.Magic)
                && clientSeals is { } seals
                && key is not null
                && EndpointIdentity.Verify(key, LaneHandshake.ClientSigned(nonce, session, hostSeals, seals, keys.EphemeralKey, clientEphemeral), proof[signatureAt..])
                    ? keys.Agree(nonce, session, keys.EphemeralKey, clientEphemeral, _transport.Key, client: false)
                    : null;
            if (channel is null)
            {
                _log.Warning("A direct-lane connection from {0} was refused: its proof is not signed by the endpoint that opened its session.", client.RemoteEndPoint);
                stream.Dispose();
                return;
            }
            if (!deadline.InTime())
            {
                channel.Dispose();
                throw new IOException($"The proof did not complete within {Lane.ProofTimeout.TotalSeconds:0.#} s.");
            }
            var clear = stream;
            if (hostSeals || clientSeals == true)
            {
                stream = new SealedStream(clear, channel);
            }
            else
            {
                channel.Dispose();
            }
            var candidate = new LaneConnection(this, stream, session, _system.Provider);
            if (!_sessions.BindLane(session, candidate.ReplyTarget))
            {
                _log.Warning("A direct-lane connection from {0} was refused: its session is unknown or has a lane already.", client.RemoteEndPoint);
                stream.Dispose();
                return;
            }
            connection = candidate;
            _connections[connection] = 0;
            clear.Write([LaneFrames.Accepted]);
            client.ReceiveTimeout = 0;
            proven = true;
        }
        catch (Exception e)
        {
            // Timeouts, broken connections, TLS failures: the connection goes, nothing else changes.
            _log.Debug("A direct-lane connection did not complete its handshake: {0}", e.Message);
            if (connection is not null)
            {
                connection.Close(e);
            }
            else
            {
                stream?.Dispose();
                client.Dispose();
            }
        }
        finally
        {
            _slots.Release(source);
        }
        if (proven)
        {
            connection!.ReadLoop();
        }
    }

    /// <summary>The actor of the object at <paramref name="path"/>, or null when the path is not one of this host's objects.</summary>
    public IActorRef? Route(string path)
    {
        if (_routes.TryGetValue(path, out var actor))
        {
            return actor;
        }
        if (path != _directoryPath && !(path.StartsWith(_directoryPath + "/", StringComparison.Ordinal) && IsPlainDescendant(path)))
        {
            return null;
        }
        if (_routes.Count > 10_000)
        {
            _routes.Clear();
        }
        // An object that is gone resolves to a reference whose messages become dead letters, which the directory answers.
        // A path with no actor yet is not kept: a client of the host's previous run may name an id that a new object
        // takes later, and a kept empty reference would send that object's calls to dead letters for good.
        var resolved = _system.Provider.ResolveActorRef(path);
        if (resolved is not EmptyLocalActorRef)
        {
            _routes[path] = resolved;
        }
        return resolved;
    }

    /// <summary>
    /// Whether every element under the directory is a plain name: Akka resolves <c>..</c> to the parent, so
    /// <c>directory/../sessions</c> would reach the session monitor.
    /// </summary>
    private bool IsPlainDescendant(string path)
    {
        var rest = path.AsSpan(_directoryPath.Length + 1);
        var uid = rest.IndexOf('#');
        if (uid >= 0)
        {
            rest = rest[..uid];
        }
        foreach (var range in rest.Split('/'))
        {
            var element = rest[range];
            if (element.IsEmpty || element.SequenceEqual(".") || element.SequenceEqual(".."))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A connection ended: its session ends too, and the objects let go of what it held.</summary>
    public void Closed(LaneConnection connection, Exception? cause)
    {
        if (!_connections.TryRemove(connection, out _))
        {
            return;
        }
        if (cause is MalformedFrameException or SealedRecordException)
        {
            _log.Warning("A direct-lane connection was closed: {0}", cause.Message);
        }
        if (_sessions.Close(connection.Session))
        {
            // The session monitor tells the directory, which lets go of what the session held.
            _system.EventStream.Publish(new SessionsEnded([connection.Session]));
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _socket.Dispose();
        foreach (var connection in _connections.Keys)
        {
            connection.Shutdown();
        }
        _certificate?.Dispose();
    }
}
