using Akka.Actor;
using Akka.Event;

namespace ManagedActors.Sessions;

/// <summary>
/// Ends the sessions of clients that go away: it watches every client's reply actor and hears of every dropped
/// connection (Akka.Remote's, and the direct lane's on the event stream), closes their sessions, and tells the
/// directory, which lets go of what they held.
/// </summary>
internal sealed class SessionMonitor : UntypedActor
{
    private readonly SessionTable _sessions;
    private readonly IActorRef _directory;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public SessionMonitor(SessionTable sessions, IActorRef directory)
    {
        _sessions = sessions;
        _directory = directory;
    }

    public static Props PropsFor(SessionTable sessions, IActorRef directory) => Props.Create(() => new SessionMonitor(sessions, directory));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(Akka.Remote.DisassociatedEvent));
        Context.System.EventStream.Subscribe(Self, typeof(SessionsEnded));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case WatchClient watch:
                Context.Watch(watch.ReplyTo);
                break;
            case Terminated terminated:
                var closed = _sessions.CloseAll(terminated.ActorRef);
                _log.Debug("Client {0} is gone; closed {1} session(s).", terminated.ActorRef.Path, closed.Count);
                End(closed);
                break;
            case SessionsEnded ended:
                // A lane connection closed (its session is closed already).
                End(ended.Sessions);
                break;
            case Akka.Remote.DisassociatedEvent disassociated:
                // A client process that dies drops its connection at once; DeathWatch would take its failure
                // detector's pause. Its sessions end now, so its locks and permits go to the next waiter. A client
                // that is still alive finds its session unknown on its next call and connects again.
                End(_sessions.CloseAllAt(disassociated.RemoteAddress));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void End(IReadOnlyList<Guid> sessions)
    {
        if (sessions.Count > 0)
        {
            _directory.Tell(new SessionsEnded(sessions));
        }
    }

    /// <summary>A session was opened for this reply actor: its end (or its process's) ends the session.</summary>
    public sealed record WatchClient(IActorRef ReplyTo) : INoSerializationVerificationNeeded;
}
