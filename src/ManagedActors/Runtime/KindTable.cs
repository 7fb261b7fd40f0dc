namespace ManagedActors.Runtime;

/// <summary>The object kinds of a host, by name and by proxy interface.</summary>
internal sealed class KindTable
{
    private readonly Dictionary<string, ObjectKind> _byName = [];
    private readonly Dictionary<Type, ObjectKind> _byInterface = [];

    /// <exception cref="ArgumentException">Two kinds have one name.</exception>
    public KindTable(IEnumerable<ObjectKind> kinds)
    {
        foreach (var kind in kinds)
        {
            if (!_byName.TryAdd(kind.Name, kind))
            {
                throw new ArgumentException($"Two object kinds are registered as '{kind.Name}'.");
            }
            _byInterface.TryAdd(Definition(kind.Interface), kind);
        }
    }

    public IEnumerable<ObjectKind> All => _byName.Values;

    public ObjectKind? Find(string name) => _byName.GetValueOrDefault(name);

    public ObjectKind? FindByInterface(Type interfaceType) => _byInterface.GetValueOrDefault(Definition(interfaceType));

    /// <summary>
    /// The kind <paramref name="kind"/> names, with the list of known kinds in the error when it is not loaded here.
    /// </summary>
    /// <exception cref="ManagedTypeNotLoadedException">No kind of that name.</exception>
    public ObjectKind Require(string kind) => Find(kind)
        ?? throw new ManagedTypeNotLoadedException(kind,
            $"No type is registered as '{kind}' on this host; register it (ManagerOptions.Register) or give the standalone host the assembly that holds it (--assembly). " +
            $"Known: {string.Join(", ", All.Select(k => k.Name).Order(StringComparer.Ordinal))}.");

    private static Type Definition(Type type) => type.IsGenericType ? type.GetGenericTypeDefinition() : type;
}
