using System.Collections.Concurrent;
using System.Threading.Channels;
using ManagedActors.Protocol;

namespace ManagedActors.Client;

/// <summary>
/// Which anonymous objects this session holds a proxy to, so the host keeps them alive. The first proxy to an object
/// makes the session a holder, disposing (or collecting) the last lets it go. The host is told in order, from a task of
/// the tracker's own: a proxy is made on a lane's reader thread and collected on the finalizer thread, and neither may
/// wait for a send. A proxy disposed by its caller waits until its release is on its way, so the caller's next call to
/// the host comes after it.
/// </summary>
internal sealed class HoldTracker
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Channel<Change> _changes = Channel.CreateUnbounded<Change>(new UnboundedChannelOptions { SingleReader = true });

    /// <param name="tell">Tells the host that the session holds (true) or let go of (false) an object; its task is not awaited.</param>
    public HoldTracker(Func<string, bool, Task> tell) => _ = TellAsync(tell);

    /// <summary>A proxy to <paramref name="reference"/> was made here.</summary>
    public void Track(ObjectReference reference)
    {
        if (IsHeld(reference) && _counts.AddOrUpdate(reference.ObjectId, 1, static (_, count) => count + 1) == 1)
        {
            _changes.Writer.TryWrite(new Change(reference.ObjectId, true, null));
        }
    }

    /// <summary>
    /// A proxy to <paramref name="reference"/> was disposed or collected. Completes once a release this causes is handed
    /// to the session's calls (at once when there is none), or, with <paramref name="wait"/> false, at once.
    /// </summary>
    public Task Untrack(ObjectReference reference, bool wait)
    {
        if (!IsHeld(reference) || _counts.AddOrUpdate(reference.ObjectId, 0, static (_, count) => count - 1) > 0)
        {
            return Task.CompletedTask;
        }
        _counts.TryRemove(new KeyValuePair<string, int>(reference.ObjectId, 0));
        var told = wait ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        if (!_changes.Writer.TryWrite(new Change(reference.ObjectId, false, told)))
        {
            // The session is over: there is nothing to release.
            return Task.CompletedTask;
        }
        return told?.Task ?? Task.CompletedTask;
    }

    /// <summary>No more changes are told (the session ends).</summary>
    public void Close() => _changes.Writer.TryComplete();

    /// <summary>Only anonymous objects are held by their proxies; named ones live until deleted, and the directory always.</summary>
    private static bool IsHeld(ObjectReference reference) => reference.Name is null && reference.Kind != HostPaths.DirectoryKind;

    private async Task TellAsync(Func<string, bool, Task> tell)
    {
        await foreach (var change in _changes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                // Not awaited: a change travels ahead of this session's later calls to the directory, in order.
                _ = tell(change.ObjectId, change.Held).ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The session is over (there is nothing to hold any more), or this change cannot be told: the next ones still are.
            }
            finally
            {
                change.Told?.TrySetResult();
            }
        }
    }

    /// <summary>A change of the session's holds, and (for a proxy its caller disposed) who waits until it is on its way.</summary>
    private sealed record Change(string ObjectId, bool Held, TaskCompletionSource? Told);
}
