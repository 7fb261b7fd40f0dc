using System.Text;
using Akka.Actor;

namespace ManagedActors.Security;

/// <summary>
/// The peer addresses this system's live associations claim, each with the public key that proved it
/// (<see cref="EndpointIdentity"/>). An address held under one key cannot be claimed under another while any
/// association holds it, whichever side dialled: a peer that holds the authkey but not the victim's private key cannot
/// take over the victim's address, end its sessions or have it quarantined. An entry lives as long as its associations,
/// so the book holds no more than the live connections.
/// </summary>
internal sealed class AddressClaims
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (byte[] Key, int Live)> _held = new(StringComparer.Ordinal);

    /// <summary>An address as the book keys it: system, host and port (the scheme differs between the layers).</summary>
    public static string KeyOf(Address address) => $"{address.System}@{address.Host}:{address.Port}";

    /// <summary>A claimed address from the key exchange's bytes, or null when they are not an address.</summary>
    public static Address? Parse(byte[] claimed)
    {
        try
        {
            var address = Address.Parse(Encoding.UTF8.GetString(claimed));
            return address is { Host: not null, Port: > 0 } ? address : null;
        }
        catch (Exception e) when (e is UriFormatException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The public key a live connection proved <paramref name="address"/> with; null when none holds it.</summary>
    public byte[]? KeyHolding(Address address)
    {
        lock (_gate)
        {
            return _held.TryGetValue(KeyOf(address), out var held) ? held.Key : null;
        }
    }

    /// <summary>
    /// Claims <paramref name="address"/> for an association proven by <paramref name="publicKey"/>: a claim to dispose
    /// of when the association ends, or null when a live association holds the address under another key.
    /// </summary>
    public IDisposable? TryClaim(Address address, byte[] publicKey)
    {
        var key = KeyOf(address);
        lock (_gate)
        {
            if (_held.TryGetValue(key, out var held))
            {
                if (!held.Key.AsSpan().SequenceEqual(publicKey))
                {
                    return null;
                }
                _held[key] = (held.Key, held.Live + 1);
            }
            else
            {
                _held[key] = (publicKey, 1);
            }
        }
        return new Claim(this, key);
    }

    private void Release(string key)
    {
        lock (_gate)
        {
            if (_held.TryGetValue(key, out var held))
            {
                if (held.Live <= 1)
                {
                    _held.Remove(key);
                }
                else
                {
                    _held[key] = (held.Key, held.Live - 1);
                }
            }
        }
    }

    private sealed class Claim(AddressClaims book, string key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                book.Release(key);
            }
        }
    }
}
