using System.Net;
using System.Security.Cryptography;
using ManagedActors.Security;

namespace ManagedActors.Lane;

/// <summary>
/// The lane handshake's keys, one side of one connection. The host's challenge carries a nonce, whether the host seals,
/// and an ephemeral ECDH key, signed by the host's transport identity; the client's proof carries the session, whether
/// the client seals, and its own ephemeral key, signed by the identity that opened the session. Each side verifies the
/// other's signature with the key the other proved its address with in the transport's key exchange
/// (<see cref="AddressClaims"/>), then both derive the connection's AES-256-GCM keys (<see cref="SealedChannel"/>) from
/// the agreement, bound to everything both signed. Only the two endpoints hold the ephemeral private keys, so a reader of
/// the path, even one that holds the authkey, can neither read nor write the frames that follow. The frames are sealed
/// when either side asks (<see cref="Seals"/>); a writer on the path cannot take the request away, since both sign it.
/// </summary>
internal sealed class LaneHandshake : IDisposable
{
    /// <summary>Bytes of a P-256 public key as a SubjectPublicKeyInfo.</summary>
    public const int EphemeralLength = 91;

    private static ReadOnlySpan<byte> HostLabel => "managed-actors-lane-v3|host|"u8;
    private static ReadOnlySpan<byte> ClientLabel => "managed-actors-lane-v3|client|"u8;
    private static ReadOnlySpan<byte> KeysLabel => "managed-actors-lane-v3|keys|"u8;

    private readonly ECDiffieHellman _ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    public LaneHandshake() => EphemeralKey = _ephemeral.ExportSubjectPublicKeyInfo();

    /// <summary>This side's ephemeral public key.</summary>
    public byte[] EphemeralKey { get; }

    /// <summary>
    /// Whether this side asks for sealed frames on a connection to <paramref name="remote"/>: always with
    /// <c>direct.seal = on</c>, and under the default <c>auto</c> unless the peer is on loopback, whose traffic never leaves
    /// the machine's kernel.
    /// </summary>
    public static bool Seals(LaneSettings settings, EndPoint? remote) =>
        settings.SealAlways || remote is not IPEndPoint { Address: var address } || !IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>A request to seal as it crosses the wire; null for a byte that is neither.</summary>
    public static bool? ReadSeals(byte value) => value switch { 0 => false, 1 => true, _ => null };

    /// <summary>What the host signs: a label, the nonce, whether it seals, and its ephemeral key.</summary>
    public static byte[] HostSigned(ReadOnlySpan<byte> nonce, bool hostSeals, ReadOnlySpan<byte> hostEphemeral) =>
        Concat(HostLabel, nonce, [Flag(hostSeals)], hostEphemeral, []);

    /// <summary>What the client signs: a label, the nonce, the session, both sides' requests to seal, and both ephemeral keys.</summary>
    public static byte[] ClientSigned(
        ReadOnlySpan<byte> nonce, Guid session, bool hostSeals, bool clientSeals, ReadOnlySpan<byte> hostEphemeral, ReadOnlySpan<byte> clientEphemeral) =>
        Concat(ClientLabel, nonce, [.. SessionBytes(session), Flag(hostSeals), Flag(clientSeals)], hostEphemeral, clientEphemeral);

    /// <summary>The host's challenge: magic, nonce, whether it seals, its ephemeral key, and its signature of <see cref="HostSigned"/>.</summary>
    public byte[] Challenge(ReadOnlySpan<byte> nonce, bool seals, EndpointIdentity host)
    {
        var signature = host.Sign(HostSigned(nonce, seals, EphemeralKey));
        return [.. LaneFrames.Magic, .. nonce, Flag(seals), .. EphemeralKey, .. signature];
    }

    /// <summary>The client's proof: magic, session, whether it seals, its ephemeral key, and its signature of <see cref="ClientSigned"/>.</summary>
    public byte[] Proof(ReadOnlySpan<byte> nonce, Guid session, bool hostSeals, bool seals, ReadOnlySpan<byte> hostEphemeral, EndpointIdentity client)
    {
        var signature = client.Sign(ClientSigned(nonce, session, hostSeals, seals, hostEphemeral, EphemeralKey));
        return [.. LaneFrames.Magic, .. SessionBytes(session), Flag(seals), .. EphemeralKey, .. signature];
    }

    /// <summary>
    /// The connection's sealed channel: the agreement of this side's ephemeral key with the peer's, salted with the
    /// transport key and bound to the nonce, the session and both ephemeral keys. Null when the peer's key is not P-256.
    /// </summary>
    public SealedChannel? Agree(
        ReadOnlySpan<byte> nonce, Guid session, byte[] hostEphemeral, byte[] clientEphemeral, byte[] transportKey, bool client)
    {
        try
        {
            using var peer = ECDiffieHellman.Create();
            var peerKey = client ? hostEphemeral : clientEphemeral;
            peer.ImportSubjectPublicKeyInfo(peerKey, out var read);
            if (read != peerKey.Length || peer.KeySize != 256)
            {
                return null;
            }
            var secret = _ephemeral.DeriveRawSecretAgreement(peer.PublicKey);
            var transcript = Concat(KeysLabel, nonce, SessionBytes(session), hostEphemeral, clientEphemeral);
            return SealedChannel.Derive(secret, transportKey, transcript, dialler: client);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>
    /// The client's half, on a connection to the data port at <paramref name="where"/>: checks the host's challenge against
    /// the host's identity, answers with the session's proof (asking for a seal when <paramref name="seals"/>), and waits
    /// for the accept byte. The stream the frames go over: sealed when either side asked.
    /// </summary>
    /// <exception cref="IOException">The port does not speak the lane protocol, or the connection broke.</exception>
    /// <exception cref="AuthenticationException">The challenge is not the host's, or the host refused the proof.</exception>
    public static Stream Prove(Stream stream, LaneCredentials credentials, bool seals, string where)
    {
        var challenge = new byte[LaneFrames.ChallengeLength];
        stream.ReadExactly(challenge);
        if (!challenge.AsSpan(0, 4).SequenceEqual(LaneFrames.Magic))
        {
            throw new IOException("The data port does not speak the ManagedActors lane protocol.");
        }
        const int ephemeralAt = 4 + LaneFrames.NonceLength + 1, signatureAt = ephemeralAt + EphemeralLength;
        var nonce = challenge[4..(ephemeralAt - 1)];
        var hostEphemeral = challenge[ephemeralAt..signatureAt];
        // The challenge must come from the host this client's association proved, not from whoever holds the port.
        if (ReadSeals(challenge[ephemeralAt - 1]) is not { } hostSeals
            || !EndpointIdentity.Verify(credentials.HostKey, HostSigned(nonce, hostSeals, hostEphemeral), challenge[signatureAt..]))
        {
            throw new AuthenticationException($"The data port at {where} is not the host's: its challenge is not signed by the host's identity.");
        }
        using var keys = new LaneHandshake();
        var channel = keys.Agree(nonce, credentials.Session, hostEphemeral, keys.EphemeralKey, credentials.TransportKey, client: true)
            ?? throw new AuthenticationException($"The data port at {where} sent an ephemeral key that is not P-256.");
        try
        {
            stream.Write(keys.Proof(nonce, credentials.Session, hostSeals, seals, hostEphemeral, credentials.Identity));
            if (stream.ReadByte() != LaneFrames.Accepted)
            {
                throw new AuthenticationException($"The host's data port at {where} refused the session.");
            }
        }
        catch
        {
            channel.Dispose();
            throw;
        }
        if (hostSeals || seals)
        {
            return new SealedStream(stream, channel);
        }
        channel.Dispose();
        return stream;
    }

    public void Dispose() => _ephemeral.Dispose();

    private static byte Flag(bool value) => value ? (byte)1 : (byte)0;

    private static byte[] SessionBytes(Guid session) => session.ToByteArray();

    private static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, ReadOnlySpan<byte> d, ReadOnlySpan<byte> e) =>
        [.. a, .. b, .. c, .. d, .. e];
}

/// <summary>What a client proves its lane with, and checks the host's challenge against.</summary>
/// <param name="Session">The session the host gave this client.</param>
/// <param name="Identity">The identity of the client's transport, the one that opened the session.</param>
/// <param name="HostKey">The host's identity, as its association proved it to this client.</param>
/// <param name="TransportKey">The transport key (from the authkey) that salts the lane's keys.</param>
internal sealed record LaneCredentials(Guid Session, EndpointIdentity Identity, byte[] HostKey, byte[] TransportKey);
