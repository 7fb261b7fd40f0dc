using System.Security.Cryptography;

namespace ManagedActors.Security;

/// <summary>
/// The secret only one endpoint holds: an ECDSA P-256 key pair made when its transport starts and never written
/// anywhere. The key exchange signs its transcript (both nonces, both claimed addresses, both public keys) with it, so
/// an address is claimed by whoever holds the private key that first claimed it, not by whoever holds the authkey.
/// </summary>
internal sealed class EndpointIdentity
{
    /// <summary>The longest public key or signature a peer may present (a P-256 key is 91 bytes, a signature 64).</summary>
    public const int MaxFieldLength = 160;

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public EndpointIdentity() => PublicKey = _key.ExportSubjectPublicKeyInfo();

    /// <summary>The public key, as a SubjectPublicKeyInfo.</summary>
    public byte[] PublicKey { get; }

    /// <summary>Signs <paramref name="transcript"/> (SHA-256, IEEE P1363 format).</summary>
    public byte[] Sign(byte[] transcript) => _key.SignData(transcript, HashAlgorithmName.SHA256);

    /// <summary>Whether <paramref name="signature"/> is <paramref name="publicKey"/>'s over <paramref name="transcript"/>; false for any malformed key.</summary>
    public static bool Verify(byte[] publicKey, byte[] transcript, byte[] signature)
    {
        if (publicKey.Length > MaxFieldLength || signature.Length > MaxFieldLength)
        {
            return false;
        }
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(publicKey, out var read);
            return read == publicKey.Length && key.KeySize == 256 && key.VerifyData(transcript, signature, HashAlgorithmName.SHA256);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
