using Akka.Configuration;
using Akka.Dispatch;

namespace ManagedActors.Lane;

/// <summary>
/// The executor of the object actors' dispatcher: the .NET thread pool, except that a direct lane's reader thread runs
/// an object's mailbox itself when its delivery is what schedules it. A sequential call then crosses no thread on the
/// host: the reader reads the frame, the object serves it and the answer is written, all on the reader thread, the way
/// Python's manager serves a connection on its thread. The mailbox still orders every call; only the thread differs.
/// One reader at a time serves inline: under load from many connections the readers go back to reading and the pool
/// (sized to the cores) runs the mailboxes, which measured faster than every reader running objects itself.
/// </summary>
internal sealed class InlineExecutor(string id) : ExecutorService(id)
{
    /// <summary>
    /// Whether this thread is a lane reader delivering a batch now. It is the thread's own state, not shared: a thread
    /// delivers for one connection of one host at a time, and the flag is down while a mailbox runs.
    /// </summary>
    [ThreadStatic]
    private static bool _inlineAllowed;

    /// <summary>Whether one of this dispatcher's mailboxes runs on a reader now: one reader at a time serves inline.</summary>
    private int _inlineRunning;

    /// <summary>Delivers with <paramref name="deliver"/>; a mailbox that delivery schedules runs on this thread, before it returns.</summary>
    public static void Deliver<TState>(Action<TState> deliver, TState state)
    {
        _inlineAllowed = true;
        try
        {
            deliver(state);
        }
        finally
        {
            _inlineAllowed = false;
        }
    }

    public override void Execute(IRunnable run)
    {
        if (!_inlineAllowed || Interlocked.CompareExchange(ref _inlineRunning, 1, 0) != 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static r => r.Run(), run, preferLocal: false);
            return;
        }
        // What the object tells others meanwhile (holds to the directory, say) goes to the pool, not into this stack.
        _inlineAllowed = false;
        try
        {
            run.Run();
        }
        finally
        {
            _inlineAllowed = true;
            Volatile.Write(ref _inlineRunning, 0);
        }
    }

    public override void Shutdown()
    {
    }
}

/// <summary>Makes the <see cref="InlineExecutor"/> for the dispatcher that names it as its executor.</summary>
internal sealed class InlineExecutorConfigurator(Config config, IDispatcherPrerequisites prerequisites) : ExecutorServiceConfigurator(config, prerequisites)
{
    public override ExecutorService Produce(string id) => new InlineExecutor(id);
}
