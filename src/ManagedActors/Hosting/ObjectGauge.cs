using ManagedActors.Objects;

namespace ManagedActors.Hosting;

/// <summary>
/// An object's size and waiters as its runner last saw them, for status reports: the directory reads these, never
/// the object's own collections, which only the object's actor may touch.
/// </summary>
internal sealed class ObjectGauge
{
    private int _size;
    private int _waiters;

    public int Size => Volatile.Read(ref _size);

    public int Waiters => Volatile.Read(ref _waiters);

    /// <summary>Called on the thread that runs the object, after it handled a message.</summary>
    public void Update(ManagedObject target)
    {
        Volatile.Write(ref _size, target.Size);
        Volatile.Write(ref _waiters, target.Waiters);
    }
}
