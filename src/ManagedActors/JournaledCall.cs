namespace ManagedActors;

/// <summary>
/// A journaled call as an upcaster rewrites it (<see cref="ManagerOptions.Upcast"/>): the journal key of the method it
/// is replayed into, and its arguments in that method's order (without the cancellation token).
/// </summary>
/// <param name="JournalKey">The key of the method to replay the call into (<c>Interface.Method</c>, or its <see cref="ManagedMethodAttribute"/> key).</param>
/// <param name="Arguments">The call's arguments for that method; trailing parameters with default values may be left out.</param>
public sealed record JournaledCall(string JournalKey, IReadOnlyList<object?> Arguments);
