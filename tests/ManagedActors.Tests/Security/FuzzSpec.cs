using ManagedActors.Dicts;
using ManagedActors.Lists;
using ManagedActors.Namespaces;
using ManagedActors.Protocol;
using ManagedActors.Sets;
using ManagedActors.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Security;

/// <summary>Ten thousand mutated calls through a live host on a valid session: each is answered, nothing breaks.</summary>
public sealed class FuzzSpec(ITestOutputHelper output) : IAsyncLifetime
{
    private Manager _manager = null!;
    private RawPeer _client = null!;

    public async Task InitializeAsync()
    {
        _manager = await Manager.StartAsync(SessionFixture.Options);
        _client = RawPeer.Start(_manager.AuthKey);
        await _client.HandshakeAsync(_manager.Address, _manager.AuthKey);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _manager.DisposeAsync();
    }

    [Fact]
    public async Task Ten_thousand_mutated_calls_are_each_answered_and_an_untouched_canary_keeps_its_value()
    {
        var canary = await _manager.DictAsync<string, int>("canary");
        await canary.SetAsync("value", 42);
        var list = await _manager.ListAsync<object>();
        var dict = await _manager.DictAsync<string, int>();
        var ns = await _manager.NamespaceAsync();
        var set = await _manager.SetAsync<int>();
        // Seeds: well-formed non-blocking calls; blocking ones could park on purpose and are left out.
        var seeds = new (string Path, int Method, byte[] Args)[]
        {
            (Wire.PathOf(list), Wire.MethodId(typeof(IManagedList<>), "AppendAsync"), Wire.Args(new List<object?> { 1, "two", 3.0, new Dictionary<string, int> { ["k"] = 1 } })),
            (Wire.PathOf(list), Wire.MethodId(typeof(IManagedList<>), "InsertAsync"), Wire.Args(0, (1, "x", 2L))),
            (Wire.PathOf(list), Wire.MethodId(typeof(IManagedList<>), "GetAsync"), Wire.Args(0)),
            (Wire.PathOf(dict), Wire.MethodId(typeof(IManagedDict<,>), "SetAsync"), Wire.Args("key", 7)),
            (Wire.PathOf(dict), Wire.MethodId(typeof(IManagedDict<,>), "GetOrDefaultAsync"), Wire.Args("key", 0)),
            (Wire.PathOf(dict), Wire.MethodId(typeof(IManagedDict<,>), "IncrementAsync"), Wire.Args("key", 1)),
            (Wire.PathOf(ns), Wire.MethodId(typeof(IManagedNamespace), "SnapshotAsync"), Wire.Args()),
            (Wire.PathOf(set), Wire.MethodId(typeof(IManagedSet<>), "AddAsync"), Wire.Args(5)),
            (RawPeer.DirectoryPath(_manager.Address), Wire.MethodId(typeof(IDirectory), "CountAsync"), Wire.Args()),
        };
        var random = new Random(20261130);
        var faults = new Dictionary<string, int>(StringComparer.Ordinal);
        var values = 0;
        const int Total = 10_000, PerMessage = 50;
        long callId = 0;
        for (var sent = 0; sent < Total; sent += PerMessage)
        {
            var seed = seeds[random.Next(seeds.Length)];
            var calls = Enumerable.Range(0, PerMessage)
                .Select(_ => new CallRequest(++callId, random.Next(20) == 0 ? random.Next(-5, 200) : seed.Method, Mutate(seed.Args, random)))
                .ToArray();
            var answers = await _client.CallAsync(seed.Path, calls, TimeSpan.FromSeconds(20));
            foreach (var answer in answers.Values)
            {
                if (answer.IsFault)
                {
                    var type = Wire.Fault(answer).TypeName;
                    faults[type] = faults.GetValueOrDefault(type) + 1;
                }
                else
                {
                    values++;
                }
            }
        }
        output.WriteLine($"values {values}; faults: {string.Join(", ", faults.OrderByDescending(f => f.Value).Select(f => $"{f.Key} {f.Value}"))}");
        Assert.Equal(Total, values + faults.Values.Sum());
        // A decoder or dispatcher that let one of these escape would have a bug, not a typed refusal.
        Assert.DoesNotContain(faults.Keys, t => t is "System.NullReferenceException" or "System.InvalidCastException"
            or "System.OverflowException" or "System.IndexOutOfRangeException" or "System.FormatException");
        Assert.Equal(42, await canary.GetAsync("value"));
        Assert.Equal(42, await (await _manager.DictAsync<string, int>("canary")).GetAsync("value"));
    }

    /// <summary>Flips, drops, duplicates or inserts bytes, or cuts the arguments short.</summary>
    private static byte[] Mutate(byte[] args, Random random)
    {
        var bytes = args.ToList();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0 when bytes.Count > 0: bytes[at] = (byte)random.Next(256); break;
                case 1 when bytes.Count > 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 2 when bytes.Count > 0: bytes.RemoveAt(at); break;
                case 3: bytes.Insert(at, (byte)random.Next(256)); break;
                case 4 when bytes.Count > 1: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }
        return [.. bytes];
    }
}
