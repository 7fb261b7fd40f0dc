using System.Diagnostics;
using Akka.Actor;

namespace ManagedActors.Protocol;

/// <summary>Marks the messages bound to <see cref="ProtocolSerializer"/> in reference.conf.</summary>
internal interface IProtocolMessage
{
}

/// <summary>
/// One method call: its correlation id, the method's id (unique to interface, name and parameters), the encoded
/// arguments, and the W3C trace context of the code that made it (default when it was made outside any trace).
/// </summary>
internal sealed record CallRequest(long CallId, int MethodId, byte[] Args, ActivityContext Trace = default)
{
    /// <summary>An id no method has: what an id too large for the wire's 32 bits reads as.</summary>
    public const int NoMethod = 0;
}

/// <summary>
/// The calls of one session that were waiting to go to one object, carried in one remote message. A single call
/// is a batch of one. Sent straight to the object's actor, with the client's reply actor as sender.
/// </summary>
/// <param name="Session">The session token of the connection the calls came over.</param>
/// <param name="Items">The calls, in the order they were made.</param>
/// <param name="Resent">
/// The calls were sent before, on a connection that was lost before their answers came: each keeps its id, and an
/// object that journals its calls answers one it already ran with its first answer instead of running it again.
/// </param>
internal sealed record Calls(Guid Session, CallRequest[] Items, bool Resent = false) : IProtocolMessage;

/// <summary>The answer to one call: an encoded value, or an encoded <see cref="FaultInfo"/> when <paramref name="IsFault"/>.</summary>
internal sealed record CallResult(long CallId, bool IsFault, byte[] Payload);

/// <summary>Answers going back to one client's reply actor in one remote message.</summary>
internal sealed record Results(CallResult[] Items) : IProtocolMessage
{
    /// <summary>The same fault for every call of a batch (an unknown session, a missing object).</summary>
    public static Results AllFailed(Calls calls, Exception error)
    {
        var fault = FaultInfo.From(error).Encode();
        return new Results(Array.ConvertAll(calls.Items, item => new CallResult(item.CallId, true, fault)));
    }
}

/// <summary>Withdraws a call parked in an object (a blocking get, say); the object answers it with a cancellation fault.</summary>
internal sealed record CancelCall(Guid Session, long CallId) : IProtocolMessage;

/// <summary>First step of the handshake: a client asks the gatekeeper for a challenge.</summary>
internal sealed record Hello(IActorRef ReplyTo) : IProtocolMessage;

/// <summary>A nonce the client must sign with the authkey.</summary>
internal sealed record Challenge(byte[] Nonce, Guid Incarnation) : IProtocolMessage;

/// <summary>
/// The client's HMAC-SHA256 of the nonce under the authkey, and the client's own id: the same on every session it
/// opens, so an object knows a call resent after a reconnection as the one it may have run already.
/// </summary>
internal sealed record Proof(IActorRef ReplyTo, byte[] Nonce, byte[] Mac, Guid Client) : IProtocolMessage;

/// <summary>
/// The handshake succeeded: the session token every call carries, the host's direct-lane data port (0 when the host
/// does not listen, <c>managed-actors.direct.enabled = off</c>) and whether the lane speaks TLS, and, from a host of a
/// cluster, the client addresses of the cluster's hosts that are up (the contact points a client goes to when this host
/// is lost; empty off a cluster).
/// </summary>
internal sealed record Welcome(Guid Session, Guid Incarnation, int LanePort, bool LaneTls, string[] Contacts) : IProtocolMessage;

/// <summary>The handshake failed.</summary>
internal sealed record AccessDenied(string Reason) : IProtocolMessage;

/// <summary>
/// The host is shutting down in order; sent to every session's reply actor. It names the session, a secret only the
/// host and that client know, so nobody else can make a client believe its host went away.
/// </summary>
internal sealed record HostShutdown(Guid Incarnation, Guid Session) : IProtocolMessage;

/// <summary>
/// The host is alive: sent to every session's reply actor each <c>direct.heartbeat-interval</c>, so that a client over
/// Akka.Remote notices a host that stands still (its sockets stay open) as a lane's client does. It names the session,
/// as <see cref="HostShutdown"/> does.
/// </summary>
internal sealed record HostBeat(Guid Session) : IProtocolMessage;

/// <summary>A client ends its session.</summary>
internal sealed record Goodbye(Guid Session) : IProtocolMessage;
