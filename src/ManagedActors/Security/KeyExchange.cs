using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Event;
using Akka.Remote.Transport;
using Google.Protobuf;

namespace ManagedActors.Security;

/// <summary>The key exchange on one raw connection, dialling (with a promise) or listening (without).</summary>
internal sealed class KeyExchange(AssociationGuard guard, AssociationHandle raw, TaskCompletionSource<AssociationHandle>? promise, Address? dialled)
    : IHandleEventListener
{
    private const byte Hello = 1, Challenge = 2, Proof = 3;
    private const int NonceLength = 32, MaxFrame = 1024;
    private static readonly byte[] Magic = "MAG\u0003"u8.ToArray();
    private readonly object _gate = new();
    private volatile State _state;
    private byte[] _nonceA = [], _nonceB = [], _addressA = [], _addressB = [], _keyA = [], _keyB = [], _ephemeralA = [], _ephemeralB = [];
    // This connection's half of the agreement that keys its sealed channel; gone once the channel is derived.
    private readonly ECDiffieHellman _ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
    private GuardedHandle? _open;
    private ICancelable? _timer;

    private enum State { AwaitHello, AwaitChallenge, AwaitProof, Open, Failed }

    public void Start()
    {
        _state = promise is null ? State.AwaitHello : State.AwaitChallenge;
        _timer = guard.System.Scheduler.Advanced.ScheduleOnceCancelable(guard.Timeout, () => Fail("no proof in time"));
        // The driver reads nothing before its reader is set, so no byte is lost.
        raw.ReadHandlerSource.TrySetResult(this);
        if (promise is not null)
        {
            lock (_gate)
            {
                _nonceA = RandomNumberGenerator.GetBytes(NonceLength);
                _addressA = Encoding.UTF8.GetBytes(guard.LocalListen!.ToString());
                _addressB = Encoding.UTF8.GetBytes(dialled!.ToString());
                _keyA = guard.Identity.PublicKey;
                _ephemeralA = _ephemeral.ExportSubjectPublicKeyInfo();
                if (!raw.Write(Frame(Hello, _nonceA, _addressA, _addressB, _keyA, _ephemeralA)))
                {
                    Bad("the first write failed")();
                }
            }
        }
    }

    public void Notify(IHandleEvent ev)
    {
        if (_state == State.Open)
        {
            _open!.Deliver(ev);
            return;
        }
        Action? after;
        lock (_gate)
        {
            if (_state == State.Open)
            {
                _open!.Deliver(ev);
                return;
            }
            if (_state == State.Failed)
            {
                return;
            }
            after = ev is InboundPayload payload ? Step(payload.Payload) : Bad("the connection closed during the key exchange");
        }
        // Promises and the layer above are told outside the lock: their continuations run inline.
        after?.Invoke();
    }

    private Action? Step(ByteString message)
    {
        List<byte[]> fields;
        byte kind;
        try
        {
            if (message.Length > MaxFrame)
            {
                return Bad("an oversized frame");
            }
            fields = Parse(message.ToByteArray(), out kind);
        }
        catch (FormatException)
        {
            return Bad("a malformed frame");
        }
        switch (_state)
        {
            case State.AwaitHello when kind == Hello && fields is [{ Length: NonceLength } nonce, var from, var to, var key, var ephemeral]:
                (_nonceA, _addressA, _addressB, _keyA, _ephemeralA) = (nonce, from, to, key, ephemeral);
                if (!NamesThisSystem(to))
                {
                    return Bad("the dialled address is not this system");
                }
                _nonceB = RandomNumberGenerator.GetBytes(NonceLength);
                _keyB = guard.Identity.PublicKey;
                _ephemeralB = _ephemeral.ExportSubjectPublicKeyInfo();
                _state = State.AwaitProof;
                return raw.Write(Frame(Challenge, _nonceB, Transcript("R", TranscriptUse.Mac), _keyB, guard.Identity.Sign(Transcript("R", TranscriptUse.Signed)), _ephemeralB))
                    ? null
                    : Bad("a write failed");
            case State.AwaitChallenge when kind == Challenge && fields is [{ Length: NonceLength } nonce, var mac, var key, var signature, var ephemeral]:
                (_nonceB, _keyB, _ephemeralB) = (nonce, key, ephemeral);
                var holdsKey = CryptographicOperations.FixedTimeEquals(mac, Transcript("R", TranscriptUse.Mac));
                guard.Keys.Dialled(dialled!, holdsKey);
                if (!holdsKey)
                {
                    return Bad("the listening side does not hold the key");
                }
                if (!EndpointIdentity.Verify(_keyB, Transcript("R", TranscriptUse.Signed), signature))
                {
                    return Bad("the listening side's signature does not match the key it presented");
                }
                if (Agree(_ephemeralB, dialler: true) is not { } diallerChannel)
                {
                    return Bad("the listening side's key agreement is not a P-256 key");
                }
                if (guard.Claims.TryClaim(dialled!, _keyB) is not { } listenerClaim)
                {
                    diallerChannel.Dispose();
                    return Bad($"the dialled address {dialled} is held by a live association under another identity");
                }
                if (!raw.Write(Frame(Proof, Transcript("I", TranscriptUse.Mac), guard.Identity.Sign(Transcript("I", TranscriptUse.Signed)))))
                {
                    listenerClaim.Dispose();
                    diallerChannel.Dispose();
                    return Bad("a write failed");
                }
                return Opened(listenerClaim, dialled!, diallerChannel, handle => promise!.TrySetResult(handle));
            case State.AwaitProof when kind == Proof && fields is [var proof, var signature]:
                if (!CryptographicOperations.FixedTimeEquals(proof, Transcript("I", TranscriptUse.Mac)))
                {
                    return Bad("the dialling side does not hold the key");
                }
                if (!EndpointIdentity.Verify(_keyA, Transcript("I", TranscriptUse.Signed), signature))
                {
                    return Bad("the dialling side's signature does not match the key it presented");
                }
                if (AddressClaims.Parse(_addressA) is not { } claimed)
                {
                    return Bad("the dialling side's address is not an address");
                }
                if (Agree(_ephemeralA, dialler: false) is not { } listenerChannel)
                {
                    return Bad("the dialling side's key agreement is not a P-256 key");
                }
                if (guard.Claims.TryClaim(claimed, _keyA) is not { } diallerClaim)
                {
                    listenerChannel.Dispose();
                    return Bad($"it claims the address {claimed}, which a live association holds under another identity");
                }
                return Opened(diallerClaim, claimed, listenerChannel, guard.Admit);
            default:
                return Bad("an unexpected frame");
        }
    }

    /// <summary>The sealed channel keyed by this side's ephemeral key and the peer's; null when the peer's is not a P-256 key.</summary>
    private SealedChannel? Agree(byte[] peerEphemeral, bool dialler)
    {
        try
        {
            using var peer = ECDiffieHellman.Create();
            peer.ImportSubjectPublicKeyInfo(peerEphemeral, out var read);
            if (read != peerEphemeral.Length || peer.KeySize != 256)
            {
                return null;
            }
            var secret = _ephemeral.DeriveRawSecretAgreement(peer.PublicKey);
            return SealedChannel.Derive(secret, guard.Key, Transcript("K", TranscriptUse.Signed), dialler);
        }
        catch (CryptographicException)
        {
            return null;
        }
        finally
        {
            _ephemeral.Dispose();
        }
    }

    private Action Opened(IDisposable claim, Address peer, SealedChannel channel, Action<GuardedHandle> release)
    {
        var handle = _open = new GuardedHandle(raw, guard, claim, peer, channel);
        _state = State.Open;
        _timer?.Cancel();
        return () => release(handle);
    }

    private Action Bad(string why)
    {
        _state = State.Failed;
        return () => Close(why);
    }

    private void Fail(string why)
    {
        lock (_gate)
        {
            if (_state is State.Open or State.Failed)
            {
                return;
            }
            _state = State.Failed;
        }
        Close(why);
    }

    private void Close(string why)
    {
        _timer?.Cancel();
        _ephemeral.Dispose();
        guard.Log.Warning("A connection from {0} was refused: {1}.", raw.RemoteAddress, why);
        raw.Disassociate("the key exchange failed: " + why, guard.Log);
        promise?.TrySetException(new InvalidAssociationException("The remote system did not prove the transport key: " + why));
    }

    private bool NamesThisSystem(byte[] address)
    {
        var local = guard.LocalListen!;
        try
        {
            var named = Address.Parse(Encoding.UTF8.GetString(address));
            return named.System == local.System && named.Port == local.Port;
        }
        catch (Exception e) when (e is UriFormatException or FormatException or ArgumentException)
        {
            return false;
        }
    }

    private enum TranscriptUse { Mac, Signed }

    /// <summary>
    /// The transcript of the exchange so far (a direction label, both nonces, both claimed addresses, both public keys):
    /// its HMAC-SHA256 under the shared key (<see cref="TranscriptUse.Mac"/>: this side holds the key), or the bytes an
    /// endpoint signs with its identity (<see cref="TranscriptUse.Signed"/>: this side holds the address it claims).
    /// </summary>
    private byte[] Transcript(string label, TranscriptUse use)
    {
        using var buffer = new MemoryStream();
        var prefix = use == TranscriptUse.Mac ? "managed-actors-transport-v3|" : "managed-actors-identity-v3|";
        foreach (var field in (byte[][])[Encoding.ASCII.GetBytes(prefix + label), _nonceA, _nonceB, _addressA, _addressB, _keyA, _keyB, _ephemeralA, _ephemeralB])
        {
            Write(buffer, field);
        }
        return use == TranscriptUse.Mac ? HMACSHA256.HashData(guard.Key, buffer.ToArray()) : buffer.ToArray();
    }

    private static ByteString Frame(byte kind, params byte[][] fields)
    {
        using var buffer = new MemoryStream();
        buffer.Write(Magic);
        buffer.WriteByte(kind);
        foreach (var field in fields)
        {
            Write(buffer, field);
        }
        return ByteString.CopyFrom(buffer.ToArray());
    }

    private static void Write(Stream stream, byte[] field)
    {
        stream.WriteByte((byte)field.Length);
        stream.WriteByte((byte)(field.Length >> 8));
        stream.Write(field);
    }

    private static List<byte[]> Parse(byte[] bytes, out byte kind)
    {
        if (bytes.Length < 5 || !bytes.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new FormatException("Not a key-exchange frame.");
        }
        kind = bytes[4];
        var fields = new List<byte[]>();
        var i = 5;
        while (i < bytes.Length)
        {
            if (bytes.Length - i < 2)
            {
                throw new FormatException("A truncated field length.");
            }
            var length = bytes[i] | (bytes[i + 1] << 8);
            i += 2;
            if (length > bytes.Length - i)
            {
                throw new FormatException("A field past the frame's end.");
            }
            fields.Add(bytes.AsSpan(i, length).ToArray());
            i += length;
        }
        return fields;
    }
}
