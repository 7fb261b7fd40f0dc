using Microsoft.Data.Sqlite;

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
}
