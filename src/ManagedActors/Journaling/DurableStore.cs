using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ManagedActors.Journaling;

/// <summary>Readies the durable store before any journaled object opens it.</summary>
internal static class DurableStore
{
    /// <summary>
    /// Puts SQLite files in write-ahead-log mode (a reader never waits for the writer, and a commit is one append),
    /// creating them and their folder if missing. The mode is kept in the file; PostgreSQL needs nothing here.
    /// </summary>
    public static void Prepare(DurabilitySettings settings)
    {
        if (!settings.IsSqlite)
        {
            return;
        }
        foreach (var connectionString in new[] { settings.JournalConnection, settings.SnapshotConnection })
        {
            if (string.IsNullOrEmpty(connectionString))
            {
                continue;
            }
            var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
            if (Path.GetDirectoryName(Path.GetFullPath(file)) is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
            }
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            command.ExecuteScalar();
        }
    }

    /// <summary>
    /// Claims the SQLite journal file for this host until the result is disposed: alone (<paramref name="shared"/>
    /// false, a standalone host) or beside the other members of a cluster. The claim is an OS lock on a file beside the
    /// journal (<c>FILE-host.lock</c>), let go when the process ends however it ends; who holds it is written beside it
    /// (<c>FILE-host.txt</c>) for the refusal's message. Null for PostgreSQL, which takes many writers.
    /// </summary>
    /// <exception cref="DurableStoreInUseException">Another host holds the file in a way this claim conflicts with.</exception>
    public static IDisposable? Claim(DurabilitySettings settings, bool shared, string holder)
    {
        if (!settings.IsSqlite || string.IsNullOrEmpty(settings.JournalConnection))
        {
            return null;
        }
        var file = new SqliteConnectionStringBuilder(settings.JournalConnection).DataSource;
        if (file.Length == 0 || file.Contains(":memory:", StringComparison.Ordinal) || file.StartsWith("file:", StringComparison.Ordinal))
        {
            return null;
        }
        var path = Path.GetFullPath(file);
        FileStream lockFile;
        try
        {
            // FileShare.None takes an exclusive lock on Unix (flock), any other share a shared one.
            lockFile = new FileStream(path + "-host.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, shared ? FileShare.ReadWrite : FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            var who = File.Exists(path + "-host.txt") ? File.ReadAllText(path + "-host.txt").Trim() : "a process that has not said which";
            throw new DurableStoreInUseException(path, who);
        }
        var note = path + "-host.txt";
        File.WriteAllText(note, $"{(shared ? "cluster member" : "standalone host")} {holder}, process {Environment.ProcessId}, since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z");
        return new StoreClaim(lockFile, shared ? null : note);
    }

    /// <summary>A held claim: disposing it removes a standalone host's note and lets go of the lock.</summary>
    private sealed class StoreClaim(FileStream lockFile, string? note) : IDisposable
    {
        public void Dispose()
        {
            if (note is not null)
            {
                try
                {
                    File.Delete(note);
                }
                catch (IOException)
                {
                    // The note is only read when the lock is held: a stale one does no harm.
                }
            }
            lockFile.Dispose();
        }
    }

    /// <summary>Asks the durable store a trivial query (<c>SELECT 1</c>) on a connection of its own; throws what the driver throws when it does not answer.</summary>
    public static async Task AnswerAsync(DurabilitySettings settings, CancellationToken cancellationToken)
    {
        await using DbConnection connection = settings.IsSqlite ? new SqliteConnection(settings.JournalConnection) : new NpgsqlConnection(settings.JournalConnection);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
