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
    private static readonly byte[] Magic = "MAG\u0001"u8.ToArray();
    private readonly object _gate = new();
    private volatile State _state;
    private byte[] _nonceA = [], _nonceB = [], _addressA = [], _addressB = [];
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
                if (!raw.Write(Frame(Hello, _nonceA, _addressA, _addressB)))
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
            case State.AwaitHello when kind == Hello && fields is [{ Length: NonceLength } nonce, var from, var to]:
                (_nonceA, _addressA, _addressB) = (nonce, from, to);
                if (!NamesThisSystem(to))
                {
                    return Bad("the dialled address is not this system");
                }
                _nonceB = RandomNumberGenerator.GetBytes(NonceLength);
                _state = State.AwaitProof;
                return raw.Write(Frame(Challenge, _nonceB, Mac("R"))) ? null : Bad("a write failed");
            case State.AwaitChallenge when kind == Challenge && fields is [{ Length: NonceLength } nonce, var mac]:
                _nonceB = nonce;
                var holdsKey = CryptographicOperations.FixedTimeEquals(mac, Mac("R"));
                guard.Keys.Dialled(dialled!, holdsKey);
                if (!holdsKey)
                {
                    return Bad("the listening side does not hold the key");
                }
                if (!raw.Write(Frame(Proof, Mac("I"))))
                {
                    return Bad("a write failed");
                }
                return Opened(handle => promise!.TrySetResult(handle));
            case State.AwaitProof when kind == Proof && fields is [var proof]:
                if (!CryptographicOperations.FixedTimeEquals(proof, Mac("I")))
                {
                    return Bad("the dialling side does not hold the key");
                }
                return Opened(guard.Admit);
            default:
                return Bad("an unexpected frame");
        }
    }

    private Action Opened(Action<GuardedHandle> release)
    {
        var handle = _open = new GuardedHandle(raw);
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

    /// <summary>HMAC-SHA256 under the key over a direction label, both nonces and both claimed addresses.</summary>
    private byte[] Mac(string label)
    {
        using var buffer = new MemoryStream();
        foreach (var field in (byte[][])[Encoding.ASCII.GetBytes("managed-actors-transport-v1|" + label), _nonceA, _nonceB, _addressA, _addressB])
        {
            Write(buffer, field);
        }
        return HMACSHA256.HashData(guard.Key, buffer.ToArray());
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
