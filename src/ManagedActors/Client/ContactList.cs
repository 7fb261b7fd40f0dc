using Akka.Actor;

namespace ManagedActors.Client;

/// <summary>
/// The hosts a client may go to: the ones its host last named (the cluster's hosts that were up), then the given ones
/// it did not name, since one may be back. Replaced whole, so readers need no lock.
/// </summary>
internal sealed class ContactList(IReadOnlyList<Address> given)
{
    private IReadOnlyList<Address>? _current;

    public IReadOnlyList<Address> Current => Volatile.Read(ref _current) ?? given;

    /// <summary>Whether a host ever named the cluster's hosts (the client talks to a cluster).</summary>
    public bool Named { get; private set; }

    /// <summary>Takes the hosts a host named, those that parse as manager addresses; false when it named none.</summary>
    public bool Learn(IEnumerable<string>? named)
    {
        var learned = new List<Address>();
        foreach (var contact in named ?? [])
        {
            try
            {
                learned.Add(ManagerClient.ParseAddress(contact));
            }
            catch (ArgumentException)
            {
                // A member's role this client cannot read names no contact point.
            }
        }
        if (learned.Count == 0)
        {
            return false;
        }
        Named = true;
        Volatile.Write(ref _current, learned.Concat(given).Distinct().ToList());
        return true;
    }
}
