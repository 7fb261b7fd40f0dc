using System.Security.Cryptography;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Configuration;
using ManagedActors.Codec;
using ManagedActors.Configuration;
using ManagedActors.Protocol;
using ManagedActors.Security;

namespace ManagedActors.Tests.Security;

/// <summary>
/// An attacker's process as far as the wire can tell: a plain Akka ActorSystem on 127.0.0.1 with Akka's default
/// serializers (JSON with type names included) plus the library's protocol serializer, and none of the library's
/// defences but, when given a key, its transport (so it models a peer that holds the authkey, or a wrong one). It can
/// send anything, to any path, with any sender, and hear whatever comes back to its inbox.
/// </summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly Channel<(object Message, IActorRef Sender)> _received = Channel.CreateUnbounded<(object, IActorRef)>();

    private RawPeer(ActorSystem system)
    {
        System = system;
        Inbox = system.ActorOf(Props.Create(() => new InboxActor(_received.Writer)), "inbox");
    }

    public ActorSystem System { get; }

    /// <summary>The peer's one receiving actor; what arrives there can be read with <see cref="NextAsync{T}"/>.</summary>
    public IActorRef Inbox { get; }

    public Guid Session { get; private set; }

    /// <summary>
    /// A peer whose connections prove <paramref name="transportKey"/> (the library's transport, <c>akka.mauth.tcp</c>),
    /// or, when it is null, a stranger on Akka's own transport (<c>akka.tcp</c>: see <see cref="Plain"/>). It may name its
    /// system as another process does and advertise that process's port (<c>public-port</c> in <paramref name="extraHocon"/>).
    /// </summary>
    public static RawPeer Start(byte[]? transportKey, string? extraHocon = null, string systemName = "raw-peer", string label = TransportKey.ClientLabel)
    {
        var config = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.loglevel = ERROR
            akka.stdout-loglevel = ERROR
            akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
            akka.remote.dot-netty.tcp.port = 0
            {{(transportKey is null ? "akka.remote.dot-netty.tcp.applied-adapters = []" : "")}}
            {{extraHocon}}
            """).WithFallback(ManagedActorsConfig.Default);
        var setup = BootstrapSetup.Create().WithConfig(config);
        return new RawPeer(transportKey is null
            ? ActorSystem.Create(systemName, setup)
            : ActorSystem.Create(systemName, setup.And(new TransportKey(transportKey, label))));
    }

    /// <summary>A host address as a stranger on Akka's own transport dials it: the same host and port over <c>akka.tcp</c>.</summary>
    public static string Plain(string address) => address.Replace("akka.mauth.tcp://", "akka.tcp://", StringComparison.Ordinal);

    /// <summary>A reference to an actor of another system by its full path, as a forged message would name it.</summary>
    public IActorRef Resolve(string path) => ((ExtendedActorSystem)System).Provider.ResolveActorRef(path);

    public static string GatekeeperPath(string hostAddress) => HostPaths.Gatekeeper(hostAddress);

    /// <summary>Where the directory's calls (open, find, hold, status) go.</summary>
    public static string DirectoryPath(string hostAddress) => HostPaths.Directory(hostAddress);

    /// <summary>
    /// Runs the real handshake with the key: an authenticated client that then sends whatever it likes. It names itself
    /// <paramref name="client"/> (a new id when null): a peer that handshakes again with the same id is the same client.
    /// </summary>
    public async Task<Guid> HandshakeAsync(string hostAddress, byte[] authKey, Guid? client = null)
    {
        var gatekeeper = System.ActorSelection(GatekeeperPath(hostAddress));
        var challenge = await gatekeeper.Ask<Challenge>(new Hello(Inbox), TimeSpan.FromSeconds(10));
        var welcome = await gatekeeper.Ask<Welcome>(new Proof(Inbox, challenge.Nonce, HMACSHA256.HashData(authKey, challenge.Nonce), client ?? Guid.NewGuid()), TimeSpan.FromSeconds(10));
        Session = welcome.Session;
        return Session;
    }

    /// <summary>Sends calls from the inbox on this peer's session (marked as sent again when <paramref name="resent"/>) and collects one answer per call.</summary>
    public async Task<Dictionary<long, CallResult>> CallAsync(
        string objectPath, IReadOnlyList<CallRequest> calls, TimeSpan? within = null, Guid? session = null, bool resent = false)
    {
        Resolve(objectPath).Tell(new Calls(session ?? Session, calls.ToArray(), resent), Inbox);
        var answers = new Dictionary<long, CallResult>();
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(20));
        var wanted = calls.Select(c => c.CallId).ToHashSet();
        while (!wanted.IsSubsetOf(answers.Keys))
        {
            var (message, _) = await _received.Reader.ReadAsync(timeout.Token);
            if (message is Results results)
            {
                foreach (var item in results.Items)
                {
                    answers[item.CallId] = item;
                }
            }
        }
        return answers;
    }

    /// <summary>The next message of type <typeparamref name="T"/> to reach the inbox, or null when none comes in time.</summary>
    public async Task<T?> NextAsync<T>(TimeSpan within) where T : class
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                var (message, _) = await _received.Reader.ReadAsync(timeout.Token);
                if (message is T typed)
                {
                    return typed;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync() => await System.Terminate();

    private sealed class InboxActor(ChannelWriter<(object, IActorRef)> writer) : UntypedActor
    {
        protected override void OnReceive(object message) => writer.TryWrite((message, Sender));
    }
}

/// <summary>Encodes hand-built calls the way a client would, so a test can then break them.</summary>
internal static class Wire
{
    public static readonly ValueCodec Codec = new(new TypeAllowList([typeof(Wire).Assembly]), null, trustWrittenTypes: true, maxDepth: 100_000);

    public static int MethodId(Type interfaceType, string name) =>
        InterfaceContract.For(interfaceType).RemoteMethods.Single(m => m.Method.Name == name).Id;

    public static byte[] Args(params object?[] values)
    {
        using var writer = new WireWriter();
        writer.WriteVarUInt((ulong)values.Length);
        foreach (var value in values)
        {
            Codec.Write(writer, value);
        }
        return writer.ToArray();
    }

    public static string PathOf(object proxy) => ((IManagedProxy)proxy).Reference.ActorPath;

    public static FaultInfo Fault(CallResult result) =>
        result.IsFault ? FaultInfo.Decode(result.Payload) : throw new Xunit.Sdk.XunitException("Expected a fault, got a value.");
}
