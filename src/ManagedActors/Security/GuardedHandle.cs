using Akka.Remote.Transport;
using Google.Protobuf;

namespace ManagedActors.Security;

/// <summary>A connection that proved the key: it passes payloads both ways, queuing what arrives before the layer above reads.</summary>
internal sealed class GuardedHandle : AbstractTransportAdapterHandle
{
    private readonly object _gate = new();
    private readonly Queue<IHandleEvent> _early = new();
    // Set, under the gate, only after the early events were handed up: once seen, events go straight to it.
    private volatile IHandleEventListener? _reader;

    public GuardedHandle(AssociationHandle raw) : base(raw, AssociationGuard.Scheme) =>
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

    /// <summary>An event from the raw connection (the driver delivers them one at a time, in order).</summary>
    public void Deliver(IHandleEvent ev)
    {
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

    public override bool Write(ByteString payload) => WrappedHandle.Write(payload);

#pragma warning disable CS0672, CS0618
    public override void Disassociate() => WrappedHandle.Disassociate();
#pragma warning restore CS0672, CS0618
}

