using ManagedActors.Journaling;
using ManagedActors.Runtime;

namespace ManagedActors.ObjectDirectory;

/// <summary>How an object is spawned: its actor's name, its id, its creator's type arguments, the objects it holds, its journal if any.</summary>
/// <param name="ActorName">The name of its actor (or forwarder) under the directory.</param>
/// <param name="ObjectId">Its id: the name of a named object, a random one otherwise.</param>
/// <param name="Declared">The creator's type arguments.</param>
/// <param name="Holds">The objects its creation arguments refer to.</param>
/// <param name="Gauge">Its gauge for status reports.</param>
/// <param name="Journal">Its journal, for a journaled object.</param>
/// <param name="CreateArgs">Its creation arguments (a plain object's restart makes a new instance from them).</param>
/// <param name="InterfaceType">The interface it was opened through.</param>
internal sealed record Spawn(
    string ActorName, string ObjectId, Type[]? Declared, IReadOnlyCollection<string> Holds, ObjectGauge Gauge, JournalSpec? Journal = null, object?[]? CreateArgs = null,
    string? InterfaceType = null);
