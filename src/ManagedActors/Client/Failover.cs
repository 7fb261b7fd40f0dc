using Akka.Actor;

namespace ManagedActors.Client;

/// <summary>Admits a client at one host: its admission and the contact points that host names (empty off a cluster).</summary>
internal delegate Task<(Admission Admission, string[] Contacts)> AdmitAt(Address host, TimeSpan timeout, CancellationToken cancellationToken);

/// <summary>
/// Where a client goes when its host is lost: the order it tries its contact points in, the share of the time each one
/// gets, and the contact points themselves, learned from every host it connects to and refreshed while it runs. After a
/// loss the next host is tried first and the lost one last; a given host the cluster does not name stays in the list,
/// since it may come back.
/// </summary>
internal sealed class Failover
{
    /// <summary>The least time one host gets, however many there are.</summary>
    private static readonly TimeSpan MinShare = TimeSpan.FromSeconds(2);

    private readonly ContactList _contacts;

    /// <param name="given">The hosts the client was given, in order; at least one.</param>
    /// <exception cref="ArgumentException">No host is given.</exception>
    public Failover(IReadOnlyList<Address> given)
    {
        if (given.Count == 0)
        {
            throw new ArgumentException("At least one host address is needed.", nameof(given));
        }
        _contacts = new ContactList(given);
    }

    /// <summary>The hosts in the order a first connection tries them.</summary>
    public IReadOnlyList<Address> Contacts => _contacts.Current;

    /// <summary>Whether there is another host to go to: a host that shuts down is then a lost connection, not the end.</summary>
    public bool HasAlternatives => _contacts.Current.Count > 1;

    /// <summary>Whether a host ever named the cluster's hosts (the client talks to a cluster, whose list it refreshes).</summary>
    public bool KnowsCluster => _contacts.Named;

    /// <summary>
    /// Admits the client at the first host that lets it in, within <paramref name="timeout"/>: each host gets its share of
    /// the time (at least <see cref="MinShare"/>), the last one what is left. A host that does not answer
    /// (<see cref="HostUnavailableException"/>) passes the turn to the next; any other refusal (a wrong key) ends the search.
    /// </summary>
    /// <param name="current">The host the client talked to last.</param>
    /// <param name="afterLoss">Whether <paramref name="current"/> was lost: it is then tried last.</param>
    /// <param name="timeout">The time for the whole search.</param>
    /// <param name="admitAt">Admits the client at one host.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <exception cref="HostUnavailableException">No host answered; the last host's error.</exception>
    public async Task<(Address Host, Admission Admission)> ConnectAsync(
        Address current, bool afterLoss, TimeSpan timeout, AdmitAt admitAt, CancellationToken cancellationToken)
    {
        var order = Order(current, afterLoss);
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var share = TimeSpan.FromMilliseconds(Math.Max(MinShare.TotalMilliseconds, timeout.TotalMilliseconds / order.Count));
        for (var i = 0; ; i++)
        {
            var left = TimeSpan.FromMilliseconds(Math.Max(deadline - Environment.TickCount64, 1000));
            var host = order[i];
            try
            {
                var (admission, contacts) = await admitAt(host, i == order.Count - 1 || share > left ? left : share, cancellationToken).ConfigureAwait(false);
                // A host of a cluster names the hosts that are up now.
                _contacts.Learn(contacts);
                return (host, admission);
            }
            catch (HostUnavailableException) when (i < order.Count - 1)
            {
                // The next host's turn.
            }
        }
    }

    /// <summary>The hosts in the order to try them: from the first, or after a loss from the one after <paramref name="current"/>, which goes last.</summary>
    public IReadOnlyList<Address> Order(Address current, bool afterLoss)
    {
        var contacts = _contacts.Current;
        var at = contacts.ToList().IndexOf(current);
        if (contacts.Count == 1 || at < 0)
        {
            // The current host is not among them (the cluster names it otherwise): from the first.
            return contacts;
        }
        return Enumerable.Range(afterLoss ? 1 : 0, contacts.Count).Select(i => contacts[(at + i) % contacts.Count]).ToList();
    }

    /// <summary>
    /// Asks the host for the cluster's hosts that are up, every <paramref name="every"/>, until <paramref name="stopping"/>
    /// is cancelled or the manager shuts down; a round that fails (the host is being replaced, or slow) is skipped.
    /// </summary>
    public async Task RefreshAsync(TimeSpan every, Func<CancellationToken, Task<string[]>> ask, CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                await Task.Delay(every, stopping).ConfigureAwait(false);
                _contacts.Learn(await ask(stopping).ConfigureAwait(false));
            }
            catch (Exception e) when (stopping.IsCancellationRequested || e is ManagerShutDownException)
            {
                return;
            }
            catch (ManagedActorsException)
            {
                // The host is being replaced (the next call connects to another) or is slow: the next round asks again.
            }
        }
    }
}
