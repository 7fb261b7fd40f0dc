using System.Collections;
using ManagedActors.Dicts;
using ManagedActors.Lists;
using ManagedActors.Namespaces;
using ManagedActors.Protocol;
using ManagedActors.Queues;
using ManagedActors.Runtime;
using ManagedActors.Sets;
using ManagedActors.Synchronization;
using ManagedActors.Values;

namespace ManagedActors.Hosting;

/// <summary>The object kinds every host provides: Python's SyncManager set.</summary>
internal static class BuiltInKinds
{
    public static IReadOnlyList<ObjectKind> All { get; } =
    [
        new(KindNames.List, typeof(IManagedList<>), typeof(ListObject), (args, _) => new ListObject(Optional<IEnumerable>(args, 0))),
        new(KindNames.Dict, typeof(IManagedDict<,>), typeof(DictObject), (args, _) => new DictObject(Optional<IEnumerable>(args, 0))),
        new(KindNames.Namespace, typeof(IManagedNamespace), typeof(NamespaceObject), (args, _) => new NamespaceObject(Optional<IDictionary>(args, 0))),
        new(KindNames.Queue, typeof(IManagedQueue<>), typeof(QueueObject), (args, _) => new QueueObject(Required<int>(args, 0))),
        new(KindNames.JoinableQueue, typeof(IManagedJoinableQueue<>), typeof(JoinableQueueObject), (args, _) => new JoinableQueueObject(Required<int>(args, 0))),
        new(KindNames.Value, typeof(IManagedValue<>), typeof(ValueObject), (args, _) => new ValueObject(args.Length > 0 ? args[0] : null)),
        new(KindNames.Array, typeof(IManagedArray<>), typeof(ArrayObject), (args, _) => new ArrayObject(Required<IList>(args, 0))),
        new(KindNames.Set, typeof(IManagedSet<>), typeof(SetObject), (args, _) => new SetObject(Optional<IEnumerable>(args, 0))),
        new(KindNames.Lock, typeof(IManagedLock), typeof(PlainLockObject), (_, _) => new PlainLockObject()),
        new(KindNames.RLock, typeof(IManagedRLock), typeof(ReentrantLockObject), (_, _) => new ReentrantLockObject()),
        new(KindNames.Semaphore, typeof(IManagedSemaphore), typeof(CountingSemaphoreObject), (args, _) => new CountingSemaphoreObject(Required<int>(args, 0))),
        new(KindNames.BoundedSemaphore, typeof(IManagedBoundedSemaphore), typeof(BoundedSemaphoreObject), (args, _) => new BoundedSemaphoreObject(Required<int>(args, 0))),
        new(KindNames.Event, typeof(IManagedEvent), typeof(EventObject), (_, _) => new EventObject()),
        new(KindNames.Condition, typeof(IManagedCondition), typeof(ConditionObject), (_, _) => new ConditionObject()),
        new(KindNames.Barrier, typeof(IManagedBarrier), typeof(BarrierObject), (args, host) => new BarrierObject(
            Required<int>(args, 0), ActionName.Resolve(args, 1, host.Codec.AllowList), args.Length > 4 ? args[4] as TimeSpan? : null)),
    ];

    private static T? Optional<T>(object?[] args, int index) where T : class =>
        args.Length <= index || args[index] is null
            ? null
            : args[index] as T ?? throw new ArgumentException($"Creation argument {index} must be a {typeof(T).Name}.");

    private static T Required<T>(object?[] args, int index) =>
        args.Length > index && args[index] is T value
            ? value
            : throw new ArgumentException($"Creation argument {index} must be a {typeof(T).Name}.");
}
