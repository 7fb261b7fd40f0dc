using Akka.Actor;
using Akka.Remote;
using ManagedActors.Protocol;

namespace ManagedActors.Client;

/// <summary>
/// The one actor per client process that every reply comes back to. It completes the callers' tasks from the
/// correlation map, so no call needs a temporary actor (what Akka's Ask would create), and it hears when the
/// host shuts down or the connection to it drops.
/// </summary>
internal sealed class ReplyActor : UntypedActor
{
    private readonly HostConnection _connection;

    public ReplyActor(HostConnection connection) => _connection = connection;

    public static Props PropsFor(HostConnection connection) => Props.Create(() => new ReplyActor(connection));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
        base.PreStart();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Results results when _connection.IsHost(Sender):
                _connection.OnResults(results);
                break;
            case HostBeat beat when _connection.IsHost(Sender):
                _connection.OnBeat(beat.Session);
                break;
            case HostShutdown shutdown when _connection.IsHost(Sender):
                _connection.OnHostShutdown(shutdown.Incarnation, shutdown.Session);
                break;
            case DisassociatedEvent disassociated:
                _connection.OnDisassociated(disassociated.RemoteAddress);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
