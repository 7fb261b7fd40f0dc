using ManagedActors.Codec;
using ManagedActors.Dicts;
using ManagedActors.Protocol;
using ManagedActors.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Security;

/// <summary>
/// Memory is bounded by what a value becomes, not by what its bytes say: a count of one-byte items may claim items of a
/// hundred bytes each, and an array of any length may be claimed inside a record's bytes. A key holder's amplifying call
/// is refused with <see cref="ValueTooLargeException"/> before anything is allocated, and a host's memory stays put.
/// </summary>
public sealed class AmplificationSpec(ITestOutputHelper output)
{
    private const long Budget = 64L * 1024 * 1024;

    private static ValueCodec Host() => new(new TypeAllowList([]), null, trustWrittenTypes: false, 64, Budget);

    /// <summary>
    /// The arguments of <c>SetAsync("k", value)</c> whose value is an array claiming <paramref name="count"/> tuples of seven
    /// decimals (112 bytes each), every item a one-byte null.
    /// </summary>
    private static byte[] AmplifyingSet(int count)
    {
        using var w = new WireWriter(count + 64);
        w.WriteVarUInt(2);
        Wire.Codec.Write(w, "k");
        w.WriteByte(ValueTags.Array);
        w.WriteByte(ValueTags.Tuple);
        w.WriteByte(7);
        for (var i = 0; i < 7; i++)
        {
            w.WriteByte(ValueTags.Decimal);
        }
        w.WriteVarUInt((ulong)count);
        for (var i = 0; i < count; i++)
        {
            w.WriteByte(ValueTags.Null);
        }
        return w.ToArray();
    }

    [Fact]
    public void An_array_claiming_tuples_of_decimals_from_one_byte_items_is_refused_before_it_is_allocated()
    {
        var payload = AmplifyingSet(3_900_000);
        var codec = Host();
        var before = GC.GetAllocatedBytesForCurrentThread();

        var refused = Assert.Throws<ValueTooLargeException>(() => codec.DecodeArguments(payload, 2));

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{payload.Length} bytes claiming {refused.Size} bytes of memory: refused after {allocated} bytes allocated");
        Assert.True(refused.Size > Budget);
        Assert.InRange(allocated, 0, 1024 * 1024);
    }

    [Fact]
    public void An_array_claimed_inside_a_record_s_bytes_never_reaches_hyperion()
    {
        // long[] is a type the codec writes itself; sent as a record, Hyperion would allocate at whatever length it reads.
        var hyperion = new Hyperion.Serializer(new Hyperion.SerializerOptions(
            versionTolerance: false, preserveObjectReferences: true, surrogates: null, serializerFactories: null, knownTypes: null,
            ignoreISerializable: false, packageNameOverrides: null, disallowUnsafeTypes: true, typeFilter: Hyperion.DisabledTypeFilter.Instance));
        using var stream = new MemoryStream();
        hyperion.Serialize(new long[] { 7, 8, 9 }, stream);
        var bytes = stream.ToArray();
        BitConverter.GetBytes(400_000_000).CopyTo(bytes, Array.IndexOf(bytes, (byte)3));
        using var w = new WireWriter();
        w.WriteByte(ValueTags.Other);
        w.WriteString(TypeNames.Of(typeof(long[])));
        w.WriteBytes(bytes);
        var payload = w.ToArray();
        var codec = Host();
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Throws<ManagedSerializationException>(() => codec.Decode(payload));

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"a {payload.Length}-byte record claiming 400,000,000 longs: refused after {allocated} bytes allocated");
        Assert.InRange(allocated, 0, 1024 * 1024);
    }

    [Fact]
    public void Large_values_of_a_full_message_still_decode_within_the_budget()
    {
        var codec = Host();
        var ints = Enumerable.Range(0, 1_000_000).ToList();
        var bytes = new byte[3_900_000];
        var words = Enumerable.Range(0, 100_000).ToDictionary(i => "w" + i, i => i);
        var boxed = Enumerable.Range(0, 200_000).Select(i => (object)i).ToList();

        Assert.Equal(ints, (List<int>)RoundTrip(codec, ints)!);
        Assert.Equal(bytes.Length, ((byte[])RoundTrip(codec, bytes)!).Length);
        Assert.Equal(words, (Dictionary<string, int>)RoundTrip(codec, words)!);
        Assert.Equal(boxed, (List<object>)RoundTrip(codec, boxed)!);
    }

    private static object? RoundTrip(ValueCodec codec, object value)
    {
        var encoded = Wire.Codec.Encode(value);
        Assert.True(encoded.Length <= 4_000_000, $"{value.GetType()} took {encoded.Length} bytes");
        return codec.Decode(encoded);
    }

    [Fact]
    public async Task A_host_process_refuses_amplifying_calls_from_a_key_holder_and_its_memory_stays_put()
    {
        await using var host = await HostProcess.StartAsync();
        await using (var setup = await Manager.ConnectAsync(host.Address, host.AuthKey))
        {
            await (await setup.DictAsync<string, object>("store")).SetAsync("warm", 1);
        }
        await using var peer = RawPeer.Start(host.AuthKey);
        await peer.HandshakeAsync(host.Address, host.AuthKey);
        var path = await StorePathAsync(host);
        var set = Wire.MethodId(typeof(IManagedDict<string, object>), nameof(IManagedDict<string, object>.SetAsync));
        var payload = AmplifyingSet(3_900_000);
        var before = ResidentMegabytes(host.Pid);
        for (var call = 1; call <= 5; call++)
        {
            var answer = Assert.Single(await peer.CallAsync(path, [new CallRequest(call, set, payload)], TimeSpan.FromSeconds(60))).Value;
            Assert.Equal(typeof(ValueTooLargeException).FullName, Wire.Fault(answer).TypeName);
        }
        var after = ResidentMegabytes(host.Pid);
        output.WriteLine($"host resident memory: {before} MiB before five 3.9 MB amplifying calls (437 MB each if built), {after} MiB after");
        Assert.InRange(after - before, -1000, 150);

        // The host serves on, and the value stored before is there.
        await using var client = await Manager.ConnectAsync(host.Address, host.AuthKey);
        Assert.Equal(1, await (await client.DictAsync<string, object>("store")).GetAsync("warm").Within());
    }

    private static async Task<string> StorePathAsync(HostProcess host)
    {
        await using var client = await Manager.ConnectAsync(host.Address, host.AuthKey);
        return Wire.PathOf(await client.DictAsync<string, object>("store"));
    }

    private static long ResidentMegabytes(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
}
