using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Contract;

/// <summary>Every method of the managed namespace, value and array against one kind of session.</summary>
public abstract class NamespaceAndValueContract<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : SessionFixture
{
    private ManagerSession Session => fixture.Session;

    [Fact]
    public async Task Namespace_attributes_of_any_type()
    {
        var ns = await Session.NamespaceAsync();
        await ns.SetAsync("health", 100);
        await ns.SetAsync("name", "Alice");
        await ns.SetAsync("job", new Job(1, "guard", []));
        Assert.Equal(100, await ns.GetAsync<int>("health"));
        Assert.Equal("Alice", await ns.GetAsync<string>("name"));
        Assert.Equal("guard", (await ns.GetAsync<Job>("job")).Name);
        Assert.True(await ns.ContainsAsync("name"));
        var snapshot = await ns.SnapshotAsync();
        Assert.Equal(3, snapshot.Count);
        Assert.Equal(100, snapshot["health"]);
        await ns.DeleteAsync("name");
        Assert.False(await ns.ContainsAsync("name"));
    }

    [Fact]
    public async Task Namespace_missing_attribute_errors_and_defaults()
    {
        var ns = await Session.NamespaceAsync();
        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => ns.GetAsync<int>("mana"));
        Assert.Contains("mana", error.Message);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => ns.DeleteAsync("mana"));
        Assert.Equal(5, await ns.GetOrDefaultAsync("mana", 5));
        await Assert.ThrowsAsync<ArgumentException>(() => ns.SetAsync("", 1));
        await ns.SetAsync("name", "Bob");
        await Assert.ThrowsAsync<InvalidCastException>(() => ns.GetAsync<int>("name"));
    }

    [Fact]
    public async Task Namespace_increment_and_compare_and_set()
    {
        var ns = await Session.NamespaceAsync();
        Assert.Equal(-30, await ns.IncrementAsync("health", -30));
        Assert.Equal(-10, await ns.IncrementAsync("health", 20));
        Assert.True(await ns.CompareAndSetAsync("health", -10, 100));
        Assert.False(await ns.CompareAndSetAsync("health", -10, 0));
        Assert.Equal(100, await ns.GetAsync<int>("health"));
    }

    [Fact]
    public async Task Value_get_set_increment_compare_and_set_exchange()
    {
        var value = await Session.ValueAsync(1.5);
        Assert.Equal(1.5, await value.GetAsync());
        await value.SetAsync(2.0);
        Assert.Equal(3.0, await value.IncrementAsync(1.0));
        Assert.False(await value.CompareAndSetAsync(2.0, 9.0));
        Assert.True(await value.CompareAndSetAsync(3.0, 9.0));
        Assert.Equal(9.0, await value.ExchangeAsync(1.0));
        Assert.Equal(1.0, await value.GetAsync());
        var text = await Session.ValueAsync("a");
        await Assert.ThrowsAsync<ArgumentException>(() => text.IncrementAsync("b"));
    }

    [Fact]
    public async Task Array_has_a_fixed_length_and_python_indexes()
    {
        var array = await Session.ArrayAsync<int>(4);
        Assert.Equal(4, await array.CountAsync());
        Assert.Equal(new[] { 0, 0, 0, 0 }, await array.SnapshotAsync());
        await array.SetAsync(-1, 7);
        Assert.Equal(7, await array.GetAsync(3));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => array.GetAsync(4));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => array.SetAsync(-5, 1));
        Assert.Equal(8, await array.IncrementAsync(3, 1));
        Assert.True(await array.CompareAndSetAsync(0, 0, 5));
        Assert.False(await array.CompareAndSetAsync(0, 0, 6));
        Assert.Equal(new[] { 5, 0, 0, 8 }, await array.SnapshotAsync());
    }

    [Fact]
    public async Task Array_slices_keep_the_length()
    {
        var array = await Session.ArrayAsync([1, 2, 3, 4, 5]);
        Assert.Equal([2, 3], await array.SliceAsync(1, 3));
        Assert.Equal([5, 3, 1], await array.SliceAsync(null, null, -2));
        await array.SetSliceAsync(0, 2, null, [10, 20]);
        Assert.Equal(new[] { 10, 20, 3, 4, 5 }, await array.SnapshotAsync());
        var error = await Assert.ThrowsAsync<ArgumentException>(() => array.SetSliceAsync(0, 2, null, [1]));
        Assert.Contains("same size", error.Message);
        Assert.Equal(5, await array.CountAsync());
    }
}

public sealed class NamespaceAndValueLocalSpec(LocalSession fixture) : NamespaceAndValueContract<LocalSession>(fixture);

public sealed class NamespaceAndValueRemoteSpec(RemoteSession fixture) : NamespaceAndValueContract<RemoteSession>(fixture);

public sealed class NamespaceAndValueAkkaRemoteSpec(AkkaRemoteSession fixture) : NamespaceAndValueContract<AkkaRemoteSession>(fixture);

[Collection(Clustering.ProcessHeavy.Name)]
public sealed class NamespaceAndValueClusterSpec(ClusterSession fixture) : NamespaceAndValueContract<ClusterSession>(fixture);
