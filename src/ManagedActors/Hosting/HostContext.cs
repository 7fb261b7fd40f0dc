using ManagedActors.Objects;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>What every object actor of one host shares.</summary>
internal sealed class HostContext : IObjectHost
{
    public HostContext(ValueCodec codec, SessionTable sessions, Configuration.ManagerSettings settings, Guid incarnation, string hostAddress, KindTable? registrations = null)
    {
        Registrations = registrations ?? new KindTable([]);
        Codec = codec;
        Sessions = sessions;
        Settings = settings;
        Incarnation = incarnation;
        HostAddress = hostAddress;
    }

    public ValueCodec Codec { get; }

    public SessionTable Sessions { get; }

    public Configuration.ManagerSettings Settings { get; }

    public Guid Incarnation { get; }

    public string HostAddress { get; }

    /// <summary>
    /// The dispatcher object actors run on: <see cref="InlineExecutor.DispatcherId"/>, or Akka's default in a system
    /// whose configuration does not have it.
    /// </summary>
    public string ObjectDispatcher { get; set; } = Akka.Dispatch.Dispatchers.DefaultDispatcherId;

    /// <summary>The durable objects running in the cluster, with their hosts, when the host is a cluster member.</summary>
    public Func<IReadOnlyList<ObjectStatus>>? ShardedObjects { get; set; }

    /// <summary>The cluster's members as this host sees them, when the host is a cluster member.</summary>
    public Func<IReadOnlyList<ClusterMemberStatus>>? Members { get; set; }

    /// <summary>The client addresses of the cluster's hosts that are up, which every Welcome names; null off a cluster.</summary>
    public Func<string[]>? Contacts { get; set; }

    /// <summary>The object directory's actor, which ends sessions for the direct lane; set when it starts.</summary>
    public Akka.Actor.IActorRef? Directory { get; set; }

    /// <summary>The direct lane's data port (0 when the host does not listen) and whether it speaks TLS, as Welcome tells clients.</summary>
    public (int Port, bool Tls) Lane { get; set; }

    /// <summary>The object kinds this host can create, built-in and registered.</summary>
    public KindTable Registrations { get; }

    public string DescribeSession(Guid session) => Sessions.Describe(session);
}

/// <summary>A registered type's instance as a managed object: the user's class needs no base class.</summary>
internal sealed class CustomObject(object instance) : ManagedObject
{
    public override object Instance => instance;

    public override object? StoredState => instance;

    /// <summary>A record (value semantics, fields the serializer can read) is its own snapshot; other types are rebuilt by replay only.</summary>
    public override object?[]? SnapshotArguments() => instance.GetType().GetMethod("<Clone>$") is not null ? [instance] : null;
}

/// <summary>The object kinds of a host, by name and by proxy interface.</summary>
internal sealed class KindTable
{
    private readonly Dictionary<string, ObjectKind> _byName;
    private readonly Dictionary<Type, ObjectKind> _byInterface;

    public KindTable(IEnumerable<ObjectKind> kinds)
    {
        _byName = [];
        _byInterface = [];
        foreach (var kind in kinds)
        {
            if (!_byName.TryAdd(kind.Name, kind))
            {
                throw new ArgumentException($"Two object kinds are registered as '{kind.Name}'.");
            }
            _byInterface.TryAdd(kind.Interface.IsGenericType ? kind.Interface.GetGenericTypeDefinition() : kind.Interface, kind);
        }
    }

    public IEnumerable<ObjectKind> All => _byName.Values;

    public ObjectKind? Find(string name) => _byName.GetValueOrDefault(name);

    public ObjectKind? FindByInterface(Type interfaceType) =>
        _byInterface.GetValueOrDefault(interfaceType.IsGenericType ? interfaceType.GetGenericTypeDefinition() : interfaceType);
}
