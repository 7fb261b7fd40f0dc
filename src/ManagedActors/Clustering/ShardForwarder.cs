using Akka.Actor;
using ManagedActors.Protocol;
using ManagedActors.Runtime;

namespace ManagedActors.Clustering;

/// <summary>
/// A client-facing host's stand-in for one sharded object, at the path its references carry: it checks the caller's
/// session as an object would, then relays the calls (and the withdrawal of a parked one) into the shard region with
/// the caller's client id.
/// </summary>
internal sealed class ShardForwarder(string entityId, ObjectShards shards, HostContext host) : UntypedActor
{
    public static Props PropsFor(string entityId, ObjectShards shards, HostContext host) =>
        Props.Create(() => new ShardForwarder(entityId, shards, host));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Calls calls when !host.Sessions.IsValidFor(calls.Session, Sender):
                ReplyFrames.RefuseSession(Sender, calls, host.Settings.MaxMessageSize);
                break;
            case Calls calls:
                var relayed = new EntityCalls(entityId, host.Sessions.ClientOf(calls.Session), shards.Replies.KeyOf(Sender), calls,
                    shards.Replies.OpenOf(entityId));
                shards.Replies.Track(relayed);
                shards.Region.Tell(relayed, shards.Relay);
                break;
            case CancelCall cancel when host.Sessions.IsValidFor(cancel.Session, Sender):
                shards.Region.Tell(new EntityCancel(entityId, host.Sessions.ClientOf(cancel.Session), cancel.CallId), shards.Relay);
                break;
            case EntityOpen open:
                shards.Replies.Track(open);
                shards.Region.Tell(open, shards.Relay);
                break;
        }
    }
}
