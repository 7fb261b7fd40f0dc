using Akka.Actor;
using Akka.Event;
using Akka.Remote.Transport;
using Google.Protobuf;

namespace ManagedActors.Security;

/// <summary>
/// A connection that proved the key and its peer's address: it passes payloads both ways, sealed on the wire
/// (<see cref="SealedChannel"/>), queuing what arrives before the layer above reads. A payload that does not open
/// closes the connection. Until Akka's Associate PDU has come, it checks that PDU's origin against the address the key
/// exchange proved; a mismatch closes the connection before Akka binds anything to it. The
/// peer's claim on its address (<see cref="AddressClaims"/>) is released when the connection ends.
/// </summary>
internal sealed class GuardedHandle : AbstractTransportAdapterHandle
{
    private readonly object _gate = new();
    private readonly Queue<IHandleEvent> _early = new();
    private readonly AssociationGuard _guard;
    private readonly IDisposable _claim;
    private readonly Address _peer;
    private readonly SealedChannel _channel;
    // Akka writes from more than one actor (the endpoint writer, the protocol's heartbeats): sealing and writing are
    // one step under this gate, so the wire's order is the nonces' order.
    private readonly object _sendGate = new();
    // Set, under the gate, only after the early events were handed up: once seen, events go straight to it.
    private volatile IHandleEventListener? _reader;
    // Until Akka's handshake arrived from the peer; its later Associate PDUs are ignored by Akka.
    private volatile bool _originChecked;
    // A payload failed to open: the connection is going, and what still arrives on it is dropped unread.
    private volatile bool _broken;

    public GuardedHandle(AssociationHandle raw, AssociationGuard guard, IDisposable claim, Address peer, SealedChannel channel) : base(raw, AssociationGuard.Scheme)
    {
        (_guard, _claim, _peer, _channel) = (guard, claim, peer, channel);
        ReadHandlerSource.Task.ContinueWith(t =>
        {
            lock (_gate)
            {
                while (_early.TryDequeue(out var ev))
                {
                    t.Result.Notify(ev);
                }
                _reader = t.Result;
            }
        }, TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion);
    }

    /// <summary>An event from the raw connection (the driver delivers them one at a time, in order).</summary>
    public void Deliver(IHandleEvent ev)
    {
        if (ev is Disassociated)
        {
            _claim.Dispose();
        }
        else if (ev is InboundPayload payload)
        {
            // The driver delivers one event at a time: the receiving direction needs no gate.
            if (_broken)
            {
                return;
            }
            if (_channel.Open(payload.Payload.Span) is not { } plain)
            {
                _broken = true;
                _guard.Log.Warning("A connection from {0} was closed: a payload did not open (changed, injected or replayed on the way).", RemoteAddress);
                _claim.Dispose();
                WrappedHandle.Disassociate("a payload did not open", _guard.Log);
                return;
            }
            var opened = UnsafeByteOperations.UnsafeWrap(plain);
            if (!_originChecked && !OriginMatches(opened))
            {
                return;
            }
            ev = new InboundPayload(opened);
        }
        if (_reader is { } reader)
        {
            reader.Notify(ev);
            return;
        }
        lock (_gate)
        {
            if (_reader is null)
            {
                _early.Enqueue(ev);
            }
            else
            {
                _reader.Notify(ev);
            }
        }
    }

    public override bool Write(ByteString payload)
    {
        lock (_sendGate)
        {
            return WrappedHandle.Write(UnsafeByteOperations.UnsafeWrap(_channel.Seal(payload.Span)));
        }
    }

#pragma warning disable CS0672, CS0618
    public override void Disassociate()
    {
        _claim.Dispose();
        WrappedHandle.Disassociate();
    }
#pragma warning restore CS0672, CS0618

    private bool OriginMatches(ByteString pdu)
    {
        (string System, string Host, int Port)? origin;
        try
        {
            origin = HandshakeOrigin.Of(pdu);
        }
        catch (InvalidProtocolBufferException)
        {
            // Not Akka's format: Akka refuses it itself.
            return true;
        }
        if (origin is not { } claimed)
        {
            return true;
        }
        _originChecked = true;
        if (claimed.System == _peer.System && claimed.Host == _peer.Host && claimed.Port == _peer.Port)
        {
            return true;
        }
        _guard.Log.Warning("A connection from {0} was closed: it proved the address {1} and associated as {2}@{3}:{4}.",
            RemoteAddress, AddressClaims.KeyOf(_peer), claimed.System, claimed.Host, claimed.Port);
        _claim.Dispose();
        WrappedHandle.Disassociate("its Akka handshake names another address than its key exchange proved", _guard.Log);
        return false;
    }
}
