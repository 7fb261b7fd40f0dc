namespace ManagedActors.Journaling;

/// <summary>
/// The journal stream of each journaled object, <c>managed-object|{kind}|named|{name}</c> or
/// <c>managed-object|{kind}|anonymous|{id}</c>: a named object finds its own again after its host restarts, and in a
/// cluster it is also the object's entity id, so any host reaches a named object by computing it.
/// </summary>
internal static class PersistenceIds
{
    /// <summary>What every journaled object's persistence id starts with, before its kind.</summary>
    public const string Prefix = "managed-object|";

    private const string Named = "|named|", Anonymous = "|anonymous|";

    public static string Of(string kind, string? name, string id) =>
        $"{Prefix}{kind}{(name is null ? Anonymous + id : Named + name)}";

    /// <summary>Whether <paramref name="persistenceId"/> is an object of <paramref name="kind"/>.</summary>
    public static bool IsOfKind(string persistenceId, string kind) =>
        persistenceId.StartsWith(Prefix + kind + "|", StringComparison.Ordinal);

    /// <summary>The kind, name (null for an anonymous object) and id a persistence id names; the whole id as both when it is not one of ours.</summary>
    public static (string Kind, string? Name, string Id) Parse(string persistenceId)
    {
        var rest = persistenceId.StartsWith(Prefix, StringComparison.Ordinal) ? persistenceId[Prefix.Length..] : persistenceId;
        var named = rest.IndexOf(Named, StringComparison.Ordinal);
        if (named >= 0)
        {
            var name = rest[(named + Named.Length)..];
            return (rest[..named], name, name);
        }
        var anonymous = rest.IndexOf(Anonymous, StringComparison.Ordinal);
        return anonymous >= 0 ? (rest[..anonymous], null, rest[(anonymous + Anonymous.Length)..]) : (rest, null, rest);
    }

    /// <summary>The object a persistence id names, as messages name it: <c>Score 'match'</c>, or <c>anonymous dict 0f3a...</c>.</summary>
    public static string Describe(string persistenceId) => Parse(persistenceId) switch
    {
        (var kind, { } name, _) => $"{kind} '{name}'",
        (var kind, null, var id) => $"anonymous {kind} {id}",
    };
}
