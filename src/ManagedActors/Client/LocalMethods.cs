using System.Reflection;
using System.Runtime.CompilerServices;
using ManagedActors.Lists;
using ManagedActors.Queues;

namespace ManagedActors.Client;

/// <summary>Proxy methods that run on the client: async enumeration over a snapshot, and a queue read to its completion.</summary>
internal static class LocalMethods
{
    public static Func<ManagedProxy, object?[], object?> Bind(MethodInfo method)
    {
        if (method.DeclaringType == typeof(IAsyncDisposable))
        {
            // DispatchProxy hands the boxed ValueTask back to the caller, who awaits it once.
#pragma warning disable CA2012
            return static (proxy, _) => proxy.DisposeProxy();
#pragma warning restore CA2012
        }
        var helper = method.Name switch
        {
            nameof(IAsyncEnumerable<object>.GetAsyncEnumerator) => nameof(Enumerate),
            nameof(IManagedQueue<object>.ReadAllAsync) => nameof(ReadAll),
            _ => throw new NotSupportedException($"{method.DeclaringType}.{method.Name} has no client-side implementation."),
        };
        var element = method.ReturnType.GetGenericArguments()[0];
        return typeof(LocalMethods).GetMethod(helper, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(element)
            .CreateDelegate<Func<ManagedProxy, object?[], object?>>();
    }

    private static object? Enumerate<T>(ManagedProxy proxy, object?[] args)
    {
        var cancellationToken = args.Length > 0 && args[0] is CancellationToken token ? token : default;
        return proxy is IManagedList<T> list
            ? Snapshot(list, cancellationToken).GetAsyncEnumerator(cancellationToken)
            : throw new NotSupportedException($"{proxy.InterfaceType} cannot be enumerated.");
    }

    private static async IAsyncEnumerable<T> Snapshot<T>(IManagedList<T> list, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var item in await list.SnapshotAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    private static object? ReadAll<T>(ManagedProxy proxy, object?[] args)
    {
        var cancellationToken = args.Length > 0 && args[^1] is CancellationToken token ? token : default;
        return ReadUntilCompleted((IManagedQueue<T>)proxy, cancellationToken);
    }

    private static async IAsyncEnumerable<T> ReadUntilCompleted<T>(IManagedQueue<T> queue, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            T item;
            try
            {
                item = await queue.GetAsync(null, cancellationToken).ConfigureAwait(false);
            }
            catch (QueueCompletedException)
            {
                yield break;
            }
            yield return item;
        }
    }
}
