using ManagedActors;

// Supervision with durable state: a registered scoreboard crashes on a poisoned input. Its registration marks that
// exception fatal, so the call fails with ManagedObjectRestartedException, the object is restarted, and, being
// Durable, it comes back from its journal with every score it had acknowledged.
Console.WriteLine($"parent main (pid {Environment.ProcessId})");
var folder = Directory.CreateTempSubdirectory("supervision-sample-");
try
{
    await using var manager = await Manager.StartAsync(new ManagerOptions { DurableStore = Path.Combine(folder.FullName, "scores.db") }
        .Register<IScoreboard, Scoreboard>("Scoreboard", () => new Scoreboard(), fatal: [typeof(CorruptScoreException)]));
    var board = await manager.CreateAsync<IScoreboard>("Scoreboard", "league", durability: Durability.Durable);

    for (var round = 1; round <= 10; round++)
    {
        await board.RecordAsync(round);
    }
    Console.WriteLine($"before the crash: {await board.CountAsync()} scores, total {await board.TotalAsync()}");

    try
    {
        await board.RecordAsync(-1);
    }
    catch (ManagedObjectRestartedException e)
    {
        Console.WriteLine($"poisoned input: {nameof(ManagedObjectRestartedException)} ({e.Message})");
    }
    Console.WriteLine($"after the restart: {await board.CountAsync()} scores, total {await board.TotalAsync()} (recovered from the journal)");

    for (var round = 11; round <= 15; round++)
    {
        await board.RecordAsync(round);
    }
    Console.WriteLine($"after 5 more: {await board.CountAsync()} scores, total {await board.TotalAsync()}");
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    folder.Delete(recursive: true);
}

/// <summary>What clients see of the scoreboard.</summary>
internal interface IScoreboard : IManagedObject
{
    Task RecordAsync(int score, CancellationToken cancellationToken = default);

    [ReadOnlyCall]
    Task<int> CountAsync(CancellationToken cancellationToken = default);

    [ReadOnlyCall]
    Task<int> TotalAsync(CancellationToken cancellationToken = default);
}

/// <summary>A score the scoreboard cannot survive: its state is no longer trustworthy.</summary>
internal sealed class CorruptScoreException(string message) : Exception(message);

/// <summary>A plain class; deterministic, so replaying its calls rebuilds it exactly.</summary>
internal sealed class Scoreboard
{
    private readonly List<int> _scores = [];

    public void Record(int score)
    {
        if (score < 0)
        {
            throw new CorruptScoreException($"a score of {score} corrupts the board");
        }
        _scores.Add(score);
    }

    public int Count() => _scores.Count;

    public int Total() => _scores.Sum();
}
