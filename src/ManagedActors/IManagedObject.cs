namespace ManagedActors;

/// <summary>
/// The base of every proxy interface. A proxy's calls travel to the object's actor on the host; a proxy can be
/// passed to other processes and stored inside other managed objects, where it stays a live reference.
/// Disposing a proxy lets its object go: an anonymous object lives while a live client holds an undisposed
/// proxy to it or another managed object stores a reference to it; a named one until it is deleted.
/// </summary>
public interface IManagedObject : IAsyncDisposable
{
}

/// <summary>
/// Marks a proxy method that waits on the host until a condition holds (a get from an empty queue, say). Its
/// <c>TimeSpan? timeout</c> parameter bounds the wait, and the client waits that long plus a margin; with no
/// timeout it waits until the condition holds, the call is cancelled, or the host goes away.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class BlockingCallAttribute : Attribute
{
}

/// <summary>
/// Marks a proxy method that reads the object and changes nothing (a get, a count, a snapshot). The host skips such
/// calls where only changes matter: a durable object journals only the calls that are not marked. Mark the read-only
/// methods of a registered type's interface the same way; an unmarked method counts as one that changes the object.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ReadOnlyCallAttribute : Attribute
{
}

/// <summary>
/// Marks a proxy interface whose objects tell their callers apart by flow of async code, not by connection: every
/// call carries its flow's <see cref="LockOwner"/> (an RLock is reentrant per task, as Python's is per thread).
/// </summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
internal sealed class OwnerBoundAttribute : Attribute
{
}
