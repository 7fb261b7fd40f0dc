using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;
using ManagedActors.Dicts;
using ManagedActors.Journaling;
using ManagedActors.Protocol;
using ManagedActors.Tests.Custom;
using ManagedActors.Tests.Security;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Journaling;

/// <summary>
/// Calls resent after a lost connection take effect once: a journaled object answers a call it ran with its first
/// answer (also after it restarted, from its journal or snapshot), a plain object refuses to guess, and a client whose
/// connection drops between the journal write and the answer gets every answer once.
/// </summary>
public sealed class ResentCallSpec
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private static readonly int Increment = Wire.MethodId(typeof(ICounter), nameof(ICounter.IncrementAsync));
    private static readonly int GetValue = Wire.MethodId(typeof(ICounter), nameof(ICounter.GetValueAsync));

    private static ManagerOptions Options(string? hocon = null) => (SessionFixture.Options with
    {
        Config = SessionFixture.TestHocon + "\n" + hocon,
    }).Register<ICounter, Counter>("Counter", () => new Counter());

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task A_journaled_object_answers_a_resent_call_it_ran_with_its_first_answer_even_after_a_restart(int snapshotEvery)
    {
        await using var manager = await Manager.StartAsync(Options($"managed-actors.snapshot-every = {snapshotEvery}"));
        var counter = await manager.CreateAsync<ICounter>("Counter", "hits", durability: Durability.Memory);
        var path = Wire.PathOf(counter);
        var client = Guid.NewGuid();
        await using var peer = RawPeer.Start(manager.AuthKey);
        await peer.HandshakeAsync(manager.Address, manager.AuthKey, client);
        Assert.Equal(5, Value(await peer.CallAsync(path, [new CallRequest(1, Increment, Wire.Args(5))]), 1));
        Assert.Equal(7, Value(await peer.CallAsync(path, [new CallRequest(2, Increment, Wire.Args(2))]), 2));
        Assert.Equal(10, Value(await peer.CallAsync(path, [new CallRequest(3, Increment, Wire.Args(3))]), 3));

        // The same client on a new session, as after a reconnection: calls 1 and 3 ran, call 4 never arrived.
        await peer.HandshakeAsync(manager.Address, manager.AuthKey, client);
        var resent = await peer.CallAsync(path, [new CallRequest(1, Increment, Wire.Args(5)), new CallRequest(3, Increment, Wire.Args(3)),
            new CallRequest(4, Increment, Wire.Args(100)), new CallRequest(5, GetValue, Wire.Args())], resent: true);
        Assert.Equal((5, 10, 110, 110), (Value(resent, 1), Value(resent, 3), Value(resent, 4), Value(resent, 5)));
        // The first copy of call 4, late from the lost connection, does not run either.
        Assert.Equal(110, Value(await peer.CallAsync(path, [new CallRequest(4, Increment, Wire.Args(100))]), 4));

        // The object's actor dies and recovers: what it remembers comes back with its state.
        Assert.True(await manager.KillJournaledAsync(counter).Within(Limit, "the counter's actor to stop"));
        Assert.Equal(110, await counter.GetValueAsync().Within(Limit, "the counter after its restart"));
        await peer.HandshakeAsync(manager.Address, manager.AuthKey, client);
        var afterRestart = await peer.CallAsync(path, [new CallRequest(2, Increment, Wire.Args(2)), new CallRequest(4, Increment, Wire.Args(100))], resent: true);
        Assert.Equal((7, 110), (Value(afterRestart, 2), Value(afterRestart, 4)));

        // Another client's call 1 is its own.
        await using var other = RawPeer.Start(manager.AuthKey);
        await other.HandshakeAsync(manager.Address, manager.AuthKey);
        Assert.Equal(111, Value(await other.CallAsync(path, [new CallRequest(1, Increment, Wire.Args(1))], resent: true), 1));
        Assert.Equal(111, await counter.GetValueAsync());
    }

    [Fact]
    public async Task A_plain_object_does_not_run_a_resent_changing_call_and_says_its_outcome_is_unknown()
    {
        await using var manager = await Manager.StartAsync(Options());
        var dict = await manager.DictAsync<string, int>("plain");
        var path = Wire.PathOf(dict);
        var increment = Wire.MethodId(typeof(IManagedDict<,>), "IncrementAsync");
        var get = Wire.MethodId(typeof(IManagedDict<,>), "GetAsync");
        await using var peer = RawPeer.Start(manager.AuthKey);
        await peer.HandshakeAsync(manager.Address, manager.AuthKey);
        Assert.Equal(5, Value(await peer.CallAsync(path, [new CallRequest(1, increment, Wire.Args("n", 5))]), 1));

        var resent = await peer.CallAsync(path, [new CallRequest(1, increment, Wire.Args("n", 5)), new CallRequest(2, get, Wire.Args("n"))], resent: true);
        Assert.Equal(typeof(CallOutcomeUnknownException).FullName, Wire.Fault(resent[1]).TypeName);
        Assert.Contains("Durability.None", Wire.Fault(resent[1]).Message);
        // A read runs again.
        Assert.Equal(5, Value(resent, 2));
        Assert.Equal(5, await dict.GetAsync("n"));
    }

    [Fact]
    public async Task A_journaled_object_that_no_longer_remembers_a_resent_call_refuses_it()
    {
        await using var manager = await Manager.StartAsync(Options("managed-actors.resent-calls { replies-per-client = 2, clients = 1 }"));
        var counter = await manager.CreateAsync<ICounter>("Counter", "short-memory", durability: Durability.Memory);
        var path = Wire.PathOf(counter);
        await using var peer = RawPeer.Start(manager.AuthKey);
        await peer.HandshakeAsync(manager.Address, manager.AuthKey);
        for (var id = 1; id <= 3; id++)
        {
            await peer.CallAsync(path, [new CallRequest(id, Increment, Wire.Args(1))]);
        }
        var resent = await peer.CallAsync(path, [new CallRequest(1, Increment, Wire.Args(1)), new CallRequest(3, Increment, Wire.Args(1))], resent: true);
        Assert.Equal(typeof(CallOutcomeUnknownException).FullName, Wire.Fault(resent[1]).TypeName);
        Assert.Equal(3, Value(resent, 3));
        // A second client pushes the first out: its resent calls can no longer be told apart.
        await using var other = RawPeer.Start(manager.AuthKey);
        await other.HandshakeAsync(manager.Address, manager.AuthKey);
        await other.CallAsync(path, [new CallRequest(1, Increment, Wire.Args(1))]);
        var forgotten = await peer.CallAsync(path, [new CallRequest(3, Increment, Wire.Args(1))], resent: true);
        Assert.Equal(typeof(CallOutcomeUnknownException).FullName, Wire.Fault(forgotten[3]).TypeName);
        Assert.Equal(4, await counter.GetValueAsync());
    }

    [Fact]
    public async Task Increments_whose_answers_were_lost_with_the_connection_are_resent_and_each_takes_effect_once()
    {
        const int Callers = 4, Each = 50;
        await using var manager = await Manager.StartAsync(Options($"akka.persistence.journal.inmem.class = \"{typeof(DroppingJournal).AssemblyQualifiedName}\""));
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey, new ClientOptions
        {
            Config = SessionFixture.TestHocon,
            CallTimeout = Limit,
            TrustedAssemblies = [typeof(ResentCallSpec).Assembly],
        });
        Assert.NotNull(client.Runtime.Connection.Lane);
        var counter = await client.CreateAsync<ICounter>("Counter", "drops", durability: Durability.Memory);
        var drops = 0;
        var writes = 0;
        // After some of the journal's writes, the client's connection breaks: the batch is kept, its answers are lost.
        using var hook = DroppingJournal.AfterWrite(() =>
        {
            if (Interlocked.Increment(ref writes) % 15 == 5 && client.Runtime.Connection.Lane is { } lane)
            {
                Interlocked.Increment(ref drops);
                lane.Dispose();
            }
        });
        var answers = new ConcurrentBag<int>();
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < Each; i++)
            {
                answers.Add(await counter.IncrementAsync(1));
            }
        }))).Within(TimeSpan.FromSeconds(60), "the increments across dropped connections");

        Assert.True(drops >= 3, $"the connection dropped {drops} times");
        // Every caller got the answer its own call made: each value once, and nothing applied twice.
        Assert.Equal(Enumerable.Range(1, Callers * Each), answers.Order());
        Assert.Equal(Callers * Each, await counter.GetValueAsync());
    }

    [Fact]
    public Task Calls_in_flight_when_the_host_is_killed_go_to_its_restart_and_each_takes_effect_once() => WithKillableHostAsync(async (client, killAndRestart) =>
    {
        const int Callers = 4, Each = 150;
        var hits = await client.DictAsync<string, long>("hits");
        var answers = new ConcurrentBag<long>();
        var midway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < Each; i++)
            {
                answers.Add(await hits.IncrementAsync("n", 1));
                if (answers.Count >= Callers * Each / 4)
                {
                    midway.TrySetResult();
                }
            }
        })).ToArray();
        await midway.Task.Within(Limit, "a quarter of the increments");

        // SIGKILL mid-load, and the same host again on the same port and file: the callers' calls in flight go to it.
        await killAndRestart();
        await Task.WhenAll(callers).Within(TimeSpan.FromSeconds(90), "the increments across the host's restart");

        Assert.Equal(Enumerable.Range(1, Callers * Each).Select(i => (long)i), answers.Order());
        Assert.Equal(Callers * Each, await hits.GetAsync("n"));
    });

    [Fact]
    public Task After_a_host_restart_a_proxy_finds_its_durable_object_and_one_that_was_not_durable_is_lost() => WithKillableHostAsync(async (client, killAndRestart) =>
    {
        var kept = await client.DictAsync<string, int>("kept");
        var lost = await client.DictAsync<string, int>("lost", Durability.None);
        await kept.SetAsync("a", 1);
        await lost.SetAsync("a", 1);

        await killAndRestart();

        // The proxies made before the restart: the durable dict comes back from its journal on the first call.
        Assert.Equal(1, await kept.GetAsync("a").Within(Limit, "the durable dict after the restart"));
        var lostError = await Assert.ThrowsAsync<ObjectLostException>(() => lost.GetAsync("a")).Within(Limit, "the plain dict after the restart");
        Assert.Contains("'lost'", lostError.Message);
        // Its name is free again: opening it makes a new, empty dict...
        var again = await client.DictAsync<string, int>("lost", Durability.None);
        Assert.Equal(0, await again.CountAsync());
        await again.SetAsync("b", 2);
        // ...which the old proxy never reaches: it stands for the lost dict, not for the name.
        await Assert.ThrowsAsync<ObjectLostException>(() => lost.GetAsync("b")).Within(Limit, "the old proxy after the name was opened again");
        var status = await client.StatusAsync();
        Assert.Equal(Durability.Durable, Assert.Single(status.Objects, o => o.Name == "kept").Durability);
        Assert.Equal(Durability.None, Assert.Single(status.Objects, o => o.Name == "lost").Durability);
    });

    /// <summary>
    /// Runs <paramref name="body"/> with a client of the standalone host on a durable SQLite store; the body's second
    /// argument SIGKILLs the host and starts it again on the same port and file.
    /// </summary>
    private static async Task WithKillableHostAsync(Func<ManagerClient, Func<Task>, Task> body)
    {
        using var store = new TempStore();
        var database = store.PathOf("objects.db");
        var port = HostProcess.FreePort();
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var host = await HostProcess.StartAsync(port: port, authKey: key, durable: database);
        HostProcess? restarted = null;
        try
        {
            await using var client = await Manager.ConnectAsync(host.Address, key, new ClientOptions
            {
                CallTimeout = TimeSpan.FromSeconds(60),
                HandshakeTimeout = TimeSpan.FromSeconds(30),
            });
            await body(client, async () =>
            {
                await host.KillAsync();
                restarted = await HostProcess.StartAsync(port: port, authKey: key, durable: database);
            });
        }
        finally
        {
            await host.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }

    private static int Value(Dictionary<long, CallResult> answers, long id) =>
        answers[id].IsFault ? throw new Xunit.Sdk.XunitException($"Call {id} failed: {Wire.Fault(answers[id]).Message}") : (int)Wire.Codec.Decode(answers[id].Payload)!;
}

/// <summary>Akka's in-memory journal, with a hook that runs after each write that journaled calls, before the write is confirmed.</summary>
public sealed class DroppingJournal : MemoryJournal
{
    private static Action? s_afterWrite;

    public static IDisposable AfterWrite(Action action)
    {
        s_afterWrite = action;
        return new Unhook();
    }

    protected override async Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var list = messages.ToList();
        var result = await base.WriteMessagesAsync(list, cancellationToken);
        if (list.Any(w => ((IEnumerable<IPersistentRepresentation>)w.Payload).Any(p => p.Payload is JournaledCalls)))
        {
            s_afterWrite?.Invoke();
        }
        return result;
    }

    private sealed class Unhook : IDisposable
    {
        public void Dispose() => s_afterWrite = null;
    }
}
