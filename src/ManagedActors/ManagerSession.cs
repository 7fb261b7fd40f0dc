using ManagedActors.Client;
using ManagedActors.Codec;
using ManagedActors.Dicts;
using ManagedActors.Lists;
using ManagedActors.Namespaces;
using ManagedActors.Protocol;
using ManagedActors.Queues;
using ManagedActors.Sets;
using ManagedActors.Synchronization;
using ManagedActors.Values;

namespace ManagedActors;

/// <summary>
/// A connection to a manager's host through which objects are created and found: the embedded
/// <see cref="Manager"/> and a remote <see cref="ManagerClient"/> alike. A named object is get-or-create:
/// every process asking for the same name gets the same object. Every factory takes a <see cref="Durability"/> (the
/// host's default when null); an existing object keeps the durability it was created with. A journaled lock,
/// semaphore, condition, barrier or queue keeps what it holds for a client (a lock, permits, a parked call) across a
/// restart of its host while the client lives (<c>managed-actors.hold-lease</c>).
/// </summary>
public abstract class ManagerSession : IAsyncDisposable
{
    private protected ManagerSession(ClientRuntime runtime) => Runtime = runtime;

    internal ClientRuntime Runtime { get; }

    private IDirectory Directory => Runtime.Directory;

    /// <summary>
    /// The host's address, <c>akka.mauth.tcp://managed-actors@host:port</c>; give it to <see cref="Manager.ConnectAsync(string, byte[], ClientOptions?, CancellationToken)"/>.
    /// A client of a cluster shows the host it talks to now.
    /// </summary>
    public string Address => Runtime.HostAddress.ToString();

    /// <summary>A list (Python's <c>manager.list()</c>), anonymous or named.</summary>
    public Task<IManagedList<T>> ListAsync<T>(string? name = null, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedList<T>>(KindNames.List, name, [null], durability, cancellationToken);

    /// <summary>A list filled with <paramref name="items"/> when it is created (<c>manager.list(items)</c>).</summary>
    public Task<IManagedList<T>> ListAsync<T>(IEnumerable<T> items, string? name = null, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedList<T>>(KindNames.List, name, [Materialize(items)], durability, cancellationToken);

    /// <summary>A dictionary (Python's <c>manager.dict()</c>), anonymous or named.</summary>
    public Task<IManagedDict<TKey, TValue>> DictAsync<TKey, TValue>(string? name = null, Durability? durability = null, CancellationToken cancellationToken = default)
        where TKey : notnull =>
        OpenAsync<IManagedDict<TKey, TValue>>(KindNames.Dict, name, [null], durability, cancellationToken);

    /// <summary>A dictionary filled with <paramref name="entries"/> when it is created (<c>manager.dict(entries)</c>).</summary>
    public Task<IManagedDict<TKey, TValue>> DictAsync<TKey, TValue>(
        IEnumerable<KeyValuePair<TKey, TValue>> entries, string? name = null, Durability? durability = null, CancellationToken cancellationToken = default)
        where TKey : notnull =>
        OpenAsync<IManagedDict<TKey, TValue>>(KindNames.Dict, name, [entries.ToArray()], durability, cancellationToken);

    /// <summary>A namespace (Python's <c>manager.Namespace()</c>), anonymous or named.</summary>
    public Task<IManagedNamespace> NamespaceAsync(string? name = null, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedNamespace>(KindNames.Namespace, name, [], durability, cancellationToken);

    /// <summary>A FIFO queue (Python's <c>manager.Queue(maxsize)</c>); <paramref name="maxSize"/> 0 is unbounded.</summary>
    public Task<IManagedQueue<T>> QueueAsync<T>(string? name = null, int maxSize = 0, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedQueue<T>>(KindNames.Queue, name, [maxSize], durability, cancellationToken);

    /// <summary>A queue with task tracking (Python's <c>manager.JoinableQueue(maxsize)</c>).</summary>
    public Task<IManagedJoinableQueue<T>> JoinableQueueAsync<T>(string? name = null, int maxSize = 0, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedJoinableQueue<T>>(KindNames.JoinableQueue, name, [maxSize], durability, cancellationToken);

    /// <summary>A single value (Python's <c>manager.Value(typecode, value)</c>).</summary>
    public Task<IManagedValue<T>> ValueAsync<T>(T initial, string? name = null, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedValue<T>>(KindNames.Value, name, [initial], durability, cancellationToken);

    /// <summary>A fixed-length array of <paramref name="length"/> default values (Python's <c>manager.Array(typecode, n)</c>).</summary>
    public Task<IManagedArray<T>> ArrayAsync<T>(int length, string? name = null, Durability? durability = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return OpenAsync<IManagedArray<T>>(KindNames.Array, name, [new T[length]], durability, cancellationToken);
    }

    /// <summary>A fixed-length array holding <paramref name="items"/> (Python's <c>manager.Array(typecode, sequence)</c>).</summary>
    public Task<IManagedArray<T>> ArrayAsync<T>(IEnumerable<T> items, string? name = null, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedArray<T>>(KindNames.Array, name, [items.ToArray()], durability, cancellationToken);

    /// <summary>A set (Python's <c>manager.set()</c>), anonymous or named.</summary>
    public Task<IManagedSet<T>> SetAsync<T>(string? name = null, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedSet<T>>(KindNames.Set, name, [null], durability, cancellationToken);

    /// <summary>A set holding <paramref name="items"/> when it is created (<c>manager.set(items)</c>).</summary>
    public Task<IManagedSet<T>> SetAsync<T>(IEnumerable<T> items, string? name = null, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedSet<T>>(KindNames.Set, name, [Materialize(items)], durability, cancellationToken);

    /// <summary>A lock (Python's <c>manager.Lock()</c>).</summary>
    public Task<IManagedLock> LockAsync(string? name = null, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedLock>(KindNames.Lock, name, [], durability, cancellationToken);

    /// <summary>A reentrant lock (Python's <c>manager.RLock()</c>).</summary>
    public Task<IManagedRLock> RLockAsync(string? name = null, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedRLock>(KindNames.RLock, name, [], durability, cancellationToken);

    /// <summary>A semaphore with <paramref name="value"/> permits (Python's <c>manager.Semaphore(value)</c>).</summary>
    public Task<IManagedSemaphore> SemaphoreAsync(int value = 1, string? name = null, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedSemaphore>(KindNames.Semaphore, name, [value], durability, cancellationToken);

    /// <summary>A bounded semaphore with <paramref name="value"/> permits (Python's <c>manager.BoundedSemaphore(value)</c>).</summary>
    public Task<IManagedBoundedSemaphore> BoundedSemaphoreAsync(int value = 1, string? name = null, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedBoundedSemaphore>(KindNames.BoundedSemaphore, name, [value], durability, cancellationToken);

    /// <summary>An event (Python's <c>manager.Event()</c>).</summary>
    public Task<IManagedEvent> EventAsync(string? name = null, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedEvent>(KindNames.Event, name, [], durability, cancellationToken);

    /// <summary>A condition variable (Python's <c>manager.Condition()</c>).</summary>
    public Task<IManagedCondition> ConditionAsync(string? name = null, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedCondition>(KindNames.Condition, name, [], durability, cancellationToken);

    /// <summary>A barrier for <paramref name="parties"/> parties (Python's <c>manager.Barrier(parties)</c>).</summary>
    public Task<IManagedBarrier> BarrierAsync(int parties, string? name = null, Durability? durability = null, CancellationToken cancellationToken = default) =>
        OpenAsync<IManagedBarrier>(KindNames.Barrier, name, [parties], durability, cancellationToken);

    /// <summary>
    /// A barrier with an action and a default timeout (Python's <c>manager.Barrier(parties, action, timeout)</c>).
    /// The action runs once per generation on the host, as Python's runs in the manager's process: after the last
    /// party arrives and before any party is released, inside the barrier's actor, so it should be short. It must
    /// be a static method or a lambda that captures nothing, in an assembly the host trusts; an action that throws
    /// breaks the barrier, and every party of that generation gets <see cref="BrokenBarrierException"/>.
    /// <paramref name="timeout"/> applies to every <see cref="IManagedBarrier.WaitAsync"/> that gives none, and
    /// breaks the barrier when it passes.
    /// </summary>
    /// <exception cref="ArgumentException">The action captures variables of this process.</exception>
    /// <exception cref="ManagedTypeNotLoadedException">The host does not have the action's assembly.</exception>
    public Task<IManagedBarrier> BarrierAsync(int parties, Action? action, TimeSpan? timeout = null, string? name = null, Durability? durability = null, CancellationToken cancellationToken = default)
    {
        if (timeout is { } t)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(t, TimeSpan.Zero, nameof(timeout));
        }
        var named = action is null ? [null, null, null] : ActionName.Of(action);
        return OpenAsync<IManagedBarrier>(KindNames.Barrier, name, [parties, named[0], named[1], named[2], timeout], durability, cancellationToken);
    }

    /// <summary>
    /// An instance of a registered type (Python's <c>manager.Counter()</c> after <c>register("Counter", ...)</c>),
    /// anonymous or named; <paramref name="args"/> go to the registration's factory.
    /// </summary>
    /// <exception cref="ManagedTypeNotLoadedException">No type is registered as <paramref name="typeId"/> on the host.</exception>
    public Task<TProxy> CreateAsync<TProxy>(string typeId, string? name = null, object?[]? args = null, Durability? durability = null, CancellationToken cancellationToken = default)
        where TProxy : class, IManagedObject =>
        OpenAsync<TProxy>(typeId, name, args ?? [], durability, cancellationToken);

    /// <summary>Deletes a named object; its proxies then get <see cref="ObjectNotFoundException"/>. Whether it existed.</summary>
    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        Directory.DeleteAsync(name, cancellationToken);

    /// <summary>
    /// Snapshots the named journaled object now and deletes its journal's events up to the snapshot, so that its
    /// recovery reads the snapshot alone and its journal stops growing with its history. Lists, dicts, sets and
    /// registered records keep snapshots; other kinds are refused. <c>journal compact</c> does the same to a store no
    /// host is using.
    /// </summary>
    /// <param name="name">The object's name.</param>
    /// <param name="kind">
    /// Its kind (<c>dict</c>, a registered type's id), needed only when the host has not opened the object since it
    /// started: it is then brought back from the journal.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait (the compaction may still finish).</param>
    /// <returns>The event the snapshot is at: the journal holds no event up to it any more.</returns>
    /// <exception cref="ObjectNotFoundException">No object of that name is on the host (or in its journal).</exception>
    /// <exception cref="InvalidOperationException">The object is not journaled, or its kind keeps no snapshot.</exception>
    /// <exception cref="NotSupportedException">It is a durable object of a cluster.</exception>
    public Task<long> CompactAsync(string name, string? kind = null, CancellationToken cancellationToken = default) =>
        Directory.CompactAsync(name, kind, cancellationToken);

    /// <summary>
    /// What the host holds: its objects (kind, size, waiters) and its connected clients, this process's own entry marked
    /// (<see cref="ClientStatus.IsCaller"/>).
    /// </summary>
    public Task<HostStatus> StatusAsync(CancellationToken cancellationToken = default) => StatusAsync(previews: false, cancellationToken);

    /// <summary>
    /// What the host holds, as <see cref="StatusAsync(CancellationToken)"/>; with <paramref name="previews"/>, each of this
    /// host's objects also shows the start of its value (<see cref="ObjectStatus.Preview"/>). A preview is taken on the
    /// object's own thread after the call that asks for it, so it shows from the next call on: a view that refreshes
    /// (a dashboard) asks every time and shows each preview one refresh late.
    /// </summary>
    public async Task<HostStatus> StatusAsync(bool previews, CancellationToken cancellationToken = default)
    {
        var status = await (previews ? Directory.StatusWithPreviewsAsync(cancellationToken) : Directory.StatusAsync(cancellationToken)).ConfigureAwait(false);
        var mine = ((Akka.Actor.ExtendedActorSystem)Runtime.System).Provider.DefaultAddress.ToString();
        var caller = mine == status.Address ? ClientStatus.Local : mine;
        return status with { Clients = [.. status.Clients.Select(c => c.Address == caller ? c with { IsCaller = true } : c)] };
    }

    /// <summary>The number of objects the host holds.</summary>
    public Task<int> ObjectCountAsync(CancellationToken cancellationToken = default) => Directory.CountAsync(cancellationToken);

    private async Task<T> OpenAsync<T>(string kind, string? name, object?[] args, Durability? durability, CancellationToken cancellationToken)
        where T : class, IManagedObject
    {
        // The proxy interface (and its type arguments) come back inside the reference: this client uses them, so it trusts them.
        Runtime.Codec.AllowList.AllowType(typeof(T));
        var proxy = await Directory.OpenAsync(kind, name, TypeNames.Of(typeof(T)), args, durability is { } asked ? (int)asked : -1, cancellationToken).ConfigureAwait(false);
        return proxy as T ?? throw new InvalidOperationException($"The host answered with a {proxy.GetType()}, not a {typeof(T)}.");
    }

    private static T[] Materialize<T>(IEnumerable<T> items) => items as T[] ?? items.ToArray();

    /// <summary>Ends this connection (and, for the embedded manager, its host).</summary>
    public abstract ValueTask DisposeAsync();
}
