using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Akka.Actor;

namespace ManagedActors.Security;

/// <summary>
/// The host's side of the authkey handshake, kept cheap and bounded against a flood of unauthenticated peers.
/// A challenge is stateless: it carries its own expiry and a MAC, under a secret of this host, over the reply
/// endpoint that asked for it, so it is bound to that endpoint and a flood of <c>Hello</c>s stores nothing.
/// Hellos are rate-limited per remote address in a bounded table; only proofs that pass the authkey are remembered
/// (to refuse a replayed proof), so nobody without the key can grow any table.
/// </summary>
internal sealed class HandshakeGuard
{
    private const int RandomLength = 16, MacLength = 32, NonceLength = sizeof(long) + RandomLength + MacLength;
    private const int MaxAddresses = 4096, MaxUsed = 65_536;

    private readonly byte[] _authKey;
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private readonly TimeSpan _lifetime;
    private readonly double _burst;
    private readonly double _perSecond;
    private readonly Dictionary<Address, Bucket> _buckets = [];
    private readonly Dictionary<string, long> _used = new(StringComparer.Ordinal);

    public HandshakeGuard(byte[] authKey, TimeSpan lifetime, int burst, double perSecond)
    {
        _authKey = authKey;
        _lifetime = lifetime;
        _burst = burst;
        _perSecond = perSecond;
    }

    /// <summary>Hellos refused by the rate limit since the host started.</summary>
    public long Throttled { get; private set; }

    /// <summary>A challenge for <paramref name="replyTo"/>, or null when its address asks too often (no answer is sent).</summary>
    public byte[]? Challenge(IActorRef replyTo, Address from)
    {
        if (!replyTo.Path.Address.Equals(from) || !Admit(from))
        {
            Throttled++;
            return null;
        }
        var nonce = new byte[NonceLength];
        BinaryPrimitives.WriteInt64LittleEndian(nonce, Environment.TickCount64 + (long)_lifetime.TotalMilliseconds);
        RandomNumberGenerator.Fill(nonce.AsSpan(sizeof(long), RandomLength));
        Sign(nonce.AsSpan(0, NonceLength - MacLength), replyTo).CopyTo(nonce.AsSpan(NonceLength - MacLength));
        return nonce;
    }

    /// <summary>Null when the proof admits its reply endpoint; otherwise why it is refused.</summary>
    public string? Verify(IActorRef replyTo, byte[] nonce, byte[] mac, Address from)
    {
        if (nonce.Length != NonceLength || !replyTo.Path.Address.Equals(from)
            || !CryptographicOperations.FixedTimeEquals(Sign(nonce.AsSpan(0, NonceLength - MacLength), replyTo), nonce.AsSpan(NonceLength - MacLength)))
        {
            return "The challenge was not issued to this endpoint; start the handshake again.";
        }
        var now = Environment.TickCount64;
        if (BinaryPrimitives.ReadInt64LittleEndian(nonce) < now)
        {
            return "The challenge expired; start the handshake again.";
        }
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_authKey, nonce), mac))
        {
            return "The authkey does not match the manager's.";
        }
        var key = Convert.ToHexString(nonce, sizeof(long), RandomLength);
        if (_used.ContainsKey(key))
        {
            return "The challenge was answered already; start the handshake again.";
        }
        if (_used.Count >= MaxUsed)
        {
            foreach (var stale in _used.Where(u => u.Value < now).Select(u => u.Key).ToList())
            {
                _used.Remove(stale);
            }
        }
        _used[key] = BinaryPrimitives.ReadInt64LittleEndian(nonce);
        return null;
    }

    private byte[] Sign(ReadOnlySpan<byte> body, IActorRef replyTo)
    {
        var path = Encoding.UTF8.GetBytes(replyTo.Path.ToStringWithAddress());
        var data = new byte[body.Length + path.Length];
        body.CopyTo(data);
        path.CopyTo(data, body.Length);
        return HMACSHA256.HashData(_secret, data);
    }

    /// <summary>A token bucket per address; the table is bounded, and idle buckets (full again) are the first to go.</summary>
    private bool Admit(Address from)
    {
        var now = Environment.TickCount64;
        if (!_buckets.TryGetValue(from, out var bucket))
        {
            if (_buckets.Count >= MaxAddresses)
            {
                foreach (var idle in _buckets.Where(b => b.Value.Refill(now, _burst, _perSecond) >= _burst).Select(b => b.Key).ToList())
                {
                    _buckets.Remove(idle);
                }
                if (_buckets.Count >= MaxAddresses)
                {
                    // Every address is busy: a flood from forged addresses. Starting over costs a real client nothing.
                    _buckets.Clear();
                }
            }
            bucket = new Bucket(_burst, now);
            _buckets[from] = bucket;
        }
        if (bucket.Refill(now, _burst, _perSecond) < 1)
        {
            return false;
        }
        bucket.Tokens -= 1;
        return true;
    }

    private sealed class Bucket(double tokens, long at)
    {
        public double Tokens { get; set; } = tokens;

        private long _at = at;

        public double Refill(long now, double burst, double perSecond)
        {
            Tokens = Math.Min(burst, Tokens + (now - _at) * perSecond / 1000.0);
            _at = now;
            return Tokens;
        }
    }
}
