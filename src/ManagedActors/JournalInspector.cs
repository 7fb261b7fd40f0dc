using System.Data.Common;
using ManagedActors.Journaling;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ManagedActors;

/// <summary>What a durable store's journal holds for one object (<see cref="JournalInspector.ListAsync"/>).</summary>
/// <param name="Kind">The object's kind (<c>dict</c>, <c>lock</c>, a registered type's id).</param>
/// <param name="Name">Its name; null for an anonymous object.</param>
/// <param name="PersistenceId">Its journal stream's id.</param>
/// <param name="Events">The events its journal holds (those before its snapshot included, until they are deleted).</param>
/// <param name="Bytes">Their payloads' size.</param>
/// <param name="LastSequenceNr">The sequence number of its latest event.</param>
/// <param name="SnapshotSequenceNr">The event its latest snapshot was taken at; null without a snapshot.</param>
public sealed record JournaledObjectInfo(string Kind, string? Name, string PersistenceId, long Events, long Bytes, long LastSequenceNr, long? SnapshotSequenceNr);

/// <summary>
/// Reads a durable store (a SQLite file or a PostgreSQL database, as <see cref="ManagerOptions.DurableStore"/> names
/// it) without a host and without the assemblies of the objects it holds: a store is listed the same whatever code
/// wrote it.
/// </summary>
public static class JournalInspector
{
    /// <summary>The objects the store's journal holds, by kind and name.</summary>
    /// <param name="store">A SQLite file (or SQLite connection string), or a PostgreSQL connection string.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <exception cref="FileNotFoundException">No SQLite file is there (none is created).</exception>
    /// <exception cref="InvalidDataException">The file or database is not a ManagedActors journal.</exception>
    public static async Task<IReadOnlyList<JournaledObjectInfo>> ListAsync(string store, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(store);
        if (DurabilitySettings.IsPostgreSql(store))
        {
            await using var connection = new NpgsqlConnection(store);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Named by its database, never by its connection string (which may hold a password).
            var database = $"The PostgreSQL database '{new NpgsqlConnectionStringBuilder(store).Database}'";
            return await ReadAsync(connection, connection, "deleted = false", database, cancellationToken).ConfigureAwait(false);
        }
        var (journal, snapshots) = DurabilitySettings.SqliteConnections(store);
        var file = new SqliteConnectionStringBuilder(journal).DataSource;
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"No journal file is at {file}.", file);
        }
        var snapshotFile = new SqliteConnectionStringBuilder(snapshots).DataSource;
        await using var events = new SqliteConnection(ReadOnly(journal));
        await using var snapshotConnection = File.Exists(snapshotFile) ? new SqliteConnection(ReadOnly(snapshots)) : null;
        try
        {
            await events.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (snapshotConnection is not null)
            {
                await snapshotConnection.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException($"{file} is not a ManagedActors journal: {e.Message}", e);
        }
        return await ReadAsync(events, snapshotConnection, "deleted = 0", file, cancellationToken).ConfigureAwait(false);
    }

    private static string ReadOnly(string connectionString) =>
        new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadOnly }.ConnectionString;

    private static async Task<IReadOnlyList<JournaledObjectInfo>> ReadAsync(
        DbConnection events, DbConnection? snapshots, string live, string what, CancellationToken cancellationToken)
    {
        var taken = new Dictionary<string, long>(StringComparer.Ordinal);
        if (snapshots is not null)
        {
            await foreach (var row in QueryAsync(snapshots, "SELECT persistence_id, MAX(sequence_number), COUNT(*), COUNT(*) FROM snapshot GROUP BY persistence_id", what, cancellationToken)
                .ConfigureAwait(false))
            {
                taken[row.Id] = row.A;
            }
        }
        var objects = new List<JournaledObjectInfo>();
        await foreach (var row in QueryAsync(events,
            $"SELECT persistence_id, MAX(sequence_number), COUNT(*), COALESCE(SUM(LENGTH(message)), 0) FROM journal WHERE {live} GROUP BY persistence_id", what, cancellationToken)
            .ConfigureAwait(false))
        {
            if (!row.Id.StartsWith(PersistenceIds.Prefix, StringComparison.Ordinal))
            {
                continue;
            }
            var (kind, name, _) = PersistenceIds.Parse(row.Id);
            objects.Add(new JournaledObjectInfo(kind, name, row.Id, row.B, row.C, row.A, taken.TryGetValue(row.Id, out var at) ? at : null));
        }
        return [.. objects.OrderBy(o => o.Kind, StringComparer.Ordinal).ThenBy(o => o.Name ?? o.PersistenceId, StringComparer.Ordinal)];
    }

    private static async IAsyncEnumerable<(string Id, long A, long B, long C)> QueryAsync(
        DbConnection connection, string sql, string what, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        DbDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw new InvalidDataException($"{what} is not a ManagedActors journal: {e.Message}", e);
        }
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            }
        }
    }
}
