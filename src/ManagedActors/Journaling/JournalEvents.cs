using ManagedActors.Protocol;

namespace ManagedActors.Journaling;

/// <summary>The first event of a journaled object: the arguments it was created with, encoded by the host's codec.</summary>
internal sealed record ObjectCreated(byte[] Args) : IJournalEvent;

/// <summary>
/// A journaled object's state as the creation arguments that rebuild it, encoded by the host's codec, and what it
/// remembers of the calls it ran (<see cref="RequestLedger"/>; empty in a snapshot written before it had one).
/// </summary>
internal sealed record ObjectSnapshot(byte[] Args, byte[] Ledger) : IJournalEvent;

/// <summary>
/// The calls of one batch that may have changed a journaled object, in the order they ran (command sourcing), and the
/// client that made them: a call's client and id name it across reconnections.
/// </summary>
internal sealed record JournaledCalls(Guid Client, CallRequest[] Items) : IJournalEvent;

/// <summary>What a journaled object writes to its journal.</summary>
internal interface IJournalEvent;
