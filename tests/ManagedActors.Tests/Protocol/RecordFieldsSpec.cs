using System.Text;
using ManagedActors.Codec;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Protocol;

/// <summary>Version 2 of a record whose version 1 was <c>Order(string Id, int Qty, string Color)</c>.</summary>
public sealed record Order(string Id, [ManagedField(Aliases = ["Qty"])] int Quantity, string Note = "none");

/// <summary>A record of init-only properties with initializers (built by its parameterless constructor).</summary>
public sealed record Parcel
{
    public string Id { get; init; } = "";

    public int Weight { get; init; } = 1;

    [ManagedField("w")]
    public long Width { get; init; }
}

/// <summary>A class with private state and no parameterless constructor.</summary>
public sealed class Account(string owner)
{
    private readonly List<string> _history = [];
    private decimal _balance;

    public string Owner { get; } = owner;

    public decimal Balance => _balance;

    public IReadOnlyList<string> History => _history;

    public void Deposit(decimal amount)
    {
        _balance += amount;
        _history.Add($"+{amount}");
    }
}

/// <summary>A struct of the application's own.</summary>
public readonly record struct Point(int X, int Y);

/// <summary>A class whose constructor checks its argument.</summary>
public sealed record Checked
{
    public Checked(string name) => Name = name.Length > 0 ? name : throw new ArgumentException("A name is required.", nameof(name));

    public string Name { get; }
}

/// <summary>A node of a graph that may refer back to itself.</summary>
public sealed class Node
{
    public string Label { get; set; } = "";

    public Node? Next { get; set; }
}

/// <summary>A node of a graph whose two branches may be one object.</summary>
public sealed class Twin
{
    public Twin? Left { get; set; }

    public Twin? Right { get; set; }
}

/// <summary>Values of the application's own types are written field by field, and read back across changes to the type.</summary>
public sealed class RecordFieldsSpec
{
    private static readonly ValueCodec Codec = new(new TypeAllowList([typeof(RecordFieldsSpec).Assembly]), null, trustWrittenTypes: false, maxDecodedSize: 1 << 20);

    /// <summary>A value of <paramref name="type"/> as an earlier or later version of it would have written it.</summary>
    private static byte[] StoredAs(Type type, params (string Name, object? Value)[] fields)
    {
        using var w = new WireWriter();
        w.WriteByte(ValueTags.Fields);
        w.WriteString(TypeNames.Of(type));
        w.WriteVarUInt((ulong)fields.Length);
        foreach (var (name, value) in fields)
        {
            w.WriteString(name);
            Codec.Write(w, value);
        }
        return w.ToArray();
    }

    [Fact]
    public void A_record_is_written_by_its_field_names_and_round_trips()
    {
        var bytes = Codec.Encode(new Job(3, "pack", ["a"]));
        Assert.Equal(ValueTags.Fields, bytes[0]);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("Id", text);
        Assert.Contains("Tags", text);
        var job = Assert.IsType<Job>(Codec.Decode(bytes));
        Assert.Equal((3, "pack"), (job.Id, job.Name));
        Assert.Equal(["a"], job.Tags);
        Assert.Equal(new Point(1, -2), Codec.Decode(Codec.Encode(new Point(1, -2))));
        Assert.Equal(new Parcel { Id = "p", Weight = 7, Width = 9 }, Codec.Decode(Codec.Encode(new Parcel { Id = "p", Weight = 7, Width = 9 })));
    }

    [Fact]
    public void A_collection_the_compiler_made_is_written_as_an_array_not_under_its_build_s_type_name()
    {
        IReadOnlyList<string> tags = ["a", "b"];
        Assert.True(tags.GetType().Name.StartsWith("<>", StringComparison.Ordinal), tags.GetType().Name);
        var bytes = Codec.Encode(new Job(1, "x", tags));
        Assert.DoesNotContain("<>", Encoding.UTF8.GetString(bytes));
        Assert.Equal(["a", "b"], Assert.IsType<string[]>(Assert.IsType<Job>(Codec.Decode(bytes)).Tags));
        Assert.Equal(["c"], Assert.IsType<string[]>(Codec.Decode(Codec.Encode((IReadOnlyList<string>)["c"]))));
    }

    [Fact]
    public void A_field_renamed_with_an_alias_reordered_added_and_removed_reads_back()
    {
        // Version 1 wrote Color and Qty, in another order, and had no Note.
        var order = Assert.IsType<Order>(Codec.Decode(StoredAs(typeof(Order), ("Color", "red"), ("Qty", 4), ("Id", "o-1"))));
        Assert.Equal(new Order("o-1", 4, "none"), order);
        // And what version 2 writes, version 2 reads.
        Assert.Equal(new Order("o-2", 5, "gift"), Codec.Decode(Codec.Encode(new Order("o-2", 5, "gift"))));
    }

    [Fact]
    public void A_missing_property_keeps_its_initializer_and_a_fixed_name_is_used()
    {
        var parcel = Assert.IsType<Parcel>(Codec.Decode(StoredAs(typeof(Parcel), ("Id", "p-1"), ("w", 12))));
        Assert.Equal("p-1", parcel.Id);
        Assert.Equal(1, parcel.Weight);
        Assert.Equal(12L, parcel.Width);
        Assert.Contains("\u0002w", Encoding.UTF8.GetString(Codec.Encode(parcel)));
    }

    [Fact]
    public void Private_state_of_a_class_without_a_parameterless_constructor_round_trips()
    {
        var account = new Account("ann");
        account.Deposit(12.5m);
        account.Deposit(1m);
        var back = Assert.IsType<Account>(Codec.Decode(Codec.Encode(account)));
        Assert.Equal("ann", back.Owner);
        Assert.Equal(13.5m, back.Balance);
        Assert.Equal(["+12.5", "+1"], back.History);
    }

    [Fact]
    public void A_graph_with_a_cycle_goes_through_the_reference_keeping_fallback()
    {
        var a = new Node { Label = "a" };
        a.Next = new Node { Label = "b", Next = a };
        var bytes = Codec.Encode(a);
        Assert.Equal(ValueTags.Other, bytes[0]);
        var back = Assert.IsType<Node>(Codec.Decode(bytes));
        Assert.Same(back, back.Next!.Next);
        // Inside a list, only the record with the cycle falls back.
        var list = Assert.IsType<List<Node>>(Codec.Decode(Codec.Encode(new List<Node> { new() { Label = "c" }, a })));
        Assert.Same(list[1], list[1].Next!.Next);
    }

    [Fact]
    public void A_record_reached_twice_goes_through_the_fallback_once_and_stays_one_object()
    {
        // Sixty levels, each node's two branches the same node: field by field that is 2^60 records.
        var top = new Twin();
        for (var i = 0; i < 60; i++)
        {
            top = new Twin { Left = top, Right = top };
        }
        var bytes = Codec.Encode(top);
        Assert.Equal(ValueTags.Other, bytes[0]);
        Assert.True(bytes.Length < 10_000, $"{bytes.Length} bytes");
        var back = Assert.IsType<Twin>(Codec.Decode(bytes));
        Assert.Same(back.Left, back.Right);
        // A record reached once, however often its type appears, stays field by field.
        Assert.Equal(ValueTags.Fields, Codec.Encode(new Twin { Left = new Twin(), Right = new Twin() })[0]);
    }

    [Fact]
    public void A_field_that_changed_from_int_to_long_widens_and_one_that_does_not_fit_is_refused()
    {
        Assert.Equal(5L, Assert.IsType<Parcel>(Codec.Decode(StoredAs(typeof(Parcel), ("w", 5)))).Width);
        var error = Assert.Throws<ManagedSerializationException>(() => Codec.Decode(StoredAs(typeof(Parcel), ("Weight", long.MaxValue))));
        Assert.Contains("Weight", error.ToString());
        // A fraction into an integer field would lose it: refused, not rounded.
        var lossy = Assert.Throws<ManagedSerializationException>(() => Codec.Decode(StoredAs(typeof(Parcel), ("Weight", 3.5))));
        Assert.Contains("cannot hold the stored 3.5 exactly", lossy.ToString());
        Assert.Equal(4, Assert.IsType<Parcel>(Codec.Decode(StoredAs(typeof(Parcel), ("Weight", 4.0)))).Weight);
    }

    [Fact]
    public void A_record_written_through_Hyperion_before_values_had_field_names_still_reads()
    {
        using var w = new WireWriter();
        w.WriteByte(ValueTags.Other);
        w.WriteString(TypeNames.Of(typeof(Job)));
        new RecordCodec(new TypeAllowList([typeof(Job).Assembly]), null, 64).Write(w, new Job(7, "old", ["x"]), typeof(Job), 0);
        var job = Assert.IsType<Job>(Codec.Decode(w.ToArray()));
        Assert.Equal((7, "old", "x"), (job.Id, job.Name, job.Tags.Single()));
    }

    public static TheoryData<string, byte[]> Hostile() => new()
    {
        { "a string where an int is", StoredAs(typeof(Order), ("Id", "x"), ("Quantity", "many")) },
        { "a null where an int is", StoredAs(typeof(Order), ("Id", "x"), ("Quantity", null)) },
        { "a field twice (by its name and its alias)", StoredAs(typeof(Order), ("Quantity", 1), ("Qty", 2)) },
        { "a framework type", StoredAs(typeof(Queue<int>), ("_size", 3)) },
        { "an enum", StoredAs(typeof(Priority)) },
        { "a constructor that refuses", StoredAs(typeof(Checked), ("Name", "")) },
        { "a count past the bytes", [.. StoredAs(typeof(Parcel))[..^1], 0xff, 0x7f] },
        { "a name cut short", [.. StoredAs(typeof(Parcel), ("Id", "p"))[..^4]] },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_malformed_stored_value_is_one_typed_error(string what, byte[] bytes)
    {
        var error = Assert.ThrowsAny<ManagedActorsException>(() => Codec.Decode(bytes));
        Assert.True(error is ManagedSerializationException, $"{what}: {error}");
    }

    [Fact]
    public void A_chain_of_fields_nested_past_the_limit_is_refused_without_recursing_into_it()
    {
        using var w = new WireWriter();
        for (var i = 0; i < 100_000; i++)
        {
            w.WriteByte(ValueTags.Fields);
            w.WriteString(TypeNames.Of(typeof(ManagedActors.Tests.Security.Chain)));
            w.WriteVarUInt(1);
            w.WriteString("Next");
        }
        w.WriteByte(ValueTags.Null);
        var error = Assert.Throws<ManagedSerializationException>(() => Codec.Decode(w.ToArray()));
        Assert.Contains("max-value-depth", error.Message);
    }

    [Fact]
    public void Many_small_fields_are_charged_to_the_decode_budget()
    {
        var tight = new ValueCodec(new TypeAllowList([typeof(RecordFieldsSpec).Assembly]), null, trustWrittenTypes: false, maxDecodedSize: 4096);
        using var w = new WireWriter();
        w.WriteByte(ValueTags.List);
        w.WriteByte(ValueTags.Object);
        w.WriteVarUInt(2000);
        for (var i = 0; i < 2000; i++)
        {
            w.WriteByte(ValueTags.Fields);
            w.WriteString(TypeNames.Of(typeof(Parcel)));
            w.WriteVarUInt(0);
        }
        Assert.Throws<ValueTooLargeException>(() => tight.Decode(w.ToArray()));
    }
}
