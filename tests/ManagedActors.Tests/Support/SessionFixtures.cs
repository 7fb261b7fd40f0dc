using Xunit;

namespace ManagedActors.Tests.Support;

/// <summary>A manager session for a contract suite: the same tests run against each kind of session.</summary>
public abstract class SessionFixture : IAsyncLifetime
{
    /// <summary>Every local message is serialized, so a message that cannot cross a process fails here too.</summary>
    public const string TestHocon = "akka.actor.serialize-messages = on\nakka.actor.serialize-creators = off";

    public ManagerSession Session { get; protected set; } = null!;

    public Manager Manager { get; protected set; } = null!;

    public static ManagerOptions Options => new()
    {
        Config = TestHocon,
        TrustedAssemblies = [typeof(SessionFixture).Assembly],
        CallTimeout = TimeSpan.FromSeconds(20),
    };

    public abstract Task InitializeAsync();

    public virtual async Task DisposeAsync() => await Manager.DisposeAsync();
}

/// <summary>Calls through the manager's own session: the objects are in the same ActorSystem.</summary>
public sealed class LocalSession : SessionFixture
{
    public override async Task InitializeAsync()
    {
        Manager = await Manager.StartAsync(Options);
        Session = Manager;
    }
}

/// <summary>Calls through a client in a separate ActorSystem, on the default transport: the direct lane on loopback.</summary>
public class RemoteSession : SessionFixture
{
    private ManagerClient? _client;

    protected virtual CallTransport Transport => CallTransport.Direct;

    public override async Task InitializeAsync()
    {
        Manager = await Manager.StartAsync(Options);
        _client = await Manager.ConnectAsync(Manager.Address, Manager.AuthKey, new ClientOptions
        {
            Config = TestHocon,
            TrustedAssemblies = [typeof(SessionFixture).Assembly],
            CallTimeout = TimeSpan.FromSeconds(20),
            Transport = Transport,
        });
        if ((_client.Runtime.Connection.Lane is not null) != (Transport == CallTransport.Direct))
        {
            throw new InvalidOperationException($"The client was to call over {Transport}, and does not.");
        }
        Session = _client;
    }

    public override async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
        await base.DisposeAsync();
    }
}

/// <summary>Calls through a client in a separate ActorSystem over Akka.Remote, the transport every message of the protocol can take.</summary>
public sealed class AkkaRemoteSession : RemoteSession
{
    protected override CallTransport Transport => CallTransport.AkkaRemote;
}

/// <summary>
/// Calls through a client of one host of a three-host cluster whose objects are Durable, so they are sharded entities
/// that live on whichever host their shard went to: most of them on the two hosts the client does not talk to.
/// Kinds that cannot be durable (queues, locks and the other synchronization objects) stay on the client's host.
/// </summary>
public sealed class ClusterSession : SessionFixture, IDisposable
{
    private readonly TempStore _store = new();
    private readonly List<Manager> _hosts = [];
    private ManagerClient? _client;

    /// <summary>The cluster's hosts; the client talks to the first.</summary>
    public IReadOnlyList<Manager> Hosts => _hosts;

    public override async Task InitializeAsync()
    {
        var authKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await StartHostsAsync(_hosts, _store, authKey, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Manager = _hosts[0];
        _client = await Manager.ConnectAsync(_hosts[0].Address, authKey, new ClientOptions
        {
            Config = TestHocon,
            TrustedAssemblies = [typeof(SessionFixture).Assembly],
            CallTimeout = TimeSpan.FromSeconds(20),
        });
        Session = _client;
    }

    /// <summary>
    /// The members of an in-process test cluster share one process's garbage collector and thread pool with the specs
    /// running beside them: a pause there is not a dead host, so they tolerate longer silences than the shipped
    /// loopback profile (2 s) before the split-brain resolver downs one. The process tests keep the shipped profile.
    /// </summary>
    public const string InProcessClusterHocon = TestHocon + "\nakka.cluster.failure-detector.acceptable-heartbeat-pause = 8s";

    /// <summary>Starts three hosts of one cluster on 127.0.0.1 into <paramref name="hosts"/>, Durable by default on one SQLite file.</summary>
    public static async Task StartHostsAsync(List<Manager> hosts, TempStore store, byte[] authKey, byte[] clusterKey)
    {
        var seedPort = HostProcess.FreePort();
        foreach (var clusterPort in new[] { seedPort, 0, 0 })
        {
            hosts.Add(await Manager.StartAsync(Options with
            {
                Config = InProcessClusterHocon,
                AuthKey = authKey,
                ClusterKey = clusterKey,
                ClusterPort = clusterPort,
                Seeds = [$"127.0.0.1:{seedPort}"],
                DurableStore = store.PathOf("objects.db"),
                DefaultDurability = Durability.Durable,
            }));
        }
    }

    public override async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
        foreach (var host in _hosts.Skip(1).Reverse())
        {
            await host.DisposeAsync();
        }
        await base.DisposeAsync();
    }

    public void Dispose() => _store.Dispose();
}

/// <summary>A manager and the session a spec calls it through: its own, or a client's in another ActorSystem.</summary>
public sealed class ManagerUnderTest : IAsyncDisposable
{
    private ManagerUnderTest(Manager manager, ManagerSession session)
    {
        Manager = manager;
        Session = session;
    }

    public Manager Manager { get; }

    public ManagerSession Session { get; }

    public static async Task<ManagerUnderTest> StartAsync(bool remote, ManagerOptions? options = null)
    {
        var manager = await Manager.StartAsync(options ?? SessionFixture.Options);
        return new ManagerUnderTest(manager, remote ? await Manager.ConnectAsync(manager.Address, manager.AuthKey) : manager);
    }

    public async ValueTask DisposeAsync()
    {
        if (!ReferenceEquals(Session, Manager))
        {
            await Session.DisposeAsync();
        }
        await Manager.DisposeAsync();
    }
}

/// <summary>Awaiting with a bound, so a bug shows as a failure naming what was awaited, never as a hung run.</summary>
public static class Bounded
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(20);

    public static async Task<T> Within<T>(this Task<T> task, TimeSpan? limit = null, string? what = null)
    {
        try
        {
            return await task.WaitAsync(limit ?? Default);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{what ?? "The call"} did not finish within {(limit ?? Default).TotalSeconds} s.", e);
        }
    }

    /// <summary>Checks a condition until it holds, within a bound: for what the host does asynchronously (letting objects go).</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null) =>
        UntilAsync(_ => condition(), held => held, what, limit);

    /// <summary>
    /// Reads <paramref name="read"/> until <paramref name="done"/> holds for what it read, within a bound (each read is
    /// cancelled at the bound); what it read last. The one polling loop of the specs, for state another process or the
    /// cluster reaches in its own time.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<CancellationToken, Task<T>> read, Func<T, bool> done, string what, TimeSpan? limit = null)
    {
        using var timeout = new CancellationTokenSource(limit ?? Default);
        try
        {
            while (true)
            {
                var value = await read(timeout.Token);
                if (done(value))
                {
                    return value;
                }
                await Task.Delay(50, timeout.Token);
            }
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out waiting for {what} ({(limit ?? Default).TotalSeconds} s).", e);
        }
    }

    public static async Task Within(this Task task, TimeSpan? limit = null, string? what = null)
    {
        try
        {
            await task.WaitAsync(limit ?? Default);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{what ?? "The call"} did not finish within {(limit ?? Default).TotalSeconds} s.", e);
        }
    }
}
