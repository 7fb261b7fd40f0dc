namespace ManagedActors.Synchronization;

/// <summary>
/// The fencing tokens of one lock or semaphore: each grant's is above the last, and never below the wall clock's
/// milliseconds times 2^20 at the grant. So a token rises with every grant of the object, and a grant made after
/// another object of the same name was lost (its host died, and the name was opened again elsewhere) is above every
/// token the lost object gave, as long as the hosts' clocks agree within the failover time and no object grants a
/// million times in a millisecond. A guarded resource keeps the highest token it has seen and refuses lower ones.
/// </summary>
internal struct FencingTokens
{
    private long _last;

    /// <summary>
    /// The token of a grant made at <paramref name="clock"/> (Unix milliseconds: the object's <c>Clock</c>, which a
    /// journaled object replays as it was, so a recovered object gives the tokens it gave).
    /// </summary>
    public long Next(long clock)
    {
        var floor = clock << 20;
        _last = Math.Max(_last + 1, floor);
        return _last;
    }
}
