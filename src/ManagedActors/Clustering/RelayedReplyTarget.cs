using Akka.Actor;
using ManagedActors.Protocol;

namespace ManagedActors.Clustering;

/// <summary>
/// The reply target a sharded object's runner answers: it wraps the answers for the relay of the host that relayed the
/// calls, so the runner answers a relayed call as it answers any other.
/// </summary>
internal sealed class RelayedReplyTarget(IActorRef relay, long replyKey, IActorRefProvider provider) : MinimalActorRef
{
    public override ActorPath Path { get; } = relay.Path / ("reply-" + replyKey.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public override IActorRefProvider Provider => provider;

    protected override void TellInternal(object message, IActorRef sender)
    {
        if (message is Results results)
        {
            relay.Tell(new RelayedResults(replyKey, results), ActorRefs.NoSender);
        }
    }
}
