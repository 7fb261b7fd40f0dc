using Akka.Actor;
using Akka.Event;
using ManagedActors.Protocol;

namespace ManagedActors.Proxies;

/// <summary>
/// Opens the direct lane after each handshake when the client's transport is <c>direct</c>. A host that offers no data
/// port (an older host, or one with the lane switched off) or whose port cannot be reached (a firewall) leaves the calls
/// on Akka.Remote; the client says so once in its log, and tries the lane again after each later handshake.
/// </summary>
internal sealed class LaneOpener(ClientRuntime runtime, Address hostAddress, byte[] authKey, ILoggingAdapter log)
{
    private int _warned;

    public async Task<Admission> AdmitAsync(Welcome welcome, CancellationToken cancellationToken)
    {
        if (!runtime.Settings.Lane.Direct)
        {
            return new Admission(welcome.Session, welcome.Incarnation);
        }
        if (welcome.LanePort == 0)
        {
            WarnOnce($"The host at {hostAddress} offers no direct lane (it predates it, or managed-actors.direct.enabled is off); calls go over Akka.Remote.");
            return new Admission(welcome.Session, welcome.Incarnation);
        }
        try
        {
            var lane = await LaneChannel.ConnectAsync(hostAddress.Host ?? "127.0.0.1", welcome.LanePort, welcome.LaneTls, welcome.Session, authKey, runtime, cancellationToken)
                .ConfigureAwait(false);
            return new Admission(welcome.Session, welcome.Incarnation, lane);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            WarnOnce($"The direct lane to {hostAddress.Host}:{welcome.LanePort} could not be opened ({e.GetType().Name}: {e.Message}); calls go over Akka.Remote.");
            return new Admission(welcome.Session, welcome.Incarnation);
        }
    }

    private void WarnOnce(string message)
    {
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            log.Warning(message);
        }
    }
}
