using ManagedActors.Protocol;

namespace ManagedActors.Proxies;

/// <summary>Completing pending calls: by a reply, a cancellation, or their deadline.</summary>
internal sealed partial class ClientRuntime
{
    public void OnCallCancelled(IPendingCall call)
    {
        if (call.Method.IsBlocking && Volatile.Read(ref _state) == Running)
        {
            // The host may already have handed this call an item; it answers either with the item or with a
            // cancellation, so nothing is lost. If it never answers, the deadline ends the wait.
            call.CancelRequested = true;
            call.Deadline = Math.Min(call.Deadline, Environment.TickCount64 + (long)Settings.CallTimeout.TotalMilliseconds);
            call.Outbox.Cancel(call.CallId);
            return;
        }
        if (_pending.TryRemove(call.CallId, out _))
        {
            call.Outbox.Completed();
            call.SetCancelled();
        }
    }

    public void OnResults(Results results)
    {
        if (Volatile.Read(ref _state) == HostGone)
        {
            Interlocked.CompareExchange(ref _state, Running, HostGone);
        }
        foreach (var item in results.Items)
        {
            if (!_pending.TryRemove(item.CallId, out var call))
            {
                continue;
            }
            call.Outbox.Completed();
            if (item.IsFault)
            {
                Exception error;
                try
                {
                    error = RemoteFaults.ToException(FaultInfo.Decode(item.Payload));
                }
                catch (FormatException e)
                {
                    error = new ManagedRemoteException("FormatException", "The host's fault could not be read: " + e.Message, null);
                }
                if (error is AuthenticationException && Reconnect is not null)
                {
                    // The host no longer knows this session (it restarted): the next call runs the handshake again.
                    Interlocked.CompareExchange(ref _state, HostGone, Running);
                }
                if (error is OperationCanceledException && call.CancelRequested)
                {
                    call.SetCancelled();
                }
                else
                {
                    call.SetError(error);
                }
                continue;
            }
            object? value;
            try
            {
                value = Codec.Decode(item.Payload);
            }
            catch (Exception e) when (e is ManagedActorsException or FormatException or ArgumentException)
            {
                call.SetError(e is FormatException or ArgumentException
                    ? new ManagedRemoteException("FormatException", "The host's reply could not be read: " + e.Message, null)
                    : e);
                continue;
            }
            call.SetValue(value);
        }
    }

    private void Sweep()
    {
        if (_pending.IsEmpty)
        {
            return;
        }
        var now = Environment.TickCount64;
        foreach (var pair in _pending)
        {
            var call = pair.Value;
            if (call.Deadline > now || !_pending.TryRemove(pair.Key, out _))
            {
                continue;
            }
            call.Outbox.Completed();
            if (call.CancelRequested)
            {
                call.SetCancelled();
                continue;
            }
            if (call.Method.IsBlocking)
            {
                call.Outbox.Cancel(call.CallId);
            }
            call.SetError(Volatile.Read(ref _state) == HostGone
                ? new HostUnavailableException($"The host at {HostAddress} is unreachable; {call.Method.Contract} got no answer.")
                : new TimeoutException($"{call.Method.Contract} on {call.Proxy} got no answer from {call.Target.Path.Address} in time ({Settings.CallTimeout.TotalSeconds:0.###} s default; set per call with WithTimeout)."));
        }
    }

}
