namespace ManagedActors;

/// <summary>
/// Who holds a level of an <see cref="Synchronization.IManagedRLock"/> or the lock of an
/// <see cref="Synchronization.IManagedCondition"/>: a flow of async code, as a thread is to Python. Tasks that share
/// one proxy are separate owners, so a second task's acquire waits while the first holds the lock. A flow gets its
/// owner at its first acquire (or the first read of <see cref="Current"/>); the code after that call in the same
/// method, the methods it calls and the tasks it starts from then on share it. An <c>async</c> method that gets the
/// owner for its flow keeps it to itself: acquire and release in the same method, or read <see cref="Current"/>
/// before calling a helper that acquires. When a client process dies, the host releases what its flows held.
/// </summary>
public static class LockOwner
{
    private static readonly AsyncLocal<Guid?> Flow = new();

    /// <summary>The current flow's owner identity; a flow that has none gets a new one here, which its caller then shares.</summary>
    public static Guid Current => Flow.Value ??= Guid.NewGuid();

    /// <summary>
    /// Makes the current flow a new owner until the result is disposed (then the previous owner is back). For a task
    /// started by a flow that already owns something, which would otherwise act as that owner:
    /// <c>using (LockOwner.BeginNew()) { await rlock.AcquireAsync(); … }</c>.
    /// </summary>
    public static IDisposable BeginNew() => new Scope(Guid.NewGuid());

    /// <summary>Acts as <paramref name="owner"/> until disposed: a lock holding releases as the owner that acquired it.</summary>
    internal static IDisposable Use(Guid owner) => new Scope(owner);

    private sealed class Scope : IDisposable
    {
        private readonly Guid? _previous = Flow.Value;

        public Scope(Guid owner) => Flow.Value = owner;

        public void Dispose() => Flow.Value = _previous;
    }
}
