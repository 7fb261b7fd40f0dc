using Akka.Actor;

namespace ManagedActors.Sessions;

/// <summary>
/// Sessions whose client died or left: the directory lets go of what they held, then every object of what it held for
/// them. A direct-lane connection that closes publishes one on the host's event stream, and the
/// <see cref="SessionMonitor"/> passes it on.
/// </summary>
internal sealed record SessionsEnded(IReadOnlyList<Guid> Sessions) : INoSerializationVerificationNeeded;
