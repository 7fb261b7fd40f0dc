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
            pending.Start(0, long.MaxValue, method, proxy, this, cancellationToken);
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
            Admit(await Reconnect!(CancellationToken.None).ConfigureAwait(false));
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

    /// <summary>The lane told of an orderly shutdown of the host after its last answers.</summary>
    public void OnLaneShutdown(LaneChannel lane)
    {
        if (ReferenceEquals(Lane, lane))
        {
            ShutDownWith("The manager's host shut down.");
        }
    }

    /// <summary>The lane broke (the host died, or the network): calls in flight fail, the next call connects again.</summary>
    public void OnLaneLost(LaneChannel lane, Exception? cause)
    {
        if (Interlocked.CompareExchange(ref _lane, null, lane) != lane || Interlocked.CompareExchange(ref _state, HostGone, Running) != Running)
        {
            return;
        }
        var reason = cause is null or EndOfStreamException ? "closed" : "lost (" + cause.Message + ")";
        FailAll(() => new HostUnavailableException($"The direct connection to the host at {HostAddress} was {reason}."));
    }

    private void ShutDownWith(string reason)
    {
        _shutdownReason = reason;
        Volatile.Write(ref _state, ShutDown);
        FailAll(() => new ManagerShutDownException(reason));
    }

    /// <summary>Fails every pending call; on the thread pool, since a caller may continue where its call completes.</summary>
    private void FailAll(Func<Exception> error)
    {
        foreach (var pair in _pending)
        {
            if (_pending.TryRemove(pair.Key, out var call))
            {
                call.Outbox.Completed();
                ThreadPool.UnsafeQueueUserWorkItem(static s => s.Call.SetError(s.Error), (Call: call, Error: error()), preferLocal: false);
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
        Interlocked.Exchange(ref _lane, null)?.Dispose();
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
