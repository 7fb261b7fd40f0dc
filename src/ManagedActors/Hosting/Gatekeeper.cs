using Akka;
using Akka.Actor;
using Akka.Event;
using ManagedActors.Journaling;
using ManagedActors.ObjectDirectory;
using ManagedActors.Protocol;
using ManagedActors.Runtime;
using ManagedActors.Security;
using ManagedActors.Sessions;

namespace ManagedActors.Hosting;

/// <summary>
/// The host's front door at <c>/user/managed-actors</c>, the one path clients may select. It runs the HMAC handshake
/// (Hello, Challenge, Proof, Welcome) and opens and closes sessions; the objects live under its
/// <see cref="DirectoryActor"/>, and the <see cref="SessionMonitor"/> ends the sessions of clients that go away.
/// </summary>
internal sealed class Gatekeeper : UntypedActor
{
    private readonly HandshakeGuard _handshakes;
    private readonly HostContext _host;
    private readonly (int Port, bool Tls) _lane;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _directory;
    private readonly IActorRef _monitor;
    private readonly TimeSpan _beatEvery;
    private ICancelable? _beats;
    private IClusterView? _cluster;

    public Gatekeeper(HostContext host, DurabilitySettings durability, HandshakeSettings handshake, byte[] authKey, (int Port, bool Tls) lane, TimeSpan beatEvery)
    {
        _beatEvery = beatEvery;
        _handshakes = new HandshakeGuard(authKey, handshake.ChallengeLifetime, handshake.Burst, handshake.PerSecond);
        _host = host;
        _lane = lane;
        _directory = Context.ActorOf(DirectoryActor.PropsFor(host, durability), HostPaths.DirectoryName);
        _monitor = Context.ActorOf(SessionMonitor.PropsFor(host.Sessions, _directory), "sessions");
    }

    /// <param name="host">What the host's objects share.</param>
    /// <param name="durability">The default durability and the durable store.</param>
    /// <param name="handshake">The handshake's limits.</param>
    /// <param name="authKey">The key a client proves.</param>
    /// <param name="lane">The direct lane's data port (0 when the host does not listen) and whether it speaks TLS, as Welcome names them.</param>
    /// <param name="beatEvery">How often every remote client's reply actor is told that the host is alive (<see cref="HostBeat"/>).</param>
    public static Props PropsFor(HostContext host, DurabilitySettings durability, HandshakeSettings handshake, byte[] authKey, (int Port, bool Tls) lane, TimeSpan beatEvery) =>
        Props.Create(() => new Gatekeeper(host, durability, handshake, authKey, lane, beatEvery));

    /// <summary>
    /// The beats go from the scheduler's thread straight to the remoting layer: a host whose dispatcher is busy with
    /// long calls still beats, and only a host that stands still falls silent.
    /// </summary>
    protected override void PreStart()
    {
        var sessions = _host.Sessions;
        var self = Self;
        _beats = Context.System.Scheduler.Advanced.ScheduleRepeatedlyCancelable(_beatEvery, _beatEvery, () =>
        {
            foreach (var (session, replyTo) in sessions.All())
            {
                // A lane's client hears the lane's heartbeat; a client over Akka.Remote hears these.
                if (!replyTo.Path.Address.HasLocalScope && !sessions.HasLane(session))
                {
                    replyTo.Tell(new HostBeat(session), self);
                }
            }
        });
    }

    protected override void PostStop() => _beats?.Cancel();

    /// <summary>Nothing a message carries may stop the gatekeeper: a failure is logged and the host keeps serving.</summary>
    protected override void OnReceive(object message)
    {
        try
        {
            Handle(message);
        }
        catch (Exception e)
        {
            _log.Error(e, "The gatekeeper failed while handling {0}; it keeps serving.", message.GetType().Name);
        }
    }

    private void Handle(object message)
    {
        switch (message)
        {
            case Hello hello:
                if (_handshakes.Challenge(hello.ReplyTo, Sender.Path.Address) is { } nonce)
                {
                    Sender.Tell(new Challenge(nonce, _host.Incarnation));
                }
                break;
            case Proof proof:
                Admit(proof);
                break;
            case Goodbye goodbye:
                if (_host.Sessions.IsValidFor(goodbye.Session, Sender) && _host.Sessions.Close(goodbye.Session))
                {
                    _directory.Tell(new SessionsEnded([goodbye.Session]));
                }
                break;
            case OpenLocalSession open:
                var local = _host.Sessions.Open(open.ReplyTo);
                _monitor.Tell(new SessionMonitor.WatchClient(open.ReplyTo));
                Sender.Tell(local);
                break;
            case UseCluster use:
                // From now on every Welcome names the cluster's hosts; the directory answers the host that asked.
                _cluster = use.View;
                _directory.Forward(use);
                break;
            case AnnounceShutdown:
                foreach (var (session, replyTo) in _host.Sessions.All())
                {
                    replyTo.Tell(new HostShutdown(_host.Incarnation, session));
                }
                Sender.Tell(Done.Instance);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Admit(Proof proof)
    {
        if (_handshakes.Verify(proof.ReplyTo, proof.Nonce, proof.Mac, Sender.Path.Address) is { } denial)
        {
            _log.Warning("A client at {0} was refused: {1}", proof.ReplyTo.Path.Address, denial);
            Sender.Tell(new AccessDenied(denial));
            return;
        }
        var session = _host.Sessions.Open(proof.ReplyTo, proof.Client);
        // Watched before the client can make a call: a client that dies from here on has its session ended.
        _monitor.Tell(new SessionMonitor.WatchClient(proof.ReplyTo));
        Sender.Tell(new Welcome(session, _host.Incarnation, _lane.Port, _lane.Tls, _cluster?.Contacts() ?? []));
    }

    /// <summary>Opens a session for a client in the host's own process, which needs no handshake; answered with its token.</summary>
    public sealed record OpenLocalSession(IActorRef ReplyTo) : INoSerializationVerificationNeeded;

    /// <summary>Tells every client that the host is shutting down in order; answered with <see cref="Done"/>.</summary>
    public sealed record AnnounceShutdown : INoSerializationVerificationNeeded
    {
        public static readonly AnnounceShutdown Instance = new();
    }
}
