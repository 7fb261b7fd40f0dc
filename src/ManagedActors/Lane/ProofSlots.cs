using System.Net;

namespace ManagedActors.Lane;

/// <summary>
/// The data port's connections still proving themselves. Each holds a thread until it proves itself or its deadline
/// passes, so they are limited in total and per source address: sockets opened from one address (idle, or dripping
/// their proof a byte at a time) take at most that address's share, and a client from another address still finds a
/// slot.
/// </summary>
/// <param name="total">Unproven connections at once, from every address.</param>
/// <param name="perAddress">Unproven connections at once from one address.</param>
internal sealed class ProofSlots(int total, int perAddress)
{
    private readonly object _gate = new();
    private readonly Dictionary<IPAddress, int> _byAddress = [];
    private int _taken;

    /// <summary>Takes a slot for a connection from <paramref name="address"/>; false when the total or that address's share is full.</summary>
    public bool TryTake(IPAddress address)
    {
        lock (_gate)
        {
            var ofAddress = _byAddress.GetValueOrDefault(address);
            if (_taken >= total || ofAddress >= perAddress)
            {
                return false;
            }
            _taken++;
            _byAddress[address] = ofAddress + 1;
            return true;
        }
    }

    /// <summary>A connection from <paramref name="address"/> proved itself, or was closed.</summary>
    public void Release(IPAddress address)
    {
        lock (_gate)
        {
            _taken--;
            if (_byAddress.TryGetValue(address, out var ofAddress) && ofAddress > 1)
            {
                _byAddress[address] = ofAddress - 1;
            }
            else
            {
                _byAddress.Remove(address);
            }
        }
    }
}
