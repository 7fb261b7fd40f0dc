using ManagedActors.Codec;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Protocol;

public sealed class ValueCodecSpec
{
    private static readonly ValueCodec Trusting = new(new TypeAllowList([typeof(ValueCodecSpec).Assembly]), null, trustWrittenTypes: false);

    private static object? RoundTrip(object? value, ValueCodec? codec = null) =>
        (codec ?? Trusting).Decode((codec ?? Trusting).Encode(value));

    public static TheoryData<object?> CommonValues() =>
    [
        null, true, false, 0, -1, int.MaxValue, int.MinValue, long.MinValue, 3.25, float.NaN, "text", "", "ünï",
        new byte[] { 1, 2 }, 12.5m, Guid.NewGuid(), new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        TimeSpan.FromMilliseconds(1500), 'x', (byte)7, (short)-3, 5u, ulong.MaxValue, (ushort)9, (sbyte)-1,
        new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
    ];

    [Theory]
    [MemberData(nameof(CommonValues))]
    public void Common_values_round_trip_with_their_type(object? value)
    {
        var back = RoundTrip(value);
        Assert.Equal(value, back);
        Assert.Equal(value?.GetType(), back?.GetType());
    }

    [Fact]
    public void A_proxy_stored_inside_a_record_before_its_surrogate_moved_reads_as_the_surrogate_s_present_type()
    {
        // Hyperion writes a record's proxy as "namespace.type, assembly" of its surrogate; values journaled when the
        // surrogate was ManagedActors.Protocol.ProxySurrogate name it so.
        Assert.Equal($"{typeof(ProxySurrogate).FullName}, ManagedActors", RecordCodec.Renamed("ManagedActors.Protocol.ProxySurrogate, ManagedActors"));
        Assert.Equal("Other.Type, Other", RecordCodec.Renamed("Other.Type, Other"));
    }

    [Fact]
    public void Collections_keep_their_element_types()
    {
        var list = Assert.IsType<List<int>>(RoundTrip(new List<int> { 1, 2 }));
        Assert.Equal([1, 2], list);
        Assert.IsType<string[]>(RoundTrip(new[] { "a" }));
        var nested = Assert.IsType<Dictionary<string, List<long>>>(RoundTrip(new Dictionary<string, List<long>> { ["a"] = [1L] }));
        Assert.Equal([1L], nested["a"]);
        Assert.IsType<HashSet<Guid>>(RoundTrip(new HashSet<Guid> { Guid.Empty }));
        Assert.Equal(KeyValuePair.Create("k", 1), RoundTrip(KeyValuePair.Create("k", 1)));
        Assert.Equal((1, "a", 2.5), RoundTrip((1, "a", 2.5)));
        Assert.IsType<List<int?>>(RoundTrip(new List<int?> { 1, default }));
        var objects = Assert.IsType<object[]>(RoundTrip(new object?[] { 1, "a", default }));
        Assert.Equal(new object?[] { 1, "a", null }, objects);
    }

    [Fact]
    public void User_records_and_enums_of_trusted_assemblies_round_trip()
    {
        var job = Assert.IsType<Job>(RoundTrip(new Job(3, "pack", ["a"])));
        Assert.Equal(3, job.Id);
        Assert.Equal(Priority.High, RoundTrip(Priority.High));
    }

    [Fact]
    public void A_type_outside_the_allow_list_is_refused_before_it_is_read()
    {
        var strict = new ValueCodec(new TypeAllowList([]), null, trustWrittenTypes: false);
        var bytes = Trusting.Encode(new Job(1, "x", []));
        var error = Assert.Throws<ManagedTypeNotAllowedException>(() => strict.Decode(bytes));
        Assert.Contains("Job", error.TypeName);
        Assert.Throws<ManagedTypeNotAllowedException>(() => strict.Decode(Trusting.Encode(new List<Job>())));
        Assert.Throws<ManagedTypeNotAllowedException>(() => strict.Decode(Trusting.Encode(Priority.Low)));
    }

    [Fact]
    public void A_client_trusts_the_types_it_sent_itself()
    {
        var client = new ValueCodec(new TypeAllowList([]), null, trustWrittenTypes: true);
        var bytes = client.Encode(new Job(1, "x", []));
        Assert.IsType<Job>(client.Decode(bytes));
    }

    [Fact]
    public void An_unloadable_type_is_a_typed_error()
    {
        using var writer = new WireWriter();
        writer.WriteByte(50);
        writer.WriteString("Nowhere.Missing, ManagedActors.Tests");
        writer.WriteBytes([1]);
        var error = Assert.Throws<ManagedTypeNotLoadedException>(() => Trusting.Decode(writer.ToArray()));
        Assert.Equal("Nowhere.Missing, ManagedActors.Tests", error.TypeName);
    }

    [Fact]
    public void Malformed_bytes_are_format_errors_never_crashes()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(1, 40)];
            random.NextBytes(bytes);
            try
            {
                Trusting.Decode(bytes);
            }
            catch (Exception e) when (e is FormatException or ManagedActorsException or OverflowException or ArgumentException)
            {
            }
        }
    }

    [Fact]
    public void Delegates_and_process_bound_types_are_refused_at_encoding()
    {
        Assert.Throws<ManagedSerializationException>(() => Trusting.Encode(new Func<int>(() => 1)));
        Assert.Throws<ManagedSerializationException>(() => Trusting.Encode(new List<object> { new MemoryStream() }));
        Assert.Throws<ManagedSerializationException>(() => Trusting.Encode(Task.CompletedTask));
    }
}
