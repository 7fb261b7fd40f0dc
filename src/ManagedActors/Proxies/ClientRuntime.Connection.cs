using Akka.Actor;
using ManagedActors.Protocol;

namespace ManagedActors.Proxies;

/// <summary>The client's side of its connection: reconnecting after the host was lost, and the host going away.</summary>
internal sealed partial class ClientRuntime
{
    /// <summary>
    /// The slow path after the host was lost: run the handshake again (once, for every caller waiting), then
    /// point the proxy at its object on the restarted host. A named object found there again is used; one that
    /// did not survive the restart (every object, unless durable) is <see cref="ObjectNotFoundException"/>.
    /// </summary>
    private async Task SendAfterReconnectAsync(IPendingCall pending, ManagedProxy proxy, ClientMethod method, object?[] args, Guid owner, CancellationToken cancellationToken)
    {
        try
        {
            if (Volatile.Read(ref _state) == HostGone && Reconnect is not null)
            {
                await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
            }
            if (NeedsReattach(proxy))
            {
                var reference = proxy.Reference;
                var found = reference.Name is not null && Find is not null
                    ? await Find(reference, cancellationToken).ConfigureAwait(false)
                    : null;
                if (found is null)
                {
                    pending.SetError(new ObjectNotFoundException(
                        $"The {reference.Kind} '{reference.Name ?? reference.ObjectId}' did not survive the restart of its host at {HostAddress}; open it again."));
                    return;
                }
                proxy.Rebind(found);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            pending.Start(0, long.MaxValue, method, proxy.Outbox, this, cancellationToken);
            pending.SetCancelled();
            return;
        }
        catch (Exception e)
        {
            pending.SetError(e is ManagedActorsException ? e : new HostUnavailableException($"The host at {HostAddress} could not be reached again: {e.Message}", e));
            return;
        }
        Send(pending, proxy, method, args, owner, cancellationToken);
    }

    private Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        lock (_reconnectGate)
        {
            return (_reconnecting ??= ReconnectCoreAsync()).WaitAsync(cancellationToken);
        }
    }

    private async Task ReconnectCoreAsync()
    {
        try
        {
            var (session, incarnation) = await Reconnect!(CancellationToken.None).ConfigureAwait(false);
            Admit(session, incarnation);
            Interlocked.CompareExchange(ref _state, Running, HostGone);
        }
        finally
        {
            lock (_reconnectGate)
            {
                _reconnecting = null;
            }
        }
    }


    /// <summary>Whether a reply comes from the host this client talks to (an object there, or this process's own host).</summary>
    public bool IsHost(IActorRef sender) =>
        sender.Path.Address.HasLocalScope || sender.Path.Address.Equals(HostAddress);

    public void OnHostShutdown(Guid incarnation, Guid session)
    {
        if (incarnation == Incarnation && session == Session)
        {
            ShutDownWith("The manager's host shut down.");
        }
    }

    public void OnDisassociated(Address remote)
    {
        if (!remote.Equals(HostAddress) || Interlocked.CompareExchange(ref _state, HostGone, Running) != Running)
        {
            return;
        }
        FailAll(() => new HostUnavailableException($"The connection to the host at {HostAddress} was lost."));
    }

    private void ShutDownWith(string reason)
    {
        _shutdownReason = reason;
        Volatile.Write(ref _state, ShutDown);
        FailAll(() => new ManagerShutDownException(reason));
    }

    private void FailAll(Func<Exception> error)
    {
        foreach (var pair in _pending)
        {
            if (_pending.TryRemove(pair.Key, out var call))
            {
                call.Outbox.Completed();
                call.SetError(error());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (Volatile.Read(ref _state) != ShutDown)
        {
            ShutDownWith("The manager connection was disposed.");
        }
        await _sweep.DisposeAsync().ConfigureAwait(false);
        if (_ownsSystem)
        {
            await System.Terminate().ConfigureAwait(false);
        }
        else
        {
            System.Stop(ReplyActor);
        }
    }
}
