using ManagedActors.Dicts;
using ManagedActors.Lists;
using ManagedActors.Protocol;
using ManagedActors.Queues;
using ManagedActors.Tests.Security;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Hosting;

public interface IFoo : IManagedObject
{
    Task<int> GAsync(CancellationToken cancellationToken = default);

    Task<int> TimesAsync(CancellationToken cancellationToken = default);
}

/// <summary>Same shape as <see cref="IFoo"/>: its first method sits where IFoo's does.</summary>
public interface IBar : IManagedObject
{
    Task<int> HAsync(CancellationToken cancellationToken = default);

    Task<int> TimesAsync(CancellationToken cancellationToken = default);
}

public sealed class Foo
{
    private int _times;

    public int G() => ++_times;

    public int Times() => _times;
}

public sealed class Bar
{
    public int H() => 42;

    public int Times() => 0;
}

/// <summary>A call runs the method its caller named, or none: never another method at the same position.</summary>
public sealed class DispatchSpec
{
    private static ManagerOptions Options => SessionFixture.Options
        .Register<IFoo, Foo>("Foo", () => new Foo())
        .Register<IBar, Bar>("Bar", () => new Bar());

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_registered_type_created_through_another_types_interface_is_refused_naming_both(bool remote)
    {
        await using var started = await ManagerUnderTest.StartAsync(remote, Options);
        var session = started.Session;
        var anonymous = await Assert.ThrowsAsync<InterfaceMismatchException>(() => session.CreateAsync<IBar>("Foo"));
        Assert.Contains(nameof(IFoo), anonymous.ObjectInterface);
        Assert.Contains(nameof(IBar), anonymous.RequestedInterface);
        Assert.Contains(nameof(IFoo), anonymous.Message);
        Assert.Contains(nameof(IBar), anonymous.Message);

        var foo = await session.CreateAsync<IFoo>("Foo", "f");
        await Assert.ThrowsAsync<InterfaceMismatchException>(() => session.CreateAsync<IBar>("Foo", "f"));
        Assert.Equal(1, await foo.GAsync());
        Assert.Equal(1, await foo.TimesAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_built_in_object_opened_through_another_kinds_interface_is_refused_and_a_base_interface_is_accepted(bool remote)
    {
        await using var started = await ManagerUnderTest.StartAsync(remote, Options);
        var session = started.Session;
        var stock = await session.DictAsync<string, int>("stock");
        await stock.SetAsync("apples", 3);
        var named = await Assert.ThrowsAsync<InterfaceMismatchException>(() => session.CreateAsync<IManagedList<int>>("dict", "stock"));
        Assert.Contains("IManagedDict", named.Message);
        Assert.Contains("IManagedList", named.Message);
        await Assert.ThrowsAsync<InterfaceMismatchException>(() => session.CreateAsync<IManagedList<int>>("dict"));
        Assert.Equal(1, await stock.CountAsync());

        // A joinable queue is a queue: its base interface is a view of it.
        var jobs = await session.JoinableQueueAsync<int>("jobs");
        var asQueue = await session.CreateAsync<IManagedQueue<int>>("joinable-queue", "jobs", [0]);
        await asQueue.PutAsync(7);
        Assert.Equal(7, await jobs.GetAsync());
    }

    [Fact]
    public async Task A_forged_method_id_of_another_interface_is_an_unknown_method_and_runs_nothing()
    {
        await using var manager = await Manager.StartAsync(Options);
        var foo = await manager.CreateAsync<IFoo>("Foo");
        var dict = await manager.DictAsync<string, int>();
        await using var peer = RawPeer.Start(manager.AuthKey);
        await peer.HandshakeAsync(manager.Address, manager.AuthKey);
        var answers = await peer.CallAsync(Wire.PathOf(foo),
        [
            new CallRequest(1, Wire.MethodId(typeof(IBar), nameof(IBar.HAsync)), Wire.Args()),
            new CallRequest(2, Wire.MethodId(typeof(IBar), nameof(IBar.TimesAsync)), Wire.Args()),
            new CallRequest(3, CallRequest.NoMethod, Wire.Args()),
        ]);
        Assert.All(answers.Values, a => Assert.Equal(typeof(UnknownMethodException).FullName, Wire.Fault(a).TypeName));
        Assert.Contains("another interface", Wire.Fault(answers[1]).Message);

        var appended = await peer.CallAsync(Wire.PathOf(dict), [new CallRequest(4, Wire.MethodId(typeof(IManagedList<>), "AppendAsync"), Wire.Args(1))]);
        Assert.Equal(typeof(UnknownMethodException).FullName, Wire.Fault(appended[4]).TypeName);

        Assert.Equal(0, await foo.TimesAsync());
        Assert.Equal(0, await dict.CountAsync());
    }

    [Fact]
    public void Method_ids_name_interface_method_and_parameters()
    {
        var foo = InterfaceContract.For(typeof(IFoo)).RemoteMethods;
        var bar = InterfaceContract.For(typeof(IBar)).RemoteMethods;
        Assert.Empty(foo.Select(m => m.Id).Intersect(bar.Select(m => m.Id)));
        // Inherited methods keep the id of the interface that declares them, so a base interface's proxy reaches them.
        var queue = InterfaceContract.For(typeof(IManagedQueue<>)).RemoteMethods.Select(m => m.Id).ToHashSet();
        var joinable = InterfaceContract.For(typeof(IManagedJoinableQueue<>)).RemoteMethods.Select(m => m.Id).ToHashSet();
        Assert.Subset(joinable, queue);
        Assert.DoesNotContain(CallRequest.NoMethod, queue);
        Assert.Equal(
            InterfaceContract.For(typeof(IManagedDict<string, int>)).RemoteMethods.Select(m => m.Id),
            InterfaceContract.For(typeof(IManagedDict<,>)).RemoteMethods.Select(m => m.Id));
    }
}

/// <summary>Which calls change an object: what a journal of changes will record and what the host re-reads after a batch.</summary>
public sealed class ReadOnlyMarksSpec
{
    public interface IScores : IManagedObject
    {
        [ReadOnlyCall]
        Task<int> BestAsync(CancellationToken cancellationToken = default);

        Task AddAsync(int score, CancellationToken cancellationToken = default);
    }

    private static string[] ReadOnly(Type interfaceType) =>
        [.. InterfaceContract.For(interfaceType).RemoteMethods.Where(m => m.IsReadOnly).Select(m => m.Method.Name).Distinct().Order(StringComparer.Ordinal)];

    [Fact]
    public void Built_in_reads_are_marked_and_every_change_is_not()
    {
        Assert.Equal(["ContainsKeyAsync", "CountAsync", "GetAsync", "GetOrDefaultAsync", "ItemsAsync", "KeysAsync", "SnapshotAsync", "ValuesAsync"],
            ReadOnly(typeof(IManagedDict<,>)));
        Assert.Equal(["ContainsAsync", "CountAsync", "CountOfAsync", "GetAsync", "IndexOfAsync", "SliceAsync", "SnapshotAsync"],
            ReadOnly(typeof(IManagedList<>)));
        var queue = InterfaceContract.For(typeof(IManagedJoinableQueue<>)).RemoteMethods;
        Assert.All(queue.Where(m => m.Method.Name is "PutAsync" or "GetAsync" or "TaskDoneAsync" or "CompleteAsync"), m => Assert.False(m.IsReadOnly));
        Assert.Contains(queue, m => m.Method.Name == "JoinAsync" && m.IsReadOnly);
    }

    [Fact]
    public void A_registered_interface_marks_its_own_reads()
    {
        Assert.Equal(["BestAsync"], ReadOnly(typeof(IScores)));
    }
}
