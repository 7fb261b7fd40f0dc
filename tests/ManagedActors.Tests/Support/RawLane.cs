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
        Stream = new NetworkStream(socket, ownsSocket: true);
    }

    public Socket Socket { get; }

    public NetworkStream Stream { get; }

    public static RawLane Connect(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 15_000 };
        socket.Connect(IPAddress.Loopback, port);
        return new RawLane(socket);
    }

    /// <summary>A lane that did the whole handshake for <paramref name="session"/>, signed by <paramref name="identity"/>; the host's accept byte.</summary>
    public static (RawLane Lane, int Answer) Open(int port, Guid session, EndpointIdentity identity)
    {
        var lane = Connect(port);
        var nonce = lane.ReadChallenge();
        lane.SendProof(session, identity.Sign(LaneFrames.Signed(nonce, session)));
        return (lane, lane.Stream.ReadByte());
    }

    /// <summary>The host's nonce, after checking the magic that comes first.</summary>
    public byte[] ReadChallenge()
    {
        var challenge = new byte[LaneFrames.ChallengeLength];
        Stream.ReadExactly(challenge);
        if (!challenge.AsSpan(0, 4).SequenceEqual(LaneFrames.Magic))
        {
            throw new InvalidDataException("The data port did not send the lane's magic.");
        }
        return challenge[4..];
    }

    public void SendProof(Guid session, byte[] signature)
    {
        Stream.Write(LaneFrames.Proof(session, signature));
    }

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

    public void Dispose() => Stream.Dispose();
}
