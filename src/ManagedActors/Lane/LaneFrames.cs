using ManagedActors.Codec;
using ManagedActors.Protocol;

namespace ManagedActors.Lane;

/// <summary>
/// The direct lane's wire format. The lane handshake (<see cref="LaneHandshake"/>) goes in the clear: the host's challenge,
/// the client's proof of its session, one accept byte back. Everything after it is sealed (<see cref="Security.SealedStream"/>)
/// when either side asked for it, and inside the seal (or without one) every frame is <c>[int32 length][kind byte][body]</c>, little-endian, the length counting kind and
/// body. Bodies reuse the protocol's encoding of calls and results; the session is the connection's, so no frame carries it.
/// </summary>
internal static class LaneFrames
{
    /// <summary>"MAL" and the lane protocol's version, first on the wire in both directions.</summary>
    public static ReadOnlySpan<byte> Magic => "MAL\u0003"u8;

    public const int NonceLength = 32, SignatureLength = 64, SessionLength = 16;

    /// <summary>Bytes of the host's challenge: magic, nonce, whether it seals, ephemeral key, signature.</summary>
    public const int ChallengeLength = 4 + NonceLength + 1 + LaneHandshake.EphemeralLength + SignatureLength;

    /// <summary>Bytes of the client's proof: magic, session, whether it seals, ephemeral key, signature.</summary>
    public const int ProofLength = 4 + SessionLength + 1 + LaneHandshake.EphemeralLength + SignatureLength;

    /// <summary>The host's answer to a valid proof; anything else (or a closed connection) is a refusal.</summary>
    public const byte Accepted = 0xA5;

    /// <summary>
    /// Frame kinds. A resend frame is a calls frame whose calls went out before on a lost connection (<see cref="Calls.Resent"/>).
    /// A client that heard nothing for a while sends a ping (empty), and the host answers it with a pong (empty) at once.
    /// </summary>
    public const byte CallsKind = 1, CancelKind = 2, ResultsKind = 3, ShutdownKind = 4, ResendKind = 5, PingKind = 6, PongKind = 7;

    /// <summary>Queued on a host's lane after its last results: the host is shutting down in order (an empty frame of kind 4).</summary>
    public static readonly Results Shutdown = new([]);

    /// <summary>Queued on a host's lane to answer a ping (an empty frame of kind 7).</summary>
    public static readonly Results Pong = new([]);

    /// <summary>Bytes of framing a frame may have over the largest message: length, kind, target path, counts.</summary>
    public const int Overhead = 64 * 1024;

    /// <summary>Appends a frame of calls to the object at <paramref name="target"/> (its actor path); a resend frame when <paramref name="resent"/>.</summary>
    public static void WriteCalls(WireWriter w, string target, IReadOnlyList<CallRequest> calls, int from, int count, bool resent = false)
    {
        var start = Begin(w, resent ? ResendKind : CallsKind);
        w.WriteString(target);
        ProtocolSerializer.WriteCallItems(w, calls, from, count);
        End(w, start);
    }

    /// <summary>Appends a ping: the client asks whether the host is still there.</summary>
    public static void WritePing(WireWriter w) => End(w, Begin(w, PingKind));

    public static void WriteCancel(WireWriter w, string target, long callId)
    {
        var start = Begin(w, CancelKind);
        w.WriteString(target);
        w.WriteVarInt(callId);
        End(w, start);
    }

    public static void WriteResults(WireWriter w, Results frame)
    {
        if (ReferenceEquals(frame, Shutdown) || ReferenceEquals(frame, Pong))
        {
            End(w, Begin(w, ReferenceEquals(frame, Pong) ? PongKind : ShutdownKind));
            return;
        }
        var start = Begin(w, ResultsKind);
        ProtocolSerializer.WriteResultItems(w, frame.Items);
        End(w, start);
    }

    /// <summary>Reads a calls frame's body: the target path and the calls.</summary>
    /// <exception cref="MalformedFrameException">The body is not a calls frame.</exception>
    public static (string Target, CallRequest[] Calls) ReadCalls(byte[] buffer, int offset, int count)
    {
        try
        {
            var r = new WireReader(buffer, offset, count);
            var target = r.ReadRequiredString();
            var items = ProtocolSerializer.ReadCallItems(ref r);
            return r.AtEnd ? (target, items) : throw new FormatException("Bytes after the last call.");
        }
        catch (FormatException e)
        {
            throw new MalformedFrameException("calls", e);
        }
    }

    /// <exception cref="MalformedFrameException">The body is not a cancel frame.</exception>
    public static (string Target, long CallId) ReadCancel(byte[] buffer, int offset, int count)
    {
        try
        {
            var r = new WireReader(buffer, offset, count);
            var result = (r.ReadRequiredString(), r.ReadVarInt());
            return r.AtEnd ? result : throw new FormatException("Bytes after the call id.");
        }
        catch (FormatException e)
        {
            throw new MalformedFrameException("cancel", e);
        }
    }

    /// <exception cref="MalformedFrameException">The body is not a results frame.</exception>
    public static Results ReadResults(byte[] buffer, int offset, int count)
    {
        try
        {
            var r = new WireReader(buffer, offset, count);
            var results = ProtocolSerializer.ReadResultItems(ref r);
            return r.AtEnd ? results : throw new FormatException("Bytes after the last result.");
        }
        catch (FormatException e)
        {
            throw new MalformedFrameException("results", e);
        }
    }

    private static int Begin(WireWriter w, byte kind)
    {
        var start = w.ReserveInt32();
        w.WriteByte(kind);
        return start;
    }

    private static void End(WireWriter w, int start) => w.PatchInt32(start, w.Length - start - 4);
}

/// <summary>A lane frame that is not what the protocol defines: the connection that sent it is closed.</summary>
internal sealed class MalformedFrameException : Exception
{
    public MalformedFrameException(string what, Exception? inner = null) : base($"Malformed {what} frame on the direct lane: {inner?.Message}", inner)
    {
    }
}
