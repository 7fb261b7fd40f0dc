using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote;

namespace ManagedActors.Clustering;

/// <summary>
/// Downs a member whose process is gone, at once, instead of after the failure detector and the split-brain
/// resolver's <c>stable-after</c>. When a member's connection ends (or the failure detector finds it unreachable), this
/// member connects to its cluster port: a refused connection means no process listens there, so the ActorSystem that
/// was the member is gone and can never come back. It is downed and quarantined, which lets the leader remove it and
/// its shards start elsewhere. A member that is only frozen or cut off still accepts connections (its kernel answers),
/// or lets them time out: it is left to the resolver, as before.
/// </summary>
internal sealed class DeadMemberProbe : ReceiveActor
{
    /// <summary>The probe's actor name under <c>/user</c>.</summary>
    public const string Name = "managed-actors-dead-member-probe";

    /// <summary>How long a probe may take to be answered; a silent port proves nothing.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    /// <summary>A probe that timed out (proving nothing) is tried this often in all.</summary>
    private const int Attempts = 3;

    private static readonly TimeSpan Between = TimeSpan.FromMilliseconds(300);

    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<UniqueAddress> _probing = [];

    public DeadMemberProbe()
    {
        Receive<DisassociatedEvent>(e => Probe(e.RemoteAddress));
        Receive<AssociationErrorEvent>(e => Probe(e.RemoteAddress));
        Receive<ClusterEvent.UnreachableMember>(e => Probe(e.Member.Address));
        Receive<Verdict>(OnVerdict);
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new DeadMemberProbe());

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
        Context.System.EventStream.Subscribe(Self, typeof(AssociationErrorEvent));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.UnreachableMember));
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        _cluster.Unsubscribe(Self);
    }

    private void Probe(Address address)
    {
        if (Live(address) is not { } member || !_probing.Add(member.UniqueAddress))
        {
            return;
        }
        var self = Self;
        var node = member.UniqueAddress;
        _ = Task.Run(async () => self.Tell(new Verdict(node, await RefusesAsync(address.Host!, address.Port!.Value).ConfigureAwait(false))));
    }

    /// <summary>The member at <paramref name="address"/> while it counts as alive (not this one, not yet down or leaving for good).</summary>
    private Member? Live(Address address) =>
        address.Host is null || address.Port is null || address == _cluster.SelfAddress
            ? null
            : _cluster.State.Members.FirstOrDefault(m => m.Address == address
                && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining or MemberStatus.Leaving);

    private void OnVerdict(Verdict verdict)
    {
        _probing.Remove(verdict.Node);
        if (!verdict.Refused || Live(verdict.Node.Address) is not { } member || member.UniqueAddress != verdict.Node)
        {
            return;
        }
        _log.Warning("Cluster member {0} is gone (its port refuses connections): downing it now.", verdict.Node.Address);
        _cluster.Down(verdict.Node.Address);
        ((IRemoteActorRefProvider)((ExtendedActorSystem)Context.System).Provider).Quarantine(verdict.Node.Address, verdict.Node.Uid);
    }

    /// <summary>Whether every attempt to connect to <paramref name="host"/>:<paramref name="port"/> was refused.</summary>
    private static async Task<bool> RefusesAsync(string host, int port)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(Between).ConfigureAwait(false);
            }
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(ConnectTimeout);
            try
            {
                await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
                return false;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return true;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                // Unreachable or silent: frozen, cut off, or a name that does not resolve. Nothing is proven; try again.
            }
        }
        return false;
    }

    private sealed record Verdict(UniqueAddress Node, bool Refused);
}
