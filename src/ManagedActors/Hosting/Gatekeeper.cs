using Akka;
using Akka.Actor;
using Akka.Event;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>
/// The host's front door at <c>/user/managed-actors</c>, the one path clients may select. It runs the HMAC handshake
/// (Hello, Challenge, Proof, Welcome) and opens and closes sessions; the objects live under its
/// <see cref="ObjectDirectory"/>, and the <see cref="SessionMonitor"/> ends the sessions of clients that go away.
/// </summary>
internal sealed class Gatekeeper : UntypedActor
{
    private readonly Security.HandshakeGuard _handshakes;
    private readonly HostContext _host;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _directory;
    private readonly IActorRef _monitor;

    public Gatekeeper(RegistryObject registry, HostContext host, byte[] authKey)
    {
        _handshakes = new Security.HandshakeGuard(authKey, host.Settings.ChallengeLifetime, host.Settings.HandshakeBurst, host.Settings.HandshakesPerSecond);
        _host = host;
        _directory = Context.ActorOf(ObjectDirectory.PropsFor(registry, host), HostPaths.DirectoryName);
        _monitor = Context.ActorOf(SessionMonitor.PropsFor(host.Sessions, _directory), "sessions");
    }

    public static Props PropsFor(RegistryObject registry, HostContext host, byte[] authKey) =>
        Props.Create(() => new Gatekeeper(registry, host, authKey));

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
        Sender.Tell(new Welcome(session, _host.Incarnation, _host.Lane.Port, _host.Lane.Tls, _host.Contacts?.Invoke()));
    }
}

/// <summary>Sessions whose client died or left; objects release what they held for them.</summary>
internal sealed record SessionsEnded(IReadOnlyList<Guid> Sessions) : INoSerializationVerificationNeeded;

/// <summary>Opens a session for a client in the host's own process, which needs no handshake.</summary>
internal sealed record OpenLocalSession(IActorRef ReplyTo) : INoSerializationVerificationNeeded;

/// <summary>Tells every client that the host is shutting down in order.</summary>
internal sealed record AnnounceShutdown : INoSerializationVerificationNeeded
{
    public static readonly AnnounceShutdown Instance = new();
}
