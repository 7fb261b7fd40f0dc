using ManagedActors.Protocol;
using ManagedActors.Runtime;

namespace ManagedActors.Journaling;

/// <summary>The first event of a journaled object: the arguments it was created with, encoded by the host's codec.</summary>
internal sealed record ObjectCreated(byte[] Args) : IJournalEvent;

/// <summary>
/// A journaled object's state as the creation arguments that rebuild it, encoded by the host's codec, and what it
/// remembers of the calls it ran (<see cref="RequestLedger"/>; empty in a snapshot written before it had one).
/// </summary>
internal sealed record ObjectSnapshot(byte[] Args, byte[] Ledger) : IJournalEvent;

/// <summary>
/// The calls of one batch that may have changed a journaled object, in the order they ran (command sourcing), the
/// client that made them (a call's client and id name it across reconnections), and when they ran (Unix milliseconds;
/// 0 in an event written before it was kept), which the object's clock shows again when they are replayed. Each call
/// names its method by its journal key (<see cref="JournalKeys"/>; null in an event written before keys, whose wire
/// ids name the methods).
/// </summary>
internal sealed record JournaledCalls(Guid Client, CallRequest[] Items, long At = 0, string[]? Keys = null) : IJournalEvent;

/// <summary>
/// An event or snapshot this version cannot read (a newer journal format, or a manifest it does not know), as the
/// serializer hands it over instead of failing the read, so the object can say what happened (<see cref="Reason"/>).
/// </summary>
internal sealed record UnreadableEvent(string Manifest, string Reason) : IJournalEvent;

/// <summary>
/// What a journaled object did outside its calls (parked calls timed out or withdrawn, clients' holds let go), and
/// when, so a replay does it again between the same calls.
/// </summary>
internal sealed record JournaledWaits(long At, WaitEnd[] Ends) : IJournalEvent;

/// <summary>What a journaled object writes to its journal.</summary>
internal interface IJournalEvent;
