using Akka.Actor;

namespace ManagedActors.ObjectDirectory;

/// <summary>
/// From the host, once it is a cluster member: durable objects are sharded from now on, through the router
/// <paramref name="Router"/> makes in the directory's context, and the cluster is seen through <paramref name="View"/>.
/// </summary>
internal sealed record UseCluster(Func<IActorContext, IObjectRouter> Router, IClusterView View) : INoSerializationVerificationNeeded;

/// <summary>From this host's relay: the member that runs a sharded object this host asked for confirmed it exists.</summary>
internal sealed record CreationConfirmed(string EntityId) : INoSerializationVerificationNeeded;
