using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Journaling;

/// <summary>An input the meter cannot survive.</summary>
public sealed class PoisonedInputException(string message) : Exception(message);

/// <summary>A meter whose registration marks <see cref="PoisonedInputException"/> fatal.</summary>
public interface IMeter : IManagedObject
{
    Task<int> RecordAsync(int value, CancellationToken cancellationToken = default);

    [ReadOnlyCall]
    Task<int> TotalAsync(CancellationToken cancellationToken = default);
}

/// <summary>Counts what it records; a negative value poisons it, a zero is merely refused.</summary>
[ManagedType("Meter", typeof(IMeter), Fatal = new[] { typeof(PoisonedInputException) })]
public sealed class Meter
{
    private int _total;

    public int Record(int value) => value switch
    {
        < 0 => throw new PoisonedInputException($"{value} is poison."),
        0 => throw new ArgumentOutOfRangeException(nameof(value), value, "Nothing to record."),
        _ => _total += value,
    };

    public int Total() => _total;
}

/// <summary>
/// Supervision: an exception the registration marks fatal fails its call with
/// <see cref="ManagedObjectRestartedException"/> and restarts the object, which comes back with its journaled state
/// (Memory, Durable) or new (None); any other exception is only the caller's.
/// </summary>
public sealed class FatalExceptionSpec : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData(Durability.None, 0)]
    [InlineData(Durability.Memory, 6)]
    [InlineData(Durability.Durable, 6)]
    public async Task A_fatal_exception_restarts_the_object_with_its_journaled_state(Durability durability, int totalAfter)
    {
        await using var manager = await Manager.StartAsync(new ManagerOptions { DurableStore = _store.PathOf("objects.db") }
            .Register<IMeter, Meter>("Meter", () => new Meter(), fatal: [typeof(PoisonedInputException)]));
        var meter = await manager.CreateAsync<IMeter>("Meter", "meter", durability: durability);
        foreach (var value in new[] { 1, 2, 3 })
        {
            await meter.RecordAsync(value);
        }
        // Not fatal: the caller's error, and the object keeps its state.
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => meter.RecordAsync(0));
        Assert.Equal(6, await meter.TotalAsync());

        var restarted = await Assert.ThrowsAsync<ManagedObjectRestartedException>(() => meter.RecordAsync(-1)).Within(Limit, "the poisoned call");
        Assert.Contains("PoisonedInputException", restarted.Message);
        Assert.Contains("-1 is poison", restarted.Message);

        Assert.Equal(totalAfter, await meter.TotalAsync().Within(Limit, "the object after its restart"));
        Assert.Equal(totalAfter + 4, await meter.RecordAsync(4));
        // The host's status shows what the object survives and that it restarted once.
        var status = Assert.Single((await manager.StatusAsync()).Objects, o => o.Name == "meter");
        Assert.Equal((durability, 1), (status.Durability, status.Restarts));
    }

    [Fact]
    public void The_attribute_marks_fatal_exceptions_as_the_registration_does()
    {
        var registration = new ManagerOptions().RegisterFromAssembly(typeof(Meter).Assembly).Registrations.Single(r => r.TypeId == "Meter");
        Assert.Equal([typeof(PoisonedInputException)], registration.Fatal);
    }

    [Fact]
    public void A_fatal_type_that_is_not_an_exception_is_refused_at_registration()
    {
        var error = Assert.Throws<ArgumentException>(() => new ManagerOptions().Register<IMeter, Meter>("Meter", () => new Meter(), fatal: [typeof(string)]));
        Assert.Contains("not an exception type", error.Message);
    }
}
