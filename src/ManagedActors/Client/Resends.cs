using ManagedActors.Configuration;

namespace ManagedActors.Client;

/// <summary>
/// What a <see cref="HostConnection"/> does after it lost its host: connect again (at once, with no call waiting, so
/// a journaled object keeps what it holds for the client), and send again the calls kept for that, each to its object
/// found again; a call whose object did not survive fails with the reason.
/// </summary>
internal sealed class Resends(HostConnection connection, ManagerSettings settings)
{
    /// <summary>The pause between attempts to connect again after a loss.</summary>
    private static readonly TimeSpan ReconnectPause = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Connects again at once, not at the next call, trying for as long as a call would wait: a journaled object keeps
    /// what it holds for this client (a lock) only while some host has the client connected. A refusal (a wrong key)
    /// ends the tries; the next call meets it again and says why.
    /// </summary>
    public async Task ReconnectQuietlyAsync()
    {
        var giveUp = Environment.TickCount64 + (long)settings.CallTimeout.TotalMilliseconds;
        while (connection.IsHostGone && Environment.TickCount64 < giveUp)
        {
            try
            {
                await connection.EnsureConnectedAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (HostUnavailableException)
            {
                await Task.Delay(ReconnectPause).ConfigureAwait(false);
            }
            catch (ManagedActorsException)
            {
                return;
            }
        }
    }

    /// <summary>Connects again (once for every caller) and sends the calls again; a call that cannot go fails with its reason.</summary>
    public async Task ResendAsync(List<IPendingCall> calls, string what)
    {
        while (true)
        {
            try
            {
                // Connected again already (by another caller), the calls go on the new connection: a second handshake
                // would replace it, and lose what is in flight there.
                if (connection.IsHostGone || (connection.UsesLane && connection.Lane is null))
                {
                    await connection.EnsureConnectedAsync(CancellationToken.None).ConfigureAwait(false);
                }
                break;
            }
            catch (HostUnavailableException) when (!connection.IsShutDown && calls.Any(c => c.Method.IsBlocking && !c.IsCompleted))
            {
                // A call parked in a journaled object waits there for its client: the client keeps trying to come
                // back (a host started again on its journal) for as long as the caller chose to wait.
                await Task.Delay(ReconnectPause).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                foreach (var call in calls)
                {
                    call.TrySetError(new HostUnavailableException(
                        $"{what} before {call.Method.Contract} was answered, and connecting again failed ({e.Message}): the call may or may not have taken effect.", e));
                }
                return;
            }
        }
        foreach (var call in calls.OrderBy(c => c.CallId))
        {
            // A call that timed out or was cancelled meanwhile does not go again.
            if (call.IsCompleted || call.Proxy is not { } proxy)
            {
                continue;
            }
            if (connection.NeedsReattach(proxy) && await LostAsync(proxy, call, what).ConfigureAwait(false) is { } lost)
            {
                call.TrySetError(lost);
                continue;
            }
            call.Resending(proxy.Outbox);
            proxy.Outbox.Resend(call.Request!, proxy.Timeout ?? settings.CallTimeout);
        }
    }

    /// <summary>Null when <paramref name="proxy"/> found its object again; otherwise what its resent call fails with.</summary>
    public async Task<Exception?> LostAsync(ManagedProxy proxy, IPendingCall call, string what)
    {
        var before = $"{what} before {call.Method.Contract} was answered, and the call may or may not have taken effect.";
        var reference = proxy.Reference;
        try
        {
            if (await connection.TryReattachAsync(proxy, CancellationToken.None).ConfigureAwait(false))
            {
                return null;
            }
        }
        catch (ObjectLostException e)
        {
            return new ObjectLostException($"{before} {e.Message}");
        }
        catch (ManagedActorsException)
        {
        }
        return new ObjectNotFoundException($"{before} The {reference.Kind} '{reference.Name ?? reference.ObjectId}' did not survive the restart of its host.");
    }
}
