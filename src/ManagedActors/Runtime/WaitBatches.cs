using Akka.Actor;
using ManagedActors.Objects;

namespace ManagedActors.Runtime;

/// <summary>
/// What a journaled object does with its parked calls outside the calls it runs: timeouts, withdrawals and clients'
/// holds let go, each journaled (<see cref="WaitEnd"/>) so a replay does it again at the same point; and the calls a
/// replay or a lost connection left without a caller, which wait for their client to send them again.
/// </summary>
internal static class WaitBatches
{
    /// <summary>Times out the parked calls whose deadline passed; one left without a caller is withdrawn instead. Null when none did.</summary>
    public static BatchOutcome? Sweep(ObjectRunner runner)
    {
        var expired = runner.Parked.TakeExpired();
        return expired.Count == 0 ? null : runner.RunOutsideCalls(ends =>
        {
            foreach (var call in expired.Where(c => !c.IsCompleted))
            {
                if (call.Orphaned)
                {
                    ends.Add(new WaitEnd(WaitEndKind.Withdrawn, call.Session, call.CallId));
                    call.Cancelled();
                }
                else
                {
                    ends.Add(new WaitEnd(WaitEndKind.TimedOut, call.Session, call.CallId));
                    call.TimedOut();
                }
            }
        });
    }

    /// <summary>The client withdrew a parked call; null when no such call waits.</summary>
    public static BatchOutcome? Cancel(ObjectRunner runner, Guid client, long callId) =>
        runner.Parked.Find(client, callId) is not { } call ? null : runner.RunOutsideCalls(ends =>
        {
            ends.Add(new WaitEnd(WaitEndKind.Withdrawn, client, callId));
            call.Cancelled();
        });

    /// <summary>The leases of <paramref name="clients"/> ran out: what the object held for them goes, and their parked calls.</summary>
    public static BatchOutcome Release(ObjectRunner runner, IReadOnlyList<Guid> clients) => runner.RunOutsideCalls(ends =>
    {
        foreach (var client in clients)
        {
            ends.Add(new WaitEnd(WaitEndKind.Released, client, 0));
            ReleaseClient(runner, client);
        }
    });

    /// <summary>Does again what the journal says the object did outside its calls.</summary>
    public static void Replay(ObjectRunner runner, IReadOnlyList<WaitEnd> ends, long clock) => runner.RunOutsideCalls(_ =>
    {
        foreach (var end in ends)
        {
            switch (end.Kind)
            {
                case WaitEndKind.TimedOut:
                    runner.Parked.Find(end.Client, end.CallId)?.TimedOut();
                    break;
                case WaitEndKind.Withdrawn:
                    runner.Parked.Find(end.Client, end.CallId)?.Cancelled();
                    break;
                case WaitEndKind.Released:
                    ReleaseClient(runner, end.Client);
                    break;
            }
        }
    }, clock, replay: true);

    /// <summary>
    /// The connections of <paramref name="sessions"/> ended: their parked calls wait, without a caller, until their
    /// client sends them again, or <paramref name="wait"/> passes and they are withdrawn.
    /// </summary>
    public static void Orphan(ObjectRunner runner, IReadOnlyCollection<Guid> sessions, TimeSpan wait)
    {
        foreach (var call in runner.Parked.All().OfType<RunnerCall>().Where(c => sessions.Contains(c.ReplySession)))
        {
            Orphan(runner, call, wait);
        }
    }

    /// <summary>Recovery is over: every call still parked was replayed, and waits for its client to send it again.</summary>
    public static void OrphanAll(ObjectRunner runner, TimeSpan wait)
    {
        foreach (var call in runner.Parked.All())
        {
            Orphan(runner, call, wait);
        }
    }

    /// <summary>A parked call sent again: it answers the new connection, and its own timeout runs from now.</summary>
    public static void Adopt(ObjectRunner runner, RunnerCall call, IActorRef replyTo, Guid session)
    {
        call.Rebind(replyTo, session);
        runner.Parked.SetDeadline(call, call.Timeout is { } t ? Environment.TickCount64 + (long)Math.Max(0, t.TotalMilliseconds) : long.MaxValue);
    }

    /// <summary>The clients a journaled object holds something for, or has parked calls of.</summary>
    public static IEnumerable<Guid> Holders(ObjectRunner runner) =>
        ((runner.Target as ISessionAware)?.Holders ?? []).Concat(runner.Parked.All().Select(c => c.Session)).Distinct();

    private static void Orphan(ObjectRunner runner, Call call, TimeSpan wait)
    {
        call.Orphaned = true;
        runner.Parked.SetDeadline(call, Math.Min(call.Deadline, Environment.TickCount64 + (long)wait.TotalMilliseconds));
    }

    private static void ReleaseClient(ObjectRunner runner, Guid client)
    {
        (runner.Target as ISessionAware)?.SessionEnded(client);
        foreach (var call in runner.Parked.OfSession(client))
        {
            call.Cancelled();
        }
    }
}

/// <summary>How a journaled object's parked call, or a client's holds, ended outside any call.</summary>
internal enum WaitEndKind : byte
{
    /// <summary>The parked call's timeout passed.</summary>
    TimedOut = 0,

    /// <summary>The parked call was withdrawn: cancelled by its client, or never sent again after its connection ended.</summary>
    Withdrawn = 1,

    /// <summary>The client's lease ran out: what the object held for it is let go, and its parked calls withdrawn.</summary>
    Released = 2,
}

/// <summary>
/// One change a journaled object made outside any call, which its journal keeps so a replay makes it again at the same
/// point: which parked call (its client and id) or which client's holds (<see cref="WaitEndKind.Released"/>, no call).
/// </summary>
internal readonly record struct WaitEnd(WaitEndKind Kind, Guid Client, long CallId);
