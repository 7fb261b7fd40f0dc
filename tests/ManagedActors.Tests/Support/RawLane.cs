using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net;
using ManagedActors.Codec;
using ManagedActors.Lane;
using ManagedActors.Security;
using ManagedActors.Protocol;

namespace ManagedActors.Tests.Support;

/// <summary>A bare socket to a host's data port, speaking the lane protocol by hand (or not at all): the attacker's side.</summary>
internal sealed class RawLane : IDisposable
{
    private RawLane(Socket socket)
    {
        Socket = socket;
        Stream = Clear = new NetworkStream(socket, ownsSocket: true);
    }

    public Socket Socket { get; }

    /// <summary>The connection's bytes as they cross the socket.</summary>
    public NetworkStream Clear { get; }

    /// <summary>What frames are written to and read from: <see cref="Clear"/> until the host accepts a proof, sealed after it.</summary>
    public Stream Stream { get; private set; }

    public static RawLane Connect(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 15_000 };
        socket.Connect(IPAddress.Loopback, port);
        return new RawLane(socket);
    }

    /// <summary>
    /// A lane that did the whole handshake for <paramref name="session"/>, signed by <paramref name="identity"/>, with its
    /// keys salted by <paramref name="transportKey"/>, asking for sealed frames unless <paramref name="seal"/> is false; the
    /// host's accept byte. Once accepted, <see cref="Stream"/> is sealed when either side asked.
    /// </summary>
    public static (RawLane Lane, int Answer) Open(int port, Guid session, EndpointIdentity identity, byte[] transportKey, bool seal = true)
    {
        var lane = Connect(port);
        var challenge = lane.ReadChallenge();
        using var keys = new LaneHandshake();
        var channel = keys.Agree(challenge.Nonce, session, challenge.HostEphemeral, keys.EphemeralKey, transportKey, client: true)!;
        lane.Clear.Write(keys.Proof(challenge.Nonce, session, challenge.HostSeals, seal, challenge.HostEphemeral, identity));
        var answer = lane.Clear.ReadByte();
        if (answer == LaneFrames.Accepted && (seal || challenge.HostSeals))
        {
            lane.Stream = new SealedStream(lane.Clear, channel);
        }
        return (lane, answer);
    }

    /// <summary>The host's challenge, after checking the magic that comes first.</summary>
    public Challenge ReadChallenge()
    {
        var challenge = new byte[LaneFrames.ChallengeLength];
        Clear.ReadExactly(challenge);
        if (!challenge.AsSpan(0, 4).SequenceEqual(LaneFrames.Magic))
        {
            throw new InvalidDataException("The data port did not send the lane's magic.");
        }
        const int ephemeralAt = 4 + LaneFrames.NonceLength + 1;
        return new Challenge(challenge[4..(ephemeralAt - 1)], challenge[ephemeralAt - 1] == 1, challenge[ephemeralAt..(ephemeralAt + LaneHandshake.EphemeralLength)]);
    }

    /// <summary>Answers <paramref name="challenge"/> with a sealed proof for <paramref name="session"/> signed by <paramref name="identity"/>.</summary>
    public void SendProof(Guid session, EndpointIdentity identity, Challenge challenge)
    {
        using var keys = new LaneHandshake();
        Clear.Write(keys.Proof(challenge.Nonce, session, challenge.HostSeals, true, challenge.HostEphemeral, identity));
    }

    /// <summary>What the host's challenge holds: its nonce, whether it seals, its ephemeral key.</summary>
    public readonly record struct Challenge(byte[] Nonce, bool HostSeals, byte[] HostEphemeral);

    public void SendFrame(byte kind, ReadOnlySpan<byte> body)
    {
        var frame = new byte[5 + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, body.Length + 1);
        frame[4] = kind;
        body.CopyTo(frame.AsSpan(5));
        Stream.Write(frame);
    }

    public void SendCalls(string target, params CallRequest[] calls)
    {
        using var w = new WireWriter();
        LaneFrames.WriteCalls(w, target, calls, 0, calls.Length);
        Stream.Write(w.WrittenSpan);
    }

    /// <summary>The next results frame the host sends.</summary>
    public Results ReadResults()
    {
        var reader = new FrameReader(Stream, 1 << 20);
        if (!reader.TryRead(out var frame) || frame.Kind != LaneFrames.ResultsKind)
        {
            throw new InvalidDataException("The host sent no results frame.");
        }
        return LaneFrames.ReadResults(frame.Buffer, frame.Offset, frame.Count);
    }

    /// <summary>Whether the host closed the connection: a read that ends (or breaks) rather than times out.</summary>
    public bool IsClosedByHost()
    {
        try
        {
            var buffer = new byte[256];
            while (true)
            {
                if (Stream.Read(buffer) == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock })
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        Clear.Dispose();
    }
}
