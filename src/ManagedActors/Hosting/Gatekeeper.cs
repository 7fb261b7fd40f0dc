using Akka;
using Akka.Actor;
using Akka.Event;
using ManagedActors.Objects;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>
/// The host's front door at <c>/user/managed-actors</c>, the one path clients may select. It runs the HMAC
/// handshake (Hello, Challenge, Proof, Welcome), serves the registry, watches every client's reply actor so a
/// dead client's session ends, and answers calls to objects that no longer exist.
/// </summary>
internal sealed class Gatekeeper : UntypedActor, IWithTimers, IRunnerHost
{
    /// <summary>The gatekeeper's actor name.</summary>
    public const string Name = "managed-actors";

    private readonly Security.HandshakeGuard _handshakes;
    private readonly RegistryObject _registry;
    private readonly ObjectRunner _runner;
    private readonly HostContext _host;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public Gatekeeper(RegistryObject registry, ObjectBinding binding, HostContext host, byte[] authKey)
    {
        _handshakes = new Security.HandshakeGuard(authKey, host.Settings.ChallengeLifetime, host.Settings.HandshakeBurst, host.Settings.HandshakesPerSecond);
        _registry = registry;
        _host = host;
        // The registry is served like any object: its calls come through the same runner.
        _runner = new ObjectRunner(registry, binding, host, this);
        var self = Self;
        registry.Attach(
            (kind, target, spawn) => Context.Watch(Context.ActorOf(
                ObjectActor.PropsFor(target, kind.Binding, host, spawn.Declared, new HeldReferences(spawn.ObjectId, self, spawn.Holds)), spawn.ActorName)),
            actor => Context.Stop(actor));
    }

    public static Props PropsFor(RegistryObject registry, HostContext host, byte[] authKey) =>
        Props.Create(() => new Gatekeeper(registry, ObjectBinding.For(typeof(IRegistry), typeof(RegistryObject)), host, authKey));

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
        Context.System.EventStream.Subscribe(Self, typeof(Akka.Remote.DisassociatedEvent));
        base.PreStart();
    }

    /// <summary>Nothing a message carries may stop the gatekeeper: a failure is logged and the host keeps serving.</summary>
    protected override void OnReceive(object message)
    {
        try
        {
            if (!Handle(message) && !RunnerMessages.Handle(_runner, message, Sender))
            {
                Unhandled(message);
            }
        }
        catch (Exception e)
        {
            _log.Error(e, "The gatekeeper failed while handling {0}; it keeps serving.", message.GetType().Name);
        }
    }

    void IRunnerHost.StartSweep(TimeSpan interval) => RunnerMessages.StartSweep(Timers, interval);

    void IRunnerHost.StopSweep() => Timers.Cancel(SweepDeadlines.Key);

    IActorRef IRunnerHost.SpawnChild(Props props, string name) => Context.ActorOf(props, name);

    private bool Handle(object message)
    {
        switch (message)
        {
            case Hello hello:
                if (_handshakes.Challenge(hello.ReplyTo, Sender.Path.Address) is { } nonce)
                {
                    Sender.Tell(new Challenge(nonce, _host.Incarnation));
                }
                return true;
            case Proof proof:
                Admit(proof);
                return true;
            case Goodbye goodbye:
                if (_host.Sessions.IsValidFor(goodbye.Session, Sender) && _host.Sessions.Close(goodbye.Session))
                {
                    EndSessions([goodbye.Session]);
                }
                return true;
            case Terminated terminated when _registry.ActorStopped(terminated.ActorRef):
                // An object's actor stopped other than through the registry: its entry goes, its name can be opened again.
                return true;
            case Terminated terminated:
                var closed = _host.Sessions.CloseAll(terminated.ActorRef);
                _log.Debug("Client {0} is gone; closed {1} session(s).", terminated.ActorRef.Path, closed.Count);
                EndSessions(closed);
                return true;
            case Akka.Remote.DisassociatedEvent disassociated:
                // A client process that dies drops its connection at once; DeathWatch would take its failure
                // detector's pause. Its sessions end now, so its locks and permits go to the next waiter. A client
                // that is still alive finds its session unknown on its next call and connects again.
                var lost = _host.Sessions.CloseAllAt(disassociated.RemoteAddress);
                EndSessions(lost);
                return true;
            case DeadLetter { Message: Calls calls } dead when !dead.Sender.IsNobody():
                AnswerCallsToMissingObject(calls, dead);
                return true;
            case DeadLetter:
                return true;
            case ObjectHolds holds:
                _registry.Holds(holds);
                return true;
            case OpenLocalSession open:
                Context.Watch(open.ReplyTo);
                Sender.Tell(_host.Sessions.Open(open.ReplyTo));
                return true;
            case AnnounceShutdown:
                foreach (var (session, replyTo) in _host.Sessions.All())
                {
                    replyTo.Tell(new HostShutdown(_host.Incarnation, session));
                }
                Sender.Tell(Done.Instance);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Tells every object that these sessions ended: their locks, permits and waiters are let go.</summary>
    private void EndSessions(IReadOnlyList<Guid> sessions)
    {
        if (sessions.Count == 0)
        {
            return;
        }
        foreach (var session in sessions)
        {
            _registry.SessionEnded(session);
        }
        var ended = new SessionsEnded(sessions);
        foreach (var child in Context.GetChildren())
        {
            child.Tell(ended);
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
        var session = _host.Sessions.Open(proof.ReplyTo);
        Context.Watch(proof.ReplyTo);
        Sender.Tell(new Welcome(session, _host.Incarnation));
    }

    private void AnswerCallsToMissingObject(Calls calls, DeadLetter dead)
    {
        dead.Sender.Tell(Results.AllFailed(calls, _host.Sessions.IsValid(calls.Session)
            ? new ObjectNotFoundException($"The object at {dead.Recipient.Path} does not exist on this host (it was deleted, or the host restarted).")
            : new AuthenticationException("The session is not known to this host (it restarted); connect again.")));
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
