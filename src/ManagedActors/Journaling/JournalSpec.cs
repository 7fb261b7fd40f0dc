namespace ManagedActors.Journaling;

/// <summary>How a journaled object is made and where it journals.</summary>
/// <param name="Durability">Memory or Durable: which journal.</param>
/// <param name="PersistenceId">The object's journal stream: a named object finds its own again after a host restart.</param>
/// <param name="CreateArgs">
/// The arguments it is created with, journaled as its first event; null to bring back an object the journal holds
/// (one that is not there stops at once).
/// </param>
internal sealed record JournalSpec(Durability Durability, string PersistenceId, object?[]? CreateArgs);
