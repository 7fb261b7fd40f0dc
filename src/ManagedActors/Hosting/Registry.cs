using Akka.Actor;
using ManagedActors.Objects;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>One kind of object the host can create: its proxy interface, its implementation and its factory.</summary>
internal sealed record ObjectKind(string Name, Type Interface, Type Implementation, Func<object?[], HostContext, ManagedObject> Create)
{
    /// <summary>A registered user type, whose instances need no base class; a record's snapshot is the instance itself.</summary>
    public static ObjectKind For(TypeRegistration registration) => new(
        registration.TypeId, registration.ProxyInterface, registration.Implementation, (args, _) => new CustomObject(registration.Create(args)))
    {
        Fatal = registration.Fatal,
        Restore = (args, _) => new CustomObject(args is [{ } instance] && registration.Implementation.IsInstanceOfType(instance)
            ? instance
            : throw new ArgumentException($"A snapshot of {registration.TypeId} holds no {registration.Implementation.Name}.")),
    };

    /// <summary>Exception types that restart an object of this kind (a registration's <c>fatal:</c>); none for built-in kinds.</summary>
    public IReadOnlyList<Type> Fatal { get; init; } = [];

    /// <summary>Builds an object from its snapshot's arguments (<see cref="ManagedObject.SnapshotArguments"/>); the factory for built-in kinds.</summary>
    public Func<object?[], HostContext, ManagedObject> Restore { get; init; } = Create;

    public ObjectBinding Binding { get; } = ObjectBinding.For(Interface, Implementation);

    /// <summary>
    /// Whether its state can be rebuilt by replaying its calls: no method parks a caller and the object does not
    /// follow sessions (both belong to one run of the host).
    /// </summary>
    public bool Journalable => Binding.Methods.All(m => !m.TakesCall) && !typeof(ISessionAware).IsAssignableFrom(Implementation);

    /// <summary>The interfaces an object of this kind may be opened through: its own and those it extends, by definition name.</summary>
    private HashSet<string> Views { get; } = new(
        new[] { Interface }.Concat(Interface.GetInterfaces())
            .Where(i => typeof(IManagedObject).IsAssignableFrom(i) && i != typeof(IManagedObject))
            .Select(i => TypeNames.Of(i.IsGenericType ? i.GetGenericTypeDefinition() : i)),
        StringComparer.Ordinal);

    /// <summary>Refuses a proxy interface that is not this kind's: its calls would name methods the object does not have.</summary>
    public void CheckInterface(string interfaceType)
    {
        var asked = TypeNames.DefinitionOf(interfaceType);
        if (!Views.Contains(asked))
        {
            var own = TypeNames.Of(Interface.IsGenericType ? Interface.GetGenericTypeDefinition() : Interface);
            throw new InterfaceMismatchException(own, asked,
                $"A '{Name}' is served through {Interface.Name}; it cannot be opened as {ShortName(asked)}.");
        }
    }

    private static string ShortName(string typeName)
    {
        var name = typeName.Split(',')[0];
        return name[(name.LastIndexOfAny(['.', '+']) + 1)..];
    }
}

/// <summary>
/// The objects of one host by id and by name. Named objects are get-or-create: asking for an existing name
/// returns it, and asking with another kind is an error naming both kinds.
/// </summary>
internal sealed partial class RegistryObject : ManagedObject, ISessionAware
{
    private readonly Dictionary<string, Entry> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private readonly HostContext _host;
    private IObjectRouter? _router;
    private IObjectRouter? _sharded;
    private long _next;

    public RegistryObject(HostContext host) => _host = host;

    public override int Size => _byId.Count;

    /// <summary>Where this directory's objects run; set by the actor that holds the directory before its first call.</summary>
    public void Attach(IObjectRouter router) => _router = router;

    /// <summary>Where durable objects run once the host is a cluster member: sharded over the cluster.</summary>
    public void AttachShards(IObjectRouter sharded) => _sharded = sharded;

    public object Open(string kind, string? name, string interfaceType, object?[] createArgs, int durability, Call call)
    {
        var objectKind = _host.Registrations.Find(kind)
            ?? throw new ManagedTypeNotLoadedException(kind,
                $"No type is registered as '{kind}' on this host; register it (ManagerOptions.Register) or give the standalone host the assembly that holds it (--assembly). " +
                $"Known: {string.Join(", ", _host.Registrations.All.Select(k => k.Name).Order(StringComparer.Ordinal))}.");
        objectKind.CheckInterface(interfaceType);
        if (name is not null)
        {
            if (name.Length == 0)
            {
                throw new ArgumentException("An object name must not be empty.", nameof(name));
            }
            if (_byName.TryGetValue(name, out var existing))
            {
                if (existing.Kind.Name != kind)
                {
                    throw new InvalidOperationException($"The object '{name}' exists as a {existing.Kind.Name}, not a {kind}.");
                }
                var found = existing.ReferenceAs(interfaceType);
                return _sharded is null ? found : AnswerWhenConfirmed(PersistenceIdOf(kind, name, name), found, call, created: false);
            }
        }
        var kept = DurabilityOf(objectKind, durability);
        var target = objectKind.Create(createArgs, _host);
        var id = name ?? Guid.NewGuid().ToString("N");
        var journal = kept == Durability.None ? null : new JournalSpec(kept, PersistenceIdOf(kind, name, id), createArgs);
        // Creation arguments may carry references (a list made from proxies): the new object holds them from the start.
        var holds = new HashSet<string>(StringComparer.Ordinal);
        ReferenceWalker.Collect(target.StoredState, holds);
        var gauge = new ObjectGauge(kept);
        gauge.Update(target);
        var reference = Start(objectKind, target, id, name, interfaceType, holds, gauge, journal, createArgs, call.Session);
        return journal is { Durability: Durability.Durable } && _sharded is not null
            ? AnswerWhenConfirmed(journal.PersistenceId, reference, call, created: true)
            : reference;
    }

    /// <summary>
    /// A named durable object of an earlier run of this host, brought back from its journal for a proxy made before the
    /// host restarted (or a <c>FindAsync</c>); the object stops, and the calls sent meanwhile fail with
    /// <see cref="ObjectNotFoundException"/>, when the journal has no such object.
    /// </summary>
    private ObjectReference? Reopen(string name, string kind, string interfaceType)
    {
        if (!_host.Settings.Durability.HasDurableStore || _host.Registrations.Find(kind) is not { Journalable: true } objectKind)
        {
            return null;
        }
        objectKind.CheckInterface(interfaceType);
        var journal = new JournalSpec(Durability.Durable, PersistenceIdOf(kind, name, name), null);
        return Start(objectKind, null, name, name, interfaceType, [], new ObjectGauge(Durability.Durable), journal, null, null);
    }

    /// <summary>A journaled object's stream: a named object's is found again by its kind and name after the host restarts.</summary>
    public static string PersistenceIdOf(string kind, string? name, string id) =>
        $"{PersistencePrefix}{kind}|{(name is null ? "anonymous|" + id : "named|" + name)}";

    /// <summary>What every journaled object's persistence id starts with, before its kind.</summary>
    public const string PersistencePrefix = "managed-object|";

    private ObjectReference Start(
        ObjectKind objectKind, ManagedObject? target, string id, string? name, string interfaceType, HashSet<string> holds, ObjectGauge gauge,
        JournalSpec? journal, object?[]? createArgs, Guid? holder)
    {
        var kind = objectKind.Name;
        // In a cluster, durable objects are sharded entities; the others are pinned to this host.
        var router = journal is { Durability: Durability.Durable } && _sharded is not null ? _sharded : _router!;
        var path = router.Start(objectKind, target, new Spawn(
            "o" + (++_next).ToString(System.Globalization.CultureInfo.InvariantCulture), id, DeclaredArguments(objectKind, interfaceType), holds, gauge, journal, createArgs,
            interfaceType));
        var reference = new ObjectReference(path, id, kind, interfaceType, _host.Incarnation, name);
        var entry = new Entry(objectKind, reference, gauge);
        if (name is null && holder is { } session)
        {
            entry.Holders.Add(session);
        }
        _byId[id] = entry;
        if (name is not null)
        {
            _byName[name] = entry;
        }
        SetHolds(id, holds);
        return reference;
    }

    /// <summary>
    /// The durability an object gets: the one asked for (-1 asks for the host's default, which kinds that cannot be
    /// journaled do not take), refused with a reason when the kind cannot be journaled or no durable store is configured.
    /// </summary>
    private Durability DurabilityOf(ObjectKind kind, int asked)
    {
        var settings = _host.Settings.Durability;
        if (asked < 0)
        {
            return kind.Journalable ? settings.Default : Durability.None;
        }
        var durability = (Durability)asked;
        if (!Enum.IsDefined(durability))
        {
            throw new ArgumentOutOfRangeException(nameof(asked), asked, "The durability must be None, Memory or Durable.");
        }
        if (durability != Durability.None && !kind.Journalable)
        {
            throw new ArgumentException(
                $"A '{kind.Name}' cannot be {durability}: it holds waiting callers, which belong to one run of the host, so only None is possible.");
        }
        if (durability == Durability.Durable && !settings.HasDurableStore)
        {
            throw new InvalidOperationException(
                "This host has no durable store, so no object can be Durable: start it with ManagerOptions.DurableStore, --durable, " +
                "or akka.persistence.journal.sql in its configuration (hocon/durable.conf).");
        }
        return durability;
    }

    /// <summary>The creator's type arguments (<c>string, int</c> for a dict), which every later call must respect.</summary>
    private Type[]? DeclaredArguments(ObjectKind kind, string interfaceType) => DeclaredArguments(kind, interfaceType, _host);

    /// <summary>The type arguments of <paramref name="interfaceType"/> when it is <paramref name="kind"/>'s generic interface; else null.</summary>
    public static Type[]? DeclaredArguments(ObjectKind kind, string interfaceType, HostContext host)
    {
        try
        {
            var type = host.Codec.AllowList.Resolve(interfaceType);
            return type.IsGenericType && kind.Interface.IsGenericType
                && type.GetGenericTypeDefinition() == kind.Interface.GetGenericTypeDefinition()
                ? type.GetGenericArguments()
                : null;
        }
        catch (ManagedActorsException)
        {
            // A type argument this host cannot load: the object stays untyped, as Python's are.
            return null;
        }
    }

    public bool Delete(string name)
    {
        if (!_byName.TryGetValue(name, out var entry))
        {
            return false;
        }
        if (_sharded is not null && entry.Gauge.Durability == Durability.Durable)
        {
            throw new NotSupportedException(
                $"'{name}' is a durable object of a cluster, whose journal every host shares; it cannot be deleted from one host.");
        }
        Collect(Stop(entry));
        return true;
    }

    public int Count() => _byId.Count;

    /// <summary>The cluster's hosts that are up, as every Welcome names them; none off a cluster.</summary>
    public string[] Contacts() => _host.Contacts?.Invoke() ?? [];

    /// <summary>An object's actor stopped on its own (it failed to start, say): forget it, so its name can be opened again.</summary>
    public bool ActorStopped(IActorRef actor)
    {
        if (_router!.StoppedOnItsOwn(actor) is not { } objectId || !_byId.TryGetValue(objectId, out var entry))
        {
            return false;
        }
        Collect(Forget(entry));
        return true;
    }

    public void Hold(string objectId, Call call)
    {
        if (_byId.TryGetValue(objectId, out var entry) && entry.Reference.Name is null)
        {
            entry.Holders.Add(call.Session);
        }
    }

    public void Release(string objectId, Call call)
    {
        if (_byId.TryGetValue(objectId, out var entry) && entry.Holders.Remove(call.Session))
        {
            Collect([entry]);
        }
    }

    public void SessionEnded(Guid session) => Collect(_byId.Values.Where(e => e.Holders.Remove(session)).ToList());

    public ObjectReference? Find(string name, string kind, string interfaceType)
    {
        if (!_byName.TryGetValue(name, out var entry))
        {
            return Reopen(name, kind, interfaceType);
        }
        if (entry.Kind.Name != kind)
        {
            return null;
        }
        entry.Kind.CheckInterface(interfaceType);
        return entry.ReferenceAs(interfaceType);
    }

    /// <summary>
    /// This host's objects; in a cluster, its pinned objects and every durable object running anywhere in the cluster,
    /// with the host it runs on (as last collected: <see cref="ShardStatus"/>).
    /// </summary>
    public HostStatus Status() => new(
        _host.HostAddress,
        _host.Incarnation,
        _byId.Values
            .Where(e => _sharded is null || e.Gauge.Durability != Durability.Durable)
            .Select(e => new ObjectStatus(e.Reference.ObjectId, e.Reference.Name, e.Kind.Name, e.Gauge.Size, e.Gauge.Waiters, e.Gauge.Durability, e.Gauge.Restarts, _host.HostAddress))
            .Concat(_sharded is null ? [] : _host.ShardedObjects?.Invoke() ?? [])
            .OrderBy(o => o.Name is null)
            .ThenBy(o => o.Id, StringComparer.Ordinal)
            .ToList(),
        _host.Sessions.Clients(_host.HostAddress),
        _host.Members?.Invoke() ?? []);

    private sealed record Entry(ObjectKind Kind, ObjectReference Reference, ObjectGauge Gauge)
    {
        /// <summary>The sessions holding a proxy to the object (anonymous objects only).</summary>
        public HashSet<Guid> Holders { get; } = [];

        /// <summary>The objects whose state refers to this one.</summary>
        public HashSet<string> HeldBy { get; } = new(StringComparer.Ordinal);

        public ObjectReference ReferenceAs(string interfaceType) =>
            Reference.InterfaceType == interfaceType ? Reference : Reference with { InterfaceType = interfaceType };
    }
}
