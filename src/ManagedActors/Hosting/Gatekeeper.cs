using System.Security.Cryptography;
using Akka;
using Akka.Actor;
using Akka.Event;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>
/// The host's front door at <c>/user/managed-actors</c>, the one path clients may select. It runs the HMAC
/// handshake (Hello, Challenge, Proof, Welcome), serves the registry, watches every client's reply actor so a
/// dead client's session ends, and answers calls to objects that no longer exist.
/// </summary>
internal sealed class Gatekeeper : ObjectActor
{
    /// <summary>The gatekeeper's actor name.</summary>
    public const string Name = "managed-actors";

    private const int MaxOutstandingNonces = 4096;
    private static readonly TimeSpan NonceLifetime = TimeSpan.FromSeconds(60);

    private readonly byte[] _authKey;
    private readonly RegistryObject _registry;
    private readonly Dictionary<string, DateTime> _nonces = new(StringComparer.Ordinal);

    public Gatekeeper(RegistryObject registry, ObjectBinding binding, HostContext host, byte[] authKey)
        : base(registry, binding, host)
    {
        _authKey = authKey;
        _registry = registry;
        var self = Self;
        host.Codec.ReferenceRead = reference => self.Tell(new PinObject(reference.ObjectId));
        registry.Attach(
            (kind, target, actorName) => Context.ActorOf(PropsFor(target, kind.Binding, host), actorName),
            actor => Context.Stop(actor));
    }

    public static Props PropsFor(RegistryObject registry, HostContext host, byte[] authKey) =>
        Props.Create(() => new Gatekeeper(registry, ObjectBinding.For(typeof(IRegistry), typeof(RegistryObject)), host, authKey));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
        Context.System.EventStream.Subscribe(Self, typeof(Akka.Remote.DisassociatedEvent));
        base.PreStart();
    }

    protected override bool OnOtherMessage(object message)
    {
        switch (message)
        {
            case Hello:
                Sender.Tell(new Challenge(IssueNonce(), Host.Incarnation));
                return true;
            case Proof proof:
                Admit(proof);
                return true;
            case Goodbye goodbye:
                if (Host.Sessions.Close(goodbye.Session))
                {
                    EndSessions([goodbye.Session]);
                }
                return true;
            case Terminated terminated:
                var closed = Host.Sessions.CloseAll(terminated.ActorRef);
                Log.Debug("Client {0} is gone; closed {1} session(s).", terminated.ActorRef.Path, closed.Count);
                EndSessions(closed);
                return true;
            case Akka.Remote.DisassociatedEvent disassociated:
                // A client process that dies drops its connection at once; DeathWatch would take its failure
                // detector's pause. Its sessions end now, so its locks and permits go to the next waiter. A client
                // that is still alive finds its session unknown on its next call and connects again.
                var lost = Host.Sessions.CloseAllAt(disassociated.RemoteAddress);
                EndSessions(lost);
                return true;
            case DeadLetter { Message: Calls calls } dead when !dead.Sender.IsNobody():
                AnswerCallsToMissingObject(calls, dead);
                return true;
            case DeadLetter:
                return true;
            case PinObject pin:
                _registry.Pin(pin.ObjectId);
                return true;
            case OpenLocalSession open:
                Context.Watch(open.ReplyTo);
                Sender.Tell(Host.Sessions.Open(open.ReplyTo));
                return true;
            case AnnounceShutdown:
                foreach (var client in Host.Sessions.ReplyActors())
                {
                    client.Tell(new HostShutdown(Host.Incarnation));
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

    private byte[] IssueNonce()
    {
        var now = DateTime.UtcNow;
        if (_nonces.Count >= MaxOutstandingNonces)
        {
            foreach (var stale in _nonces.Where(n => n.Value < now).Select(n => n.Key).ToList())
            {
                _nonces.Remove(stale);
            }
            if (_nonces.Count >= MaxOutstandingNonces)
            {
                _nonces.Remove(_nonces.MinBy(n => n.Value).Key);
            }
        }
        var nonce = RandomNumberGenerator.GetBytes(32);
        _nonces[Convert.ToHexString(nonce)] = now + NonceLifetime;
        return nonce;
    }

    private void Admit(Proof proof)
    {
        var key = Convert.ToHexString(proof.Nonce);
        if (!_nonces.Remove(key, out var expires) || expires < DateTime.UtcNow)
        {
            Sender.Tell(new AccessDenied("The challenge is unknown or expired; start the handshake again."));
            return;
        }
        var expected = HMACSHA256.HashData(_authKey, proof.Nonce);
        if (!CryptographicOperations.FixedTimeEquals(expected, proof.Mac))
        {
            Log.Warning("A client at {0} failed the authkey challenge.", proof.ReplyTo.Path.Address);
            Sender.Tell(new AccessDenied("The authkey does not match the manager's."));
            return;
        }
        var session = Host.Sessions.Open(proof.ReplyTo);
        Context.Watch(proof.ReplyTo);
        Sender.Tell(new Welcome(session, Host.Incarnation));
    }

    private void AnswerCallsToMissingObject(Calls calls, DeadLetter dead)
    {
        dead.Sender.Tell(Results.AllFailed(calls, Host.Sessions.IsValid(calls.Session)
            ? new ObjectNotFoundException($"The object at {dead.Recipient.Path} does not exist on this host (it was deleted, or the host restarted).")
            : new AuthenticationException("The session is not known to this host (it restarted); connect again.")));
    }
}

/// <summary>Sessions whose client died or left; objects release what they held for them.</summary>
internal sealed record SessionsEnded(IReadOnlyList<Guid> Sessions) : INoSerializationVerificationNeeded;

/// <summary>A managed object read a reference to another: the referenced object is held by an object now.</summary>
internal sealed record PinObject(string ObjectId) : INoSerializationVerificationNeeded;

/// <summary>Opens a session for a client in the host's own process, which needs no handshake.</summary>
internal sealed record OpenLocalSession(IActorRef ReplyTo) : INoSerializationVerificationNeeded;

/// <summary>Tells every client that the host is shutting down in order.</summary>
internal sealed record AnnounceShutdown : INoSerializationVerificationNeeded
{
    public static readonly AnnounceShutdown Instance = new();
}
