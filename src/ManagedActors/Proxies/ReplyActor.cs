using Akka.Actor;
using Akka.Remote;
using ManagedActors.Protocol;

namespace ManagedActors.Proxies;

/// <summary>
/// The one actor per client process that every reply comes back to. It completes the callers' tasks from the
/// correlation map, so no call needs a temporary actor (what Akka's Ask would create), and it hears when the
/// host shuts down or the connection to it drops.
/// </summary>
internal sealed class ReplyActor : UntypedActor
{
    private readonly ClientRuntime _runtime;

    public ReplyActor(ClientRuntime runtime) => _runtime = runtime;

    public static Props PropsFor(ClientRuntime runtime) => Props.Create(() => new ReplyActor(runtime));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
        base.PreStart();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Results results when _runtime.IsHost(Sender):
                _runtime.OnResults(results);
                break;
            case HostShutdown shutdown when _runtime.IsHost(Sender):
                _runtime.OnHostShutdown(shutdown.Incarnation, shutdown.Session);
                break;
            case DisassociatedEvent disassociated:
                _runtime.OnDisassociated(disassociated.RemoteAddress);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
