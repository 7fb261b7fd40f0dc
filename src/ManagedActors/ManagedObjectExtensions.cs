using ManagedActors.Client;

namespace ManagedActors;

/// <summary>Operations on any proxy.</summary>
public static class ManagedObjectExtensions
{
    /// <summary>A proxy to the same object whose calls time out after <paramref name="timeout"/> instead of the default.</summary>
    public static T WithTimeout<T>(this T proxy, TimeSpan timeout) where T : class, IManagedObject
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var inner = AsProxy(proxy);
        return (T)inner.Runtime.CreateProxy(inner.InterfaceType, inner.Reference, timeout);
    }

    /// <summary>The reference the proxy stands for: where its object lives and under which name or id.</summary>
    public static ObjectReference GetReference(this IManagedObject proxy) => AsProxy(proxy).Reference;

    private static ManagedProxy AsProxy(IManagedObject proxy) =>
        proxy as ManagedProxy ?? throw new ArgumentException("Not a ManagedActors proxy.", nameof(proxy));
}
