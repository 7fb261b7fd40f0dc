using Akka.Actor;
using Akka.Event;
using Akka.Remote.Transport;

namespace ManagedActors.Security;

/// <summary>
/// Loads <see cref="AssociationGuard"/> as an Akka.Remote transport adapter (<c>akka.remote.adapters.mauth</c>, last in
/// <c>applied-adapters</c>, next to the TCP driver).
/// </summary>
internal sealed class AssociationGuardProvider : ITransportAdapterProvider
{
    /// <inheritdoc />
    public Transport Create(Transport wrappedTransport, ExtendedActorSystem system) => new AssociationGuard(wrappedTransport, system);
}

/// <summary>
/// An Akka.Remote transport adapter that lets no byte reach Akka's protocol until both ends of a connection proved
/// they hold the same key and that each claims only an address it owns: the dialling side sends a nonce, both claimed
/// listen addresses and its public key, the listening side answers with its nonce, an HMAC-SHA256 over the transcript
/// and its own public key and signature, the dialling side answers with its HMAC and signature; anything else closes
/// the connection without a word. An address that a live connection proved under another key is refused, and the
/// refusal logged (<see cref="AddressClaims"/>). Only then is the association handed up (inbound) or returned (outbound),
/// every payload on it sealed under keys from an ECDH agreement made in the same exchange (<see cref="SealedChannel"/>).
/// </summary>
internal sealed class AssociationGuard : AbstractTransportAdapter, IAssociationEventListener
{
    public const string Scheme = "mauth";
    private static readonly SchemeAugmenter Augmenter = new(Scheme);
    private Task<IAssociationEventListener>? _upstream;

    public AssociationGuard(Transport wrappedTransport, ExtendedActorSystem system) : base(wrappedTransport)
    {
        System = system;
        Log = Logging.GetLogger(system, typeof(AssociationGuard));
        Keys = TransportKey.Of(system) ?? throw new ArgumentException(
            $"The ActorSystem '{system.Name}' applies the '{Scheme}' transport adapter but was created without a key: " +
            "create it with ManagedActorsSystem.Setup(config, authKey).");
        Key = Keys.Key;
        Timeout = HandshakeSettings.Create(system.Settings.Config).TransportTimeout;
    }

    public TransportKey Keys { get; }

    /// <summary>This system's own identity: the private key behind every address claim it makes.</summary>
    public EndpointIdentity Identity => Keys.Identity;

    /// <summary>The peer addresses its live connections proved, with their keys.</summary>
    public AddressClaims Claims => Keys.Claims;

    public byte[] Key { get; }

    public TimeSpan Timeout { get; }

    public ILoggingAdapter Log { get; }

    /// <summary>This system's listen address under the driver's scheme (<c>tcp://system@host:port</c>).</summary>
    public Address? LocalListen { get; private set; }

    protected override SchemeAugmenter SchemeAugmenter => Augmenter;

    protected override Task<IAssociationEventListener> InterceptListen(Address listenAddress, Task<IAssociationEventListener> listenerTask)
    {
        LocalListen = listenAddress;
        // The upstream listener is set only after this returns: never wait for it here.
        _upstream = listenerTask;
        return Task.FromResult<IAssociationEventListener>(this);
    }

    protected override void InterceptAssociate(Address remoteAddress, TaskCompletionSource<AssociationHandle> statusPromise)
    {
        Task<AssociationHandle> connecting;
        try
        {
            connecting = WrappedTransport.Associate(remoteAddress);
        }
        catch (Exception e)
        {
            statusPromise.TrySetException(e);
            return;
        }
        connecting.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully)
            {
                new KeyExchange(this, t.Result, statusPromise, remoteAddress).Start();
            }
            else
            {
                statusPromise.TrySetException(t.Exception?.GetBaseException() ?? new InvalidAssociationException("The connection was cancelled."));
            }
        }, TaskContinuationOptions.ExecuteSynchronously);
    }

    /// <summary>A raw inbound connection from the driver: it must prove the key before anything above sees it.</summary>
    public void Notify(IAssociationEvent ev)
    {
        if (ev is InboundAssociation inbound)
        {
            new KeyExchange(this, inbound.Association, null, null).Start();
        }
    }

    /// <summary>An inbound connection proved the key: the layer above gets it.</summary>
    public void Admit(GuardedHandle handle) =>
        _upstream!.ContinueWith(t => t.Result.Notify(new InboundAssociation(handle)),
            TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion);
}

