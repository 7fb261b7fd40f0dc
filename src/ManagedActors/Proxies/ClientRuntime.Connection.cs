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
        if (incarnation != Incarnation || session != Session)
        {
            return;
        }
        if (FailsOver && Reconnect is not null)
        {
            // One host of a cluster left; the next call connects to another.
            if (Interlocked.CompareExchange(ref _state, HostGone, Running) == Running)
            {
                ConnectionLost($"The host at {HostAddress} shut down");
            }
            return;
        }
        ShutDownWith("The manager's host shut down.");
    }

    public void OnDisassociated(Address remote)
    {
        if (!remote.Equals(HostAddress) || Interlocked.CompareExchange(ref _state, HostGone, Running) != Running)
        {
            return;
        }
        ConnectionLost($"The connection to the host at {HostAddress} was lost");
    }

    /// <summary>The lane told of an orderly shutdown of the host after its last answers.</summary>
    public void OnLaneShutdown(LaneChannel lane)
    {
        if (!ReferenceEquals(Lane, lane))
        {
            return;
        }
        if (FailsOver && Reconnect is not null)
        {
            // One host of a cluster left (as HostShutdown tells an Akka.Remote client): the next call connects to another.
            OnLaneLost(lane, null);
            return;
        }
        ShutDownWith("The manager's host shut down.");
    }

    /// <summary>The lane broke (the host died, or the network): calls in flight fail, the next call connects again.</summary>
    public void OnLaneLost(LaneChannel lane, Exception? cause)
    {
        if (Interlocked.CompareExchange(ref _lane, null, lane) != lane || Interlocked.CompareExchange(ref _state, HostGone, Running) != Running)
        {
            return;
        }
        var reason = cause is null or EndOfStreamException ? "closed" : "lost (" + cause.Message + ")";
        ConnectionLost($"The direct connection to the host at {HostAddress} was {reason}");
    }

    /// <summary>
    /// The connection broke with calls in flight. Changing calls wait for the connection to come back and go again,
    /// with their ids, so an object that ran one answers with its first answer and none runs twice (after each lost
    /// connection, until answered or timed out); the other calls (reads, blocking calls) fail, and their callers may
    /// simply call again.
    /// </summary>
    private void ConnectionLost(string what)
    {
        List<IPendingCall>? resend = null;
        foreach (var pair in _pending)
        {
            if (pair.Value is { Request: not null } call)
            {
                // Claimed already when its resend is under way.
                if (call.ClaimResend())
                {
                    (resend ??= []).Add(call);
                }
            }
            else if (_pending.TryRemove(pair.Key, out var lost))
            {
                lost.Outbox.Completed();
                ThreadPool.UnsafeQueueUserWorkItem(static s => s.Call.SetError(s.Error), (Call: lost, Error: new HostUnavailableException(what + ".")), preferLocal: false);
            }
        }
        if (resend is not null)
        {
            _ = ResendAsync(resend, what);
        }
    }

    /// <summary>
    /// A call could not leave: the lane it was handed to closed meanwhile. A changing call goes again once connected
    /// (as <see cref="ConnectionLost"/> does with the calls in flight); any other call fails with <paramref name="error"/>.
    /// </summary>
    public void Unsent(CallRequest call, Exception error)
    {
        if (_pending.TryGetValue(call.CallId, out var pending) && pending.Request is not null && Reconnect is not null
            && Volatile.Read(ref _state) != ShutDown)
        {
            // Claimed already when the lost connection's calls were collected: that resend sends it.
            if (pending.ClaimResend())
            {
                _ = ResendAsync([pending], "The connection to the host was lost");
            }
            return;
        }
        FailPending(call.CallId, error);
    }

    /// <summary>Connects again (once for every caller) and sends the calls again; a call that cannot go fails with its reason.</summary>
    private async Task ResendAsync(List<IPendingCall> calls, string what)
    {
        try
        {
            // Connected again already (by another caller), the calls go on the new connection: a second handshake would
            // replace it, and lose what is in flight there.
            if (Volatile.Read(ref _state) == HostGone || (UsesLane && Lane is null))
            {
                await EnsureConnectedAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            foreach (var call in calls)
            {
                FailPending(call.CallId, new HostUnavailableException(
                    $"{what} before {call.Method.Contract} was answered, and connecting again failed ({e.Message}): the call may or may not have taken effect.", e));
            }
            return;
        }
        foreach (var call in calls.OrderBy(c => c.CallId))
        {
            // A call that timed out or was cancelled meanwhile is no longer pending: it does not go again.
            if (!_pending.ContainsKey(call.CallId) || call.Proxy is not { } proxy)
            {
                continue;
            }
            if (NeedsReattach(proxy))
            {
                var reference = proxy.Reference;
                var found = reference.Name is not null && Find is not null
                    ? await FindQuietlyAsync(reference).ConfigureAwait(false)
                    : null;
                if (found is null)
                {
                    FailPending(call.CallId, new ObjectNotFoundException(
                        $"{what} before {call.Method.Contract} was answered, and the {reference.Kind} '{reference.Name ?? reference.ObjectId}' did not survive the restart of its host: the call may or may not have taken effect."));
                    continue;
                }
                proxy.Rebind(found);
            }
            call.Outbox.Completed();
            call.Resending(proxy.Outbox);
            proxy.Outbox.Resend(call.Request!, proxy.Timeout ?? Settings.CallTimeout);
        }
    }

    private async Task<ManagedProxy?> FindQuietlyAsync(ObjectReference reference)
    {
        try
        {
            return await Find!(reference, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ManagedActorsException)
        {
            return null;
        }
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
