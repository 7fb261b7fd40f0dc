using Akka.Actor;
using ManagedActors.Sessions;

namespace ManagedActors.Clustering;

/// <summary>
/// Answers the cluster's sharded objects which clients have a session open on this host: an object that holds
/// something for a client (a lock, permits, a parked call) keeps it while some member answers yes.
/// </summary>
internal sealed class ClientPresence(SessionTable sessions) : UntypedActor
{
    public const string Name = "managed-actors-presence";

    /// <summary>The most clients one query may ask about: a larger one is answered for its first ones only.</summary>
    private const int MaxAsked = 4096;

    public static Props PropsFor(SessionTable sessions) => Props.Create(() => new ClientPresence(sessions));

    protected override void OnReceive(object message)
    {
        if (message is PresenceQuery query)
        {
            Sender.Tell(new PresenceReply([.. query.Clients.Take(MaxAsked).Where(sessions.HasClient)]));
        }
    }
}
