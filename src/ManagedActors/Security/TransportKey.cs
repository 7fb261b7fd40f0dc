using System.Collections.Concurrent;
using System.Security.Cryptography;
using Akka.Actor;

namespace ManagedActors.Security;

/// <summary>
/// The key an ActorSystem's connections prove before Akka's protocol runs on them (<see cref="AssociationGuard"/>):
/// derived from the manager's authkey with HKDF-SHA256, so the transport's MACs never reuse the handshake's key.
/// It travels in the system's setup, never in its configuration, so no HOCON dump or log shows it.
/// </summary>
internal sealed class TransportKey : Akka.Actor.Setup.Setup
{
    /// <summary>The derivation label of the keys clients and hosts prove to each other (from the authkey).</summary>
    public const string ClientLabel = "managed-actors transport v1";

    /// <summary>The derivation label of the keys cluster members prove to each other (from the cluster key).</summary>
    public const string ClusterLabel = "managed-actors cluster v1";

    private readonly ConcurrentDictionary<(string? Host, int? Port), bool> _wrongKey = new();

    public TransportKey(byte[] authKey, string label = ClientLabel)
    {
        if (authKey.Length < 16)
        {
            throw new ArgumentException("The authkey must be at least 16 bytes long.", nameof(authKey));
        }
        AuthKey = authKey.ToArray();
        Key = HKDF.DeriveKey(HashAlgorithmName.SHA256, authKey, 32, salt: [], info: System.Text.Encoding.ASCII.GetBytes(label));
    }

    /// <summary>The secret the transport key was derived from: the manager's authkey, or the cluster key.</summary>
    public byte[] AuthKey { get; }

    /// <summary>The 32-byte key of the transport's HMACs.</summary>
    public byte[] Key { get; }

    /// <summary>This system's own identity: the private key behind every address it claims, and behind its lanes' proofs.</summary>
    public EndpointIdentity Identity { get; } = new();

    /// <summary>The peer addresses this system's live connections proved, with their keys.</summary>
    public AddressClaims Claims { get; } = new();

    /// <summary>The last connection this system dialled to <paramref name="remote"/> met a listener that does not hold the key.</summary>
    public bool ListenerLacksKey(Address remote) => _wrongKey.ContainsKey((remote.Host, remote.Port));

    /// <summary>Records what the last connection dialled to <paramref name="remote"/> found out about its listener's key.</summary>
    public void Dialled(Address remote, bool listenerHoldsKey)
    {
        if (listenerHoldsKey)
        {
            _wrongKey.TryRemove((remote.Host, remote.Port), out _);
        }
        else
        {
            _wrongKey[(remote.Host, remote.Port)] = true;
        }
    }

    /// <summary>The transport key <paramref name="system"/> was created with, or null.</summary>
    public static TransportKey? Of(ActorSystem system)
    {
        var found = system.Settings.Setup.Get<TransportKey>();
        return found.HasValue ? found.Value : null;
    }
}
