using Akka.Actor;
using ManagedActors.ObjectDirectory;

namespace ManagedActors.Clustering;

/// <summary>
/// The relay in the members' system: hands each <see cref="RelayedResults"/> to the reply target its key names, tells
/// the host's directory of each confirmed creation, and sends again, marked as resent, the calls whose answers are overdue.
/// </summary>
internal sealed class ReplyRelay(ReplyBook book, IActorRef directory, IActorRef region, TimeSpan resendAfter, TimeSpan giveUp) : UntypedActor, IWithTimers
{
    public const string Name = "managed-actors-replies";

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(ReplyBook book, IActorRef directory, IActorRef region, TimeSpan resendAfter, TimeSpan giveUp) =>
        Props.Create(() => new ReplyRelay(book, directory, region, resendAfter, giveUp));

    protected override void PreStart() => Timers.StartPeriodicTimer("resend", Resend.Instance, resendAfter / 2);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RelayedResults relayed:
                book.Answered(relayed.ReplyKey, relayed.Results);
                // Sent as from the client-facing host, whose address is the only one a client takes answers from.
                book.TargetOf(relayed.ReplyKey)?.Tell(relayed.Results, directory);
                break;
            case EntityOpened opened:
                book.Opened(opened.EntityId);
                directory.Tell(new CreationConfirmed(opened.EntityId));
                break;
            case Resend:
                foreach (var again in book.Overdue(resendAfter, giveUp))
                {
                    region.Tell(again, Self);
                }
                foreach (var open in book.OverdueOpens(resendAfter, giveUp))
                {
                    region.Tell(open, Self);
                }
                // A target idle for longer than any call may wait has no caller left to answer.
                book.ForgetIdle(giveUp);
                break;
        }
    }

    private sealed class Resend
    {
        public static readonly Resend Instance = new();
    }
}
