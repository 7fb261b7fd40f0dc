using Akka.Actor;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using ManagedActors.Codec;
using ManagedActors.Dicts;
using ManagedActors.Protocol;
using ManagedActors.Security;

namespace ManagedActors.Benchmarks;

/// <summary>A user record, written field by field (and, to compare, through Hyperion as it was before).</summary>
public sealed record Order(int Id, string Customer, decimal Total);

/// <summary>The value codec: the common types written directly, a record field by field, and the same record through Hyperion.</summary>
[MemoryDiagnoser]
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class CodecBenchmarks
{
    private readonly ValueCodec _codec = new(new TypeAllowList([typeof(Order).Assembly]), null, trustWrittenTypes: false);
    private readonly List<int> _list = Enumerable.Range(0, 100).ToList();
    private readonly Dictionary<string, int> _dict = Enumerable.Range(0, 10).ToDictionary(i => "key" + i, i => i);
    private readonly Order _order = new(42, "Alice", 99.5m);
    private readonly RecordCodec _hyperion = new(new TypeAllowList([typeof(Order).Assembly]), null, 64);
    private byte[] _intBytes = [], _stringBytes = [], _listBytes = [], _dictBytes = [], _orderBytes = [], _hyperionBytes = [];

    [GlobalSetup]
    public void Setup()
    {
        _intBytes = _codec.Encode(42);
        _stringBytes = _codec.Encode("inventory-apples");
        _listBytes = _codec.Encode(_list);
        _dictBytes = _codec.Encode(_dict);
        _orderBytes = _codec.Encode(_order);
        _hyperionBytes = Encode_record_through_Hyperion();
    }

    [Benchmark] public byte[] Encode_int() => _codec.Encode(42);
    [Benchmark] public object? Decode_int() => _codec.Decode(_intBytes);
    [Benchmark] public byte[] Encode_string() => _codec.Encode("inventory-apples");
    [Benchmark] public object? Decode_string() => _codec.Decode(_stringBytes);
    [Benchmark] public byte[] Encode_list_of_100_ints() => _codec.Encode(_list);
    [Benchmark] public object? Decode_list_of_100_ints() => _codec.Decode(_listBytes);
    [Benchmark] public byte[] Encode_dict_of_10() => _codec.Encode(_dict);
    [Benchmark] public object? Decode_dict_of_10() => _codec.Decode(_dictBytes);
    [Benchmark] public byte[] Encode_record() => _codec.Encode(_order);
    [Benchmark] public object? Decode_record() => _codec.Decode(_orderBytes);

    [Benchmark]
    public byte[] Encode_record_through_Hyperion()
    {
        using var w = new WireWriter();
        _hyperion.Write(w, _order, typeof(Order), 0);
        return w.ToArray();
    }

    [Benchmark]
    public object? Decode_record_through_Hyperion()
    {
        var r = new WireReader(_hyperionBytes);
        var budget = new DecodeBudget(long.MaxValue);
        return _hyperion.Read(ref r, typeof(Order), 0, ref budget);
    }
}

/// <summary>The protocol serializer's framing of a batch of calls.</summary>
[MemoryDiagnoser]
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class ProtocolSerializerBenchmarks
{
    private ActorSystem _system = null!;
    private ProtocolSerializer _serializer = null!;
    private Calls _one = null!, _batch = null!;
    private byte[] _oneBytes = [], _batchBytes = [];

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench", ManagedActors.Configuration.ManagedActorsConfig.Default);
        _serializer = new ProtocolSerializer((ExtendedActorSystem)_system);
        var args = new byte[12];
        _one = new Calls(Guid.NewGuid(), [new CallRequest(1, 5, args)]);
        _batch = new Calls(Guid.NewGuid(), Enumerable.Range(0, 64).Select(i => new CallRequest(i, 5, args)).ToArray());
        _oneBytes = _serializer.ToBinary(_one);
        _batchBytes = _serializer.ToBinary(_batch);
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    [Benchmark] public byte[] ToBinary_one_call() => _serializer.ToBinary(_one);
    [Benchmark] public object FromBinary_one_call() => _serializer.FromBinary(_oneBytes, "C");
    [Benchmark] public byte[] ToBinary_64_calls() => _serializer.ToBinary(_batch);
    [Benchmark] public object FromBinary_64_calls() => _serializer.FromBinary(_batchBytes, "C");
}

/// <summary>
/// A whole call through a proxy to an object in the same process (proxy, codec, outbox, actor, reply actor):
/// the library's own cost per call without the network, and its allocations.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class CallPathBenchmarks
{
    private Manager _manager = null!;
    private IManagedDict<string, int> _dict = null!;

    [GlobalSetup]
    public void Setup()
    {
        _manager = Manager.StartAsync().GetAwaiter().GetResult();
        _dict = _manager.DictAsync<string, int>("bench").GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _manager.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public Task Set_sequential() => _dict.SetAsync("apples", 1);

    [Benchmark(OperationsPerInvoke = 64)]
    public Task Set_64_in_flight()
    {
        var calls = new Task[64];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = _dict.SetAsync("apples", i);
        }
        return Task.WhenAll(calls);
    }
}

/// <summary>What the transport's identity adds to one connection's key exchange: each side signs once and verifies once.</summary>
[MemoryDiagnoser]
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class TransportIdentityBenchmarks
{
    private readonly EndpointIdentity _identity = new();
    private readonly byte[] _transcript = new byte[400];
    private byte[] _signature = [];

    [GlobalSetup]
    public void Setup() => _signature = _identity.Sign(_transcript);

    [Benchmark] public byte[] Sign_transcript() => _identity.Sign(_transcript);

    [Benchmark] public bool Verify_transcript() => EndpointIdentity.Verify(_identity.PublicKey, _transcript, _signature);
}

/// <summary>What sealing adds to each Akka.Remote payload: AES-256-GCM one way and back, at a small call's size and a batch's.</summary>
[MemoryDiagnoser]
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class SealedChannelBenchmarks
{
    private readonly SealedChannel _a = SealedChannel.Derive(new byte[32], new byte[32], [1], dialler: true);
    private readonly SealedChannel _b = SealedChannel.Derive(new byte[32], new byte[32], [1], dialler: false);
    private readonly byte[] _call = new byte[200];
    private readonly byte[] _batch = new byte[16 * 1024];

    [Benchmark] public byte[]? Seal_and_open_200_bytes() => _b.Open(_a.Seal(_call));

    [Benchmark] public byte[]? Seal_and_open_16_KiB() => _b.Open(_a.Seal(_batch));
}

/// <summary>
/// What the seal adds to the direct lane: one write becomes sealed records, and the reader opens them back, at the size
/// of one sequential call's frame and of a batch of 64 calls' frames.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class SealedStreamBenchmarks
{
    private readonly MemoryStream _wire = new();
    private readonly byte[] _frame = new byte[64];
    private readonly byte[] _batch = new byte[4 * 1024];
    private readonly byte[] _into = new byte[64 * 1024];
    private SealedStream _writer = null!;
    private SealedStream _reader = null!;

    [GlobalSetup]
    public void Setup()
    {
        _writer = new SealedStream(_wire, SealedChannel.Derive(new byte[32], new byte[32], [1], dialler: true));
        _reader = new SealedStream(_wire, SealedChannel.Derive(new byte[32], new byte[32], [1], dialler: false));
    }

    [Benchmark] public int Write_and_read_a_64_byte_frame() => RoundTrip(_frame);

    [Benchmark] public int Write_and_read_a_4_KiB_batch() => RoundTrip(_batch);

    private int RoundTrip(byte[] payload)
    {
        _wire.SetLength(0);
        _writer.Write(payload);
        _wire.Position = 0;
        var read = 0;
        while (read < payload.Length)
        {
            read += _reader.Read(_into.AsSpan(read));
        }
        return read;
    }
}
