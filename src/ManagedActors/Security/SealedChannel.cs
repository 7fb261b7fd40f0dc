using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ManagedActors.Security;

/// <summary>
/// AES-256-GCM over every payload of a proven connection, one key per direction, derived from an ephemeral ECDH
/// agreement inside the key exchange's signed transcript: the keys never travel, so a reader of the traffic, even one
/// that holds the authkey, sees no token, no reply path and no value, and a byte changed or injected on the path fails
/// the tag and closes the connection. The nonce is the payload's number in its direction, so a replayed, dropped or
/// reordered payload fails too (TCP delivers them in order).
/// </summary>
internal sealed class SealedChannel : IDisposable
{
    /// <summary>Bytes a sealed payload adds: the tag.</summary>
    public const int Overhead = 16;

    private readonly AesGcm _send, _receive;
    private ulong _sent, _received;

    private SealedChannel(byte[] sendKey, byte[] receiveKey)
    {
        _send = new AesGcm(sendKey, Overhead);
        _receive = new AesGcm(receiveKey, Overhead);
    }

    /// <summary>
    /// The channel of one side: both directions' keys from the ECDH secret, salted with the transport key and bound to
    /// the transcript (<paramref name="transcript"/>), the dialler's direction first.
    /// </summary>
    public static SealedChannel Derive(byte[] secret, byte[] transportKey, byte[] transcript, bool dialler)
    {
        var keys = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 64, salt: transportKey, info: SHA256.HashData(transcript));
        var (outbound, inbound) = (keys[..32], keys[32..]);
        return dialler ? new SealedChannel(outbound, inbound) : new SealedChannel(inbound, outbound);
    }

    /// <summary>Seals the next outgoing payload; callers serialize their calls (the order is the nonce).</summary>
    public byte[] Seal(ReadOnlySpan<byte> plain)
    {
        var output = new byte[plain.Length + Overhead];
        Seal(plain, output);
        return output;
    }

    /// <summary>Seals the next outgoing payload into <paramref name="output"/>, which takes <see cref="Overhead"/> bytes more than it.</summary>
    public void Seal(ReadOnlySpan<byte> plain, Span<byte> output)
    {
        Span<byte> nonce = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(nonce[4..], _sent++);
        _send.Encrypt(nonce, plain, output[..plain.Length], output.Slice(plain.Length, Overhead));
    }

    /// <summary>Opens the next incoming payload; null when it was not sealed by the other side as the next one.</summary>
    public byte[]? Open(ReadOnlySpan<byte> sealedPayload)
    {
        if (sealedPayload.Length < Overhead)
        {
            return null;
        }
        var plain = new byte[sealedPayload.Length - Overhead];
        return Open(sealedPayload, plain) ? plain : null;
    }

    /// <summary>
    /// Opens the next incoming payload into <paramref name="plain"/> (<see cref="Overhead"/> bytes shorter than it); false
    /// when it was not sealed by the other side as the next one, and then <paramref name="plain"/> holds nothing of it.
    /// </summary>
    public bool Open(ReadOnlySpan<byte> sealedPayload, Span<byte> plain)
    {
        var length = sealedPayload.Length - Overhead;
        if (length < 0 || plain.Length < length)
        {
            return false;
        }
        Span<byte> nonce = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(nonce[4..], _received);
        try
        {
            _receive.Decrypt(nonce, sealedPayload[..length], sealedPayload[length..], plain[..length]);
        }
        catch (CryptographicException)
        {
            return false;
        }
        _received++;
        return true;
    }

    public void Dispose()
    {
        _send.Dispose();
        _receive.Dispose();
    }
}
