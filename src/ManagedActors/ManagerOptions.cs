using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace ManagedActors;

/// <summary>Settings of an embedded manager started with <see cref="Manager.StartAsync"/>.</summary>
public sealed record ManagerOptions
{
    /// <summary>The address the host listens on; loopback by default.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>The port the host listens on; 0 (the default) picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The key clients must prove they hold; a random 32-byte key when null.</summary>
    public byte[]? AuthKey { get; init; }

    /// <summary>Default timeout of every call; <c>managed-actors.call-timeout</c> (30 s) when null.</summary>
    public TimeSpan? CallTimeout { get; init; }

    /// <summary>HOCON layered over the library's defaults (hocon/host.conf shows what can be set).</summary>
    public string? Config { get; init; }

    /// <summary>
    /// What an object gets when its factory names no <see cref="Durability"/>; <c>managed-actors.default-durability</c>
    /// (<see cref="Durability.None"/>) when null. It applies to the kinds that can be journaled; the others stay
    /// <see cref="Durability.None"/>.
    /// </summary>
    public Durability? DefaultDurability { get; init; }

    /// <summary>
    /// The durable store of <see cref="Durability.Durable"/> objects: a SQLite database file (created if missing; its
    /// snapshots go to <c>NAME-snapshots.db</c> beside it), or a PostgreSQL connection string (one with <c>Host=</c>).
    /// Null leaves <c>akka.persistence.journal.sql</c> as the configuration has it (no store by default).
    /// </summary>
    public string? DurableStore { get; init; }

    /// <summary>
    /// Assemblies whose types may be stored in managed objects. The entry assembly and the library are always
    /// trusted; any other type is refused before it is deserialized.
    /// </summary>
    public IReadOnlyList<Assembly> TrustedAssemblies { get; init; } = [];

    /// <summary>
    /// Other hosts to form a cluster with, as <c>host:port</c> of their cluster ports (<see cref="ClusterPort"/>); every
    /// host lists the same seeds in the same order, and the first seed, listing itself first, starts the cluster.
    /// Empty (the default): <c>managed-actors.cluster.seeds</c>, empty unless set, and the host runs alone. A clustered
    /// host needs <see cref="ClusterKey"/>.
    /// </summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>
    /// The port other hosts of the cluster reach this one on (a second port, beside <see cref="Port"/> where clients
    /// connect); 0 (the default) takes <c>managed-actors.cluster.port</c>, itself 0 (a free port, which suits every
    /// host but the seeds) unless set.
    /// </summary>
    public int ClusterPort { get; init; }

    /// <summary>
    /// The key hosts prove to each other (at least 16 bytes, not the authkey): clients hold the authkey, and a
    /// cluster member can down any other, so the members' key must be one clients do not have.
    /// </summary>
    public byte[]? ClusterKey { get; init; }

    /// <summary>
    /// Where the host's log goes: the application's logger factory (the generic host's, for instance), one category per
    /// class that logs (<c>ManagedActors.*</c>, <c>Akka.*</c>). Null writes it to standard error, one line per event.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Where the host's metrics are made: the application's meter factory (the generic host's, which
    /// <c>AddManagedActorsHost</c> passes), so its <c>ManagedActors</c> meter is the application's own and ends with it.
    /// Null uses the process's <c>ManagedActors</c> meter. Either way nothing is measured while no listener (an
    /// OpenTelemetry <c>MeterProvider</c>, <c>dotnet-counters</c>) listens.
    /// </summary>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>The user types this manager serves besides the built-in objects (Python's <c>BaseManager.register</c>).</summary>
    public IReadOnlyList<TypeRegistration> Registrations { get; init; } = [];

    /// <summary>
    /// Registers <typeparamref name="TImpl"/> as <paramref name="typeId"/>, seen by clients through
    /// <typeparamref name="TProxy"/>, whose methods are the exposed ones. Each proxy method is served by the
    /// implementation's method of the same name (without "Async") and parameters; a missing one fails here,
    /// naming it. Clients create instances with <see cref="ManagerSession.CreateAsync{TProxy}"/>.
    /// </summary>
    /// <param name="typeId">The name clients create it by.</param>
    /// <param name="factory">Makes a new instance.</param>
    /// <param name="fatal">
    /// Exception types that mean the instance is broken: a call that throws one gets
    /// <see cref="ManagedObjectRestartedException"/> and the object is restarted (from its journal, or new).
    /// </param>
    /// <exception cref="InvalidOperationException">The implementation does not serve every method of the interface.</exception>
    public ManagerOptions Register<TProxy, TImpl>(string typeId, Func<TImpl> factory, Type[]? fatal = null)
        where TProxy : class, IManagedObject
        where TImpl : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Register<TProxy, TImpl>(typeId, _ => factory(), fatal);
    }

    /// <summary>Registers a type whose factory takes the arguments given to <see cref="ManagerSession.CreateAsync{TProxy}"/>.</summary>
    /// <param name="typeId">The name clients create it by.</param>
    /// <param name="factory">Makes a new instance from the arguments given to <see cref="ManagerSession.CreateAsync{TProxy}"/>.</param>
    /// <param name="fatal">Exception types that restart the object (see the overload without arguments).</param>
    /// <exception cref="InvalidOperationException">The implementation does not serve every method of the interface.</exception>
    public ManagerOptions Register<TProxy, TImpl>(string typeId, Func<object?[], TImpl> factory, Type[]? fatal = null)
        where TProxy : class, IManagedObject
        where TImpl : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return this with { Registrations = [.. Registrations, new TypeRegistration(typeId, typeof(TProxy), typeof(TImpl), args => factory(args), fatal)] };
    }

    /// <summary>
    /// Rewrites, on recovery, the journaled calls of a registered type's method whose parameters changed in a way a
    /// default value does not cover (a parameter removed, its type changed, the method split or merged): each call
    /// journaled under <paramref name="journalKey"/> with <paramref name="arguments"/> arguments is given to
    /// <paramref name="upcast"/>, and the call it returns is replayed instead. Register the type first.
    /// </summary>
    /// <example>
    /// <code>
    /// // AddAsync(int points) became ScoreAsync(long points, string reason):
    /// options.Register&lt;IScore, Score&gt;("Score", () => new Score())
    ///        .Upcast("Score", "IScore.AddAsync", 1, args => new JournaledCall("IScore.ScoreAsync", [(long)(int)args[0]!, "before reasons"]));
    /// </code>
    /// </example>
    /// <param name="typeId">The registered type.</param>
    /// <param name="journalKey">The key the calls were journaled under (<c>journal show</c> prints them).</param>
    /// <param name="arguments">How many arguments those calls have.</param>
    /// <param name="upcast">Makes the call to replay from the journaled call's arguments; an exception it throws refuses the object's recovery with <see cref="JournalVersionException"/>.</param>
    /// <exception cref="InvalidOperationException">No type <paramref name="typeId"/> is registered.</exception>
    public ManagerOptions Upcast(string typeId, string journalKey, int arguments, Func<IReadOnlyList<object?>, JournaledCall> upcast)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(journalKey);
        ArgumentOutOfRangeException.ThrowIfNegative(arguments);
        ArgumentNullException.ThrowIfNull(upcast);
        var index = Registrations.ToList().FindIndex(r => r.TypeId == typeId);
        if (index < 0)
        {
            throw new InvalidOperationException($"No type '{typeId}' is registered: register it before its upcasters.");
        }
        var registrations = Registrations.ToArray();
        registrations[index] = registrations[index].WithUpcaster(new Runtime.CallUpcaster(journalKey, arguments, upcast));
        return this with { Registrations = registrations };
    }

    /// <summary>
    /// Registers every class of <paramref name="assembly"/> marked with <see cref="ManagedTypeAttribute"/> (the
    /// standalone host's <c>--assembly</c>), and trusts the assembly's types.
    /// </summary>
    public ManagerOptions RegisterFromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var found = assembly.GetTypes()
            .Select(t => (Type: t, Attribute: t.GetCustomAttribute<ManagedTypeAttribute>()))
            .Where(t => t.Attribute is not null)
            .Select(t => new TypeRegistration(t.Attribute!.Name, t.Attribute.ProxyInterface, t.Type,
                _ => Activator.CreateInstance(t.Type) ?? throw new InvalidOperationException($"{t.Type} could not be created."), t.Attribute.Fatal));
        return this with { Registrations = [.. Registrations, .. found], TrustedAssemblies = [.. TrustedAssemblies, assembly] };
    }
}
