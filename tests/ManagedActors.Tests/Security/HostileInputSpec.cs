using ManagedActors.Codec;
using ManagedActors.Dicts;
using ManagedActors.Lists;
using ManagedActors.Protocol;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Security;

/// <summary>A record that can nest without bound: the shape a deep object graph through the Hyperion fallback takes.</summary>
public sealed record Chain(object? Next);

/// <summary>An authenticated client that sends what no proxy would: each input is a typed fault, and the host keeps serving.</summary>
public sealed class HostileInputSpec : IAsyncLifetime
{
    private const byte TagNull = 0, TagInt32 = 3, TagList = 30, TagSet = 33, TagObject = 52;
    private static readonly int Append = Wire.MethodId(typeof(IManagedList<>), "AppendAsync");

    private Manager _manager = null!;
    private RawPeer _client = null!;
    private IManagedList<object> _list = null!;

    public async Task InitializeAsync()
    {
        _manager = await Manager.StartAsync(SessionFixture.Options);
        _client = RawPeer.Start(_manager.AuthKey);
        await _client.HandshakeAsync(_manager.Address, _manager.AuthKey);
        _list = await _manager.ListAsync<object>("target");
        await _list.AppendAsync("canary");
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _manager.DisposeAsync();
    }

    private async Task<FaultInfo> FaultOfAsync(string path, int method, byte[] args)
    {
        var answers = await _client.CallAsync(path, [new CallRequest(1, method, args)]);
        return Wire.Fault(answers[1]);
    }

    private static byte[] OneArgument(byte[] value) => [1, .. value];

    private async Task AssertIntactAsync() => Assert.Equal(["canary"], await _list.SnapshotAsync());

    [Fact]
    public async Task A_list_nested_ten_thousand_deep_is_refused_without_touching_the_stack()
    {
        var bytes = new List<byte>();
        for (var i = 0; i < 10_000; i++)
        {
            bytes.AddRange([TagList, TagObject, 1]);
        }
        bytes.Add(TagNull);
        var fault = await FaultOfAsync(Wire.PathOf(_list), Append, OneArgument([.. bytes]));
        Assert.Equal(typeof(ManagedSerializationException).FullName, fault.TypeName);
        Assert.Contains("max-value-depth", fault.Message);
        await AssertIntactAsync();
    }

    [Fact]
    public async Task Writing_a_value_nested_past_the_limit_fails_at_the_caller()
    {
        object value = "leaf";
        for (var i = 0; i < 100; i++)
        {
            value = new List<object> { value };
        }
        await Assert.ThrowsAsync<ManagedSerializationException>(() => _list.AppendAsync(value));
        await AssertIntactAsync();
    }

    [Fact]
    public async Task A_null_in_a_set_of_ints_is_a_fault_for_an_object_and_for_the_gatekeeper()
    {
        byte[] set = [TagSet, TagInt32, 1, TagNull];
        Assert.Equal(typeof(ManagedSerializationException).FullName, (await FaultOfAsync(Wire.PathOf(_list), Append, OneArgument(set))).TypeName);
        var open = Wire.MethodId(typeof(IDirectory), "OpenAsync");
        var args = Wire.Args("dict", "other", typeof(IManagedDict<string, int>).AssemblyQualifiedName, null);
        var durability = Wire.Args(-1);
        // Five arguments: the last of the four above (null create-args) replaced by the poisoned set, then the durability.
        byte[] poisoned = [5, .. args[1..^1], .. set, .. durability[1..]];
        var fault = await FaultOfAsync(RawPeer.DirectoryPath(_manager.Address), open, poisoned);
        Assert.Equal(typeof(ManagedSerializationException).FullName, fault.TypeName);
        var named = await _manager.DictAsync<string, int>("still-works");
        await named.SetAsync("a", 1);
        Assert.Equal(1, await (await _manager.DictAsync<string, int>("still-works")).GetAsync("a"));
        await AssertIntactAsync();
    }

    [Fact]
    public async Task Framework_types_off_the_allow_list_are_refused_at_every_depth_of_a_fallback_value()
    {
        await using var remote = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey);
        var ns = await remote.NamespaceAsync();
        var timerHolder = System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(
            typeof(Timer).Assembly.GetType("System.Threading.TimerHolder", throwOnError: true)!);
        // Its finalizer throws on an uninitialised instance: the gadget that kills a process that builds one.
#pragma warning disable CA1816 // Not a Dispose pattern: the test process must not run this object's finalizer.
        GC.SuppressFinalize(timerHolder);
#pragma warning restore CA1816
        var refused = new object[]
        {
            Tuple.Create<object>(timerHolder),
            Tuple.Create<object>(new Uri("http://example.invalid/")),
            new Stack<object>([new Uri("http://example.invalid/"), new System.Text.StringBuilder("x")]),
        };
        foreach (var value in refused)
        {
            var error = await Assert.ThrowsAnyAsync<ManagedActorsException>(() => ns.SetAsync("t", value));
            Assert.True(error is ManagedTypeNotAllowedException or ManagedSerializationException, error.ToString());
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.False(await ns.ContainsAsync("t"));
        await ns.SetAsync("t", Tuple.Create<object, string>(12, "allowed"));
        Assert.Equal(Tuple.Create<object, string>(12, "allowed"), await ns.GetAsync<Tuple<object, string>>("t"));
        await AssertIntactAsync();
    }

    [Fact]
    public async Task A_record_chain_two_hundred_thousand_deep_through_the_fallback_is_refused_and_the_host_survives()
    {
        var payload = DeepChainPayload(200_000);
        using var w = new WireWriter();
        w.WriteVarUInt(1);
        w.WriteByte(50); // the fallback's tag: a type name, then Hyperion's bytes
        w.WriteString(TypeNames.Of(typeof(Chain)));
        w.WriteBytes(payload);
        var fault = await FaultOfAsync(Wire.PathOf(_list), Append, w.ToArray());
        Assert.Equal(typeof(ManagedSerializationException).FullName, fault.TypeName);
        Assert.Contains("max-value-depth", fault.Message);
        await AssertIntactAsync();
    }

    [Fact]
    public async Task A_record_nested_past_the_limit_fails_at_the_caller_and_a_shallow_one_round_trips()
    {
        object? chain = null;
        for (var i = 0; i < 100; i++)
        {
            chain = new Chain(chain);
        }
        await Assert.ThrowsAsync<ManagedSerializationException>(() => _list.AppendAsync(chain!));
        await _list.AppendAsync(new Chain(new Chain(null)));
        Assert.Equal(new Chain(new Chain(null)), await _list.GetAsync(1));
    }

    /// <summary>
    /// Hyperion's bytes for a chain of records <paramref name="depth"/> long, built from two short chains' bytes (each
    /// level repeats the same few bytes), since writing a deep chain would take the writer's stack and minutes.
    /// </summary>
    private static byte[] DeepChainPayload(int depth)
    {
        byte[] Write(int length)
        {
            object? chain = null;
            for (var i = 0; i < length; i++)
            {
                chain = new Chain(chain);
            }
            var serializer = new Hyperion.Serializer(new Hyperion.SerializerOptions(versionTolerance: false, preserveObjectReferences: true, surrogates: null, serializerFactories: null, knownTypes: null, ignoreISerializable: false, packageNameOverrides: null, disallowUnsafeTypes: true, typeFilter: Hyperion.DisabledTypeFilter.Instance));
            using var stream = new MemoryStream();
            serializer.Serialize(chain!, stream);
            return stream.ToArray();
        }
        var shorter = Write(100);
        var longer = Write(101);
        var at = 0;
        while (shorter[at] == longer[at])
        {
            at++;
        }
        var unit = longer[at..(at + longer.Length - shorter.Length)];
        var bytes = new List<byte>(shorter[..at]);
        for (var i = 100; i < depth; i++)
        {
            bytes.AddRange(unit);
        }
        bytes.AddRange(shorter[at..]);
        return [.. bytes];
    }

    [Fact]
    public async Task An_oversized_method_id_is_an_unknown_method()
    {
        var answers = await _client.CallAsync(Wire.PathOf(_list), [new CallRequest(1, -1, Wire.Args()), new CallRequest(2, int.MaxValue, Wire.Args())]);
        Assert.Equal(typeof(UnknownMethodException).FullName, Wire.Fault(answers[1]).TypeName);
        Assert.Equal(typeof(UnknownMethodException).FullName, Wire.Fault(answers[2]).TypeName);
        await AssertIntactAsync();
    }

    [Fact]
    public async Task A_claimed_count_larger_than_the_bytes_is_refused_before_allocating()
    {
        var header = new List<byte> { TagList, TagObject };
        using (var w = new WireWriter())
        {
            w.WriteVarUInt(3_900_000);
            header.AddRange(w.WrittenSpan.ToArray());
        }
        header.AddRange(Enumerable.Repeat(TagNull, 10));
        Assert.Equal(typeof(ManagedSerializationException).FullName, (await FaultOfAsync(Wire.PathOf(_list), Append, OneArgument([.. header]))).TypeName);
        await AssertIntactAsync();
    }

    [Fact]
    public async Task A_dict_refuses_keys_and_values_of_other_types_than_it_was_created_with()
    {
        var dict = await _manager.DictAsync<string, int>("typed");
        await dict.SetAsync("a", 1);
        var set = Wire.MethodId(typeof(IManagedDict<,>), "SetAsync");
        var answers = await _client.CallAsync(Wire.PathOf(dict),
        [
            new CallRequest(1, set, Wire.Args(12, "x")),
            new CallRequest(2, set, Wire.Args("b", "not an int")),
            new CallRequest(3, set, Wire.Args(null, 1)),
            new CallRequest(4, set, Wire.Args("c", 3)),
        ]);
        Assert.Equal(typeof(ArgumentException).FullName, Wire.Fault(answers[1]).TypeName);
        Assert.Contains("String", Wire.Fault(answers[1]).Message);
        Assert.Equal(typeof(ArgumentException).FullName, Wire.Fault(answers[2]).TypeName);
        Assert.Contains(Wire.Fault(answers[3]).TypeName, new[] { typeof(ArgumentException).FullName, typeof(ArgumentNullException).FullName });
        Assert.False(answers[4].IsFault);
        Assert.Equal(["a", "c"], (await dict.KeysAsync()).Order());
        Assert.Equal(4, (await dict.ValuesAsync()).Sum());
    }

    [Fact]
    public async Task Replies_that_together_pass_the_frame_limit_are_split_and_all_arrive()
    {
        await using var remote = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey, new ClientOptions { TrustedAssemblies = [typeof(HostileInputSpec).Assembly] });
        var blobs = await remote.ListAsync<byte[]>();
        await blobs.AppendAsync(new byte[1_000_000]);
        var reads = Enumerable.Range(0, 8).Select(_ => blobs.GetAsync(0)).ToArray();
        var values = await Task.WhenAll(reads).Within(what: "eight 1 MB reads");
        Assert.All(values, v => Assert.Equal(1_000_000, v.Length));
    }

    [Fact]
    public async Task A_single_reply_over_the_limit_fails_that_call_alone()
    {
        var blobs = await _manager.ListAsync<byte[]>();
        await blobs.AppendAsync(new byte[1_500_000]);
        await blobs.AppendAsync(new byte[1_500_000]);
        await blobs.AppendAsync(new byte[1_500_000]);
        var whole = blobs.SnapshotAsync();
        var one = blobs.GetAsync(1);
        await Assert.ThrowsAsync<MessageTooLargeException>(() => whole.Within());
        Assert.Equal(1_500_000, (await one.Within()).Length);
    }

    [Fact]
    public async Task An_object_whose_actor_stopped_leaves_the_directory_and_its_name_opens_again()
    {
        var dict = await _manager.DictAsync<string, int>("fragile");
        await dict.SetAsync("a", 1);
        // Stopped from inside the host's own process, the one place a stop can come from.
        ((Akka.Actor.ExtendedActorSystem)_manager.Host.System).Provider.ResolveActorRef(Wire.PathOf(dict)).Tell(Akka.Actor.PoisonPill.Instance, Akka.Actor.ActorRefs.NoSender);
        await Bounded.EventuallyAsync(async () => (await _manager.StatusAsync()).Objects.All(o => o.Name != "fragile"), "the stopped object to leave the directory");
        var again = await _manager.DictAsync<string, int>("fragile");
        await again.SetAsync("b", 2);
        Assert.Equal(["b"], await again.KeysAsync());
    }
}
