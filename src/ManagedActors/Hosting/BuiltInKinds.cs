using System.Collections;
using ManagedActors.Dicts;
using ManagedActors.Lists;
using ManagedActors.Namespaces;
using ManagedActors.Queues;
using ManagedActors.Values;

namespace ManagedActors.Hosting;

/// <summary>The object kinds every host provides: Python's SyncManager set.</summary>
internal static class BuiltInKinds
{
    public const string List = "list", Dict = "dict", Namespace = "namespace", Queue = "queue",
        JoinableQueue = "joinable-queue", Value = "value", Array = "array";

    public static IReadOnlyList<ObjectKind> All { get; } =
    [
        new(List, typeof(IManagedList<>), typeof(ListObject), args => new ListObject(Optional<IEnumerable>(args, 0))),
        new(Dict, typeof(IManagedDict<,>), typeof(DictObject), args => new DictObject(Optional<IEnumerable>(args, 0))),
        new(Namespace, typeof(IManagedNamespace), typeof(NamespaceObject), _ => new NamespaceObject()),
        new(Queue, typeof(IManagedQueue<>), typeof(QueueObject), args => new QueueObject(Required<int>(args, 0))),
        new(JoinableQueue, typeof(IManagedJoinableQueue<>), typeof(JoinableQueueObject), args => new JoinableQueueObject(Required<int>(args, 0))),
        new(Value, typeof(IManagedValue<>), typeof(ValueObject), args => new ValueObject(args.Length > 0 ? args[0] : null)),
        new(Array, typeof(IManagedArray<>), typeof(ArrayObject), args => new ArrayObject(Required<IList>(args, 0))),
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
