using Akka.Actor;
using ManagedActors.Codec;
using ManagedActors.Journaling;
using ManagedActors.Objects;
using ManagedActors.Protocol;
using ManagedActors.Runtime;

namespace ManagedActors.ObjectDirectory;

/// <summary>
/// The objects of one host by name, as clients reach them through <see cref="IDirectory"/>. Named objects are
/// get-or-create: asking for an existing name returns it, and asking with another kind is an error naming both kinds.
/// Where each object runs is its router's (<see cref="IObjectRouter"/>); what keeps it alive is <see cref="Lifetimes"/>'.
/// </summary>
internal sealed class DirectoryObject : ManagedObject, ISessionAware
{
    private readonly Dictionary<string, DirectoryEntry> _byName = new(StringComparer.Ordinal);
    private readonly HostContext _host;
    private readonly DurabilitySettings _durability;
    private readonly LocalObjectRouter _local;
    private readonly Lifetimes _lifetimes;
    private readonly PendingCreations _creations;
    private readonly Compactions _compactions;
    private IObjectRouter? _sharded;
    private IClusterView? _cluster;
    private long _next;

    /// <param name="host">What the host's objects share.</param>
    /// <param name="durability">The default durability and the durable store.</param>
    /// <param name="local">Where objects run on this host (child actors of the directory).</param>
    public DirectoryObject(HostContext host, DurabilitySettings durability, LocalObjectRouter local)
    {
        _host = host;
        _durability = durability;
        _local = local;
        _lifetimes = new Lifetimes(StopActor, host.Objects);
        _creations = new PendingCreations(host.Settings.CallTimeout);
        _compactions = new Compactions(host.Settings.CallTimeout);
    }

    public override int Size => _lifetimes.Count;

    /// <summary>The host became a cluster member: durable objects are sharded entities from now on.</summary>
    public void UseCluster(IObjectRouter sharded, IClusterView cluster)
    {
        _sharded = sharded;
        _cluster = cluster;
    }

    public object Open(string kind, string? name, string interfaceType, object?[] createArgs, int durability, Call call)
    {
        var objectKind = _host.Kinds.Require(kind);
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
                return _sharded is null ? found : _creations.AnswerWhenConfirmed(PersistenceIds.Of(kind, name, name), found, call, created: false);
            }
        }
        var kept = DurabilityOf(durability);
        var target = objectKind.Create(createArgs, _host);
        var id = name ?? Guid.NewGuid().ToString("N");
        var journal = kept == Durability.None ? null : new JournalSpec(kept, PersistenceIds.Of(kind, name, id), createArgs);
        // Creation arguments may carry references (a list made from proxies): the new object holds them from the start.
        var holds = new HashSet<string>(StringComparer.Ordinal);
        ReferenceWalker.Collect(target.StoredState, holds);
        var gauge = new ObjectGauge(kept, objectKind.Name, _host.Instruments);
        gauge.Update(target);
        var reference = Start(objectKind, target, id, name, interfaceType, holds, gauge, journal, createArgs, call.Session);
        return journal is { Durability: Durability.Durable } && _sharded is not null
            ? _creations.AnswerWhenConfirmed(journal.PersistenceId, reference, call, created: true)
            : reference;
    }

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
    /// The object a proxy of <paramref name="objectIncarnation"/> stands for, found again by name: the one of that
    /// incarnation here, or a durable one brought back from its journal. A name that now leads to another object, or an
    /// object that was not durable, is lost, and nothing is started for it.
    /// </summary>
    /// <exception cref="ObjectLostException">The object is not here, and cannot come back.</exception>
    public ObjectReference? Reattach(string name, string kind, string interfaceType, Guid objectIncarnation)
    {
        if (objectIncarnation == Guid.Empty)
        {
            return Find(name, kind, interfaceType);
        }
        if (_byName.TryGetValue(name, out var entry))
        {
            if (entry.Kind.Name == kind && entry.Reference.ObjectIncarnation == objectIncarnation)
            {
                entry.Kind.CheckInterface(interfaceType);
                return entry.ReferenceAs(interfaceType);
            }
            throw Lost(kind, name, $"the {entry.Kind.Name} of that name at {_host.HostAddress} is another object");
        }
        if (objectIncarnation == ObjectReference.DurableIncarnation(PersistenceIds.Of(kind, name, name)) && Reopen(name, kind, interfaceType) is { } reopened)
        {
            return reopened;
        }
        throw Lost(kind, name, $"it was not durable, and {_host.HostAddress} has no object of that name");
    }

    private static ObjectLostException Lost(string kind, string name, string why) => new(
        $"The {kind} '{name}' was lost with the host that ran it: {why}. Open '{name}' again to use the object there now, " +
        "which has none of the lost object's state.");

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
        _lifetimes.Delete(entry);
        return true;
    }

    /// <summary>
    /// Snapshots the named journaled object now and deletes its journal's events up to the snapshot; answered with the
    /// event the snapshot is at. An object this host has not opened since it started is brought back from its journal,
    /// by <paramref name="kind"/>.
    /// </summary>
    public object Compact(string name, string? kind, Call call)
    {
        if (!_byName.TryGetValue(name, out var entry) && (kind is null || _host.Kinds.Find(kind) is not { } known
            || Reopen(name, kind, TypeNames.Of(known.Interface)) is null || !_byName.TryGetValue(name, out entry)))
        {
            throw new ObjectNotFoundException($"No object '{name}' is on this host{(kind is null ? "" : $", nor a {kind} of that name in its journal")}.");
        }
        if (kind is not null && entry.Kind.Name != kind)
        {
            throw new InvalidOperationException($"The object '{name}' is a {entry.Kind.Name}, not a {kind}.");
        }
        if (entry.Gauge.Durability == Durability.None)
        {
            throw new InvalidOperationException($"The {entry.Kind.Name} '{name}' is not journaled, so it has no journal to compact.");
        }
        if (RouterOf(entry.Gauge.Durability) != _local)
        {
            throw new NotSupportedException(
                $"The {entry.Kind.Name} '{name}' is a durable object of a cluster; compact it with 'journal compact' on its store while no host uses it.");
        }
        return _compactions.Ask(ask => _local.Send(entry.Id, ask), $"The {entry.Kind.Name} '{name}'", call);
    }

    /// <summary>A journaled object reported the compaction it was asked for.</summary>
    public void Compacted(JournalCompacted report) => _compactions.Reported(report);

    public int Count() => _lifetimes.Count;

    /// <summary>The cluster's hosts that are up, as every Welcome names them; none off a cluster.</summary>
    public string[] Contacts() => _cluster?.Contacts() ?? [];

    public void Hold(string objectId, Call call) => _lifetimes.Hold(objectId, call.Session);

    public void Release(string objectId, Call call) => _lifetimes.Release(objectId, call.Session);

    public void SessionEnded(Guid session) => _lifetimes.SessionEnded(session);

    /// <summary>The directory is never journaled: it ends a session's holds at once.</summary>
    public IEnumerable<Guid> Holders => [];

    /// <summary>An object reported what it stores and what it handed to callers.</summary>
    public void Holds(ObjectHolds report) => _lifetimes.Holds(report, _host.Sessions.IsValid);

    /// <summary>The member that runs a sharded object confirmed its creation.</summary>
    public void Confirmed(string entityId) => _creations.Confirmed(entityId);

    /// <summary>An object's actor stopped on its own (it failed to start, say): forget it, so its name can be opened again.</summary>
    public bool ActorStopped(IActorRef actor)
    {
        if (_local.StoppedOnItsOwn(actor) is not { } objectId || _lifetimes.Find(objectId) is not { } entry)
        {
            return false;
        }
        ForgetName(entry);
        _lifetimes.Stopped(entry);
        return true;
    }

    /// <summary>
    /// This host's objects; in a cluster, its pinned objects and every durable object running anywhere in the cluster,
    /// with the host it runs on (as last collected).
    /// </summary>
    public HostStatus Status() => Status(previews: false);

    /// <summary>
    /// The status with each object's preview, taken after the last such call: every object of this host is asked for a
    /// new one, which it takes on its own thread (a sweep of its deadlines that finds none due), for the next call.
    /// </summary>
    public HostStatus StatusWithPreviews()
    {
        foreach (var entry in _lifetimes.All.Where(e => RouterOf(e.Gauge.Durability) == _local))
        {
            entry.Gauge.WantPreview();
            _local.Send(entry.Id, SweepDeadlines.Instance);
        }
        return Status(previews: true);
    }

    private HostStatus Status(bool previews) => new(
        _host.HostAddress,
        _host.Incarnation,
        _lifetimes.All
            .Where(e => _sharded is null || e.Gauge.Durability != Durability.Durable)
            .Select(e => new ObjectStatus(e.Id, e.Reference.Name, e.Kind.Name, e.Gauge.Size, e.Gauge.Waiters, e.Gauge.Durability, e.Gauge.Restarts, _host.HostAddress,
                e.Gauge.Calls, e.Gauge.HoldingSession is { } holder ? _host.Sessions.AddressOf(holder, _host.HostAddress) : null, previews ? e.Gauge.Preview : null))
            .Concat(_cluster?.ShardedObjects() ?? [])
            .OrderBy(o => o.Name is null)
            .ThenBy(o => o.Id, StringComparer.Ordinal)
            .ToList(),
        _host.Sessions.Clients(_host.HostAddress),
        _cluster?.Members() ?? []);

    /// <summary>
    /// A named durable object of an earlier run of this host, brought back from its journal for a proxy made before the
    /// host restarted (or a <c>FindAsync</c>); the object stops, and the calls sent meanwhile fail with
    /// <see cref="ObjectNotFoundException"/>, when the journal has no such object.
    /// </summary>
    private ObjectReference? Reopen(string name, string kind, string interfaceType)
    {
        if (!_durability.HasDurableStore || _host.Kinds.Find(kind) is not { } objectKind)
        {
            return null;
        }
        objectKind.CheckInterface(interfaceType);
        var journal = new JournalSpec(Durability.Durable, PersistenceIds.Of(kind, name, name), null);
        return Start(objectKind, null, name, name, interfaceType, [], new ObjectGauge(Durability.Durable, objectKind.Name, _host.Instruments), journal, null, null);
    }

    private ObjectReference Start(
        ObjectKind kind, ManagedObject? target, string id, string? name, string interfaceType, HashSet<string> holds, ObjectGauge gauge,
        JournalSpec? journal, object?[]? createArgs, Guid? holder)
    {
        var path = RouterOf(gauge.Durability).Start(kind, target, new Spawn(
            "o" + (++_next).ToString(System.Globalization.CultureInfo.InvariantCulture), id, kind.DeclaredArguments(interfaceType, _host.Codec.AllowList),
            holds, gauge, journal, createArgs, interfaceType));
        // A durable object is the same object wherever its journal is read; any other is a new one each time it is made.
        var incarnation = journal switch
        {
            { Durability: Durability.Durable } => ObjectReference.DurableIncarnation(journal.PersistenceId),
            not null => ObjectReference.MemoryIncarnation(),
            _ => Guid.NewGuid(),
        };
        var entry = new DirectoryEntry(kind, new ObjectReference(path, id, kind.Name, interfaceType, _host.Incarnation, name, incarnation), gauge);
        if (name is not null)
        {
            _byName[name] = entry;
        }
        _lifetimes.Add(entry, holds, holder);
        return entry.Reference;
    }

    /// <summary>In a cluster, durable objects are sharded entities; the others are pinned to this host.</summary>
    private IObjectRouter RouterOf(Durability durability) => durability == Durability.Durable && _sharded is not null ? _sharded : _local;

    /// <summary>The lifetimes ended an object: its actor stops and its name can be opened again.</summary>
    private void StopActor(DirectoryEntry entry)
    {
        RouterOf(entry.Gauge.Durability).Forget(entry.Id);
        ForgetName(entry);
    }

    private void ForgetName(DirectoryEntry entry)
    {
        if (entry.Reference.Name is { } name && _byName.TryGetValue(name, out var named) && ReferenceEquals(named, entry))
        {
            _byName.Remove(name);
        }
    }

    /// <summary>
    /// The durability an object gets: the one asked for (-1 asks for the host's default), refused with a reason when no
    /// durable store is configured.
    /// </summary>
    private Durability DurabilityOf(int asked)
    {
        if (asked < 0)
        {
            return _durability.Default;
        }
        var durability = (Durability)asked;
        if (!Enum.IsDefined(durability))
        {
            throw new ArgumentOutOfRangeException(nameof(asked), asked, "The durability must be None, Memory or Durable.");
        }
        if (durability == Durability.Durable && !_durability.HasDurableStore)
        {
            throw new InvalidOperationException(
                "This host has no durable store, so no object can be Durable: start it with ManagerOptions.DurableStore, --durable, " +
                "or akka.persistence.journal.sql in its configuration (hocon/durable.conf).");
        }
        return durability;
    }
}
