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

/// <summary>One record of an object's journal, or its latest snapshot, as JSON (<see cref="JournalInspector.ShowAsync"/>).</summary>
/// <param name="SequenceNr">The event's sequence number, or the one the snapshot was taken at.</param>
/// <param name="IsSnapshot">Whether it is the snapshot.</param>
/// <param name="Json">
/// The record as one line of JSON: <c>seq</c>, <c>manifest</c>, <c>record</c> (<c>created</c>, <c>calls</c>,
/// <c>waits</c>, <c>snapshot</c> or <c>unreadable</c>), and its calls (each with its method's journal key and its
/// arguments), arguments or state. Values read without their types: a record of the application's own as an object
/// of its fields with <c>$type</c>; see <c>docs/durability.md</c>.
/// </param>
public sealed record JournalRecord(long SequenceNr, bool IsSnapshot, string Json);

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
        await using var opened = await Store.OpenAsync(store, readOnly: true, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(opened.Events, opened.Snapshots, opened.Live, opened.What, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One object's latest snapshot (if it has one), then every event its journal holds in order, each decoded to JSON
    /// without the assemblies that wrote it, as far as the encoding says (<see cref="JournalRecord.Json"/>).
    /// </summary>
    /// <param name="store">A SQLite file (or SQLite connection string), or a PostgreSQL connection string.</param>
    /// <param name="persistenceId">The object's <see cref="JournaledObjectInfo.PersistenceId"/>.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <exception cref="FileNotFoundException">No SQLite file is there (none is created).</exception>
    /// <exception cref="InvalidDataException">The file or database is not a ManagedActors journal.</exception>
    public static async IAsyncEnumerable<JournalRecord> ShowAsync(
        string store, string persistenceId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(persistenceId);
        await using var opened = await Store.OpenAsync(store, readOnly: true, cancellationToken).ConfigureAwait(false);
        if (opened.Snapshots is not null)
        {
            await foreach (var row in QueryAsync(opened.Snapshots,
                "SELECT sequence_number, manifest, snapshot FROM snapshot WHERE persistence_id = @id ORDER BY sequence_number DESC LIMIT 1",
                persistenceId, opened.What, Record, cancellationToken).ConfigureAwait(false))
            {
                yield return row with { IsSnapshot = true };
            }
        }
        await foreach (var row in QueryAsync(opened.Events,
            $"SELECT sequence_number, manifest, message FROM journal WHERE persistence_id = @id AND {opened.Live} ORDER BY sequence_number",
            persistenceId, opened.What, Record, cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    private static JournalRecord Record(DbDataReader reader)
    {
        var manifest = reader.IsDBNull(1) ? "" : reader.GetString(1);
        var bytes = reader.IsDBNull(2) ? [] : (byte[])reader.GetValue(2);
        return new JournalRecord(reader.GetInt64(0), false, JournalJson.Of(reader.GetInt64(0), manifest, bytes));
    }

    /// <summary>
    /// Deletes one object's journal and snapshots from the store, for good: a host started on the store afterwards
    /// no longer finds the object. Run it while no host uses the store (a running object would go on writing after
    /// the events it no longer has).
    /// </summary>
    /// <param name="store">A SQLite file (or SQLite connection string), or a PostgreSQL connection string.</param>
    /// <param name="persistenceId">The object's <see cref="JournaledObjectInfo.PersistenceId"/>.</param>
    /// <param name="cancellationToken">Cancels the deletion (which is one transaction per file).</param>
    /// <returns>How many events and how many snapshots were deleted.</returns>
    /// <exception cref="FileNotFoundException">No SQLite file is there (none is created).</exception>
    /// <exception cref="InvalidDataException">The file or database is not a ManagedActors journal.</exception>
    public static async Task<(int Events, int Snapshots)> DeleteAsync(string store, string persistenceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(persistenceId);
        await using var opened = await Store.OpenAsync(store, readOnly: false, cancellationToken).ConfigureAwait(false);
        var events = await ExecuteAsync(opened.Events, "DELETE FROM journal WHERE persistence_id = @id", persistenceId, opened.What, cancellationToken).ConfigureAwait(false);
        var snapshots = opened.Snapshots is null ? 0
            : await ExecuteAsync(opened.Snapshots, "DELETE FROM snapshot WHERE persistence_id = @id", persistenceId, opened.What, cancellationToken).ConfigureAwait(false);
        return (events, snapshots);
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, string sql, string persistenceId, string what, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var id = command.CreateParameter();
        id.ParameterName = "id";
        id.Value = persistenceId;
        command.Parameters.Add(id);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw new InvalidDataException($"{what} is not a ManagedActors journal: {e.Message}", e);
        }
    }

    /// <summary>A store's open connections: its events, its snapshots (a second SQLite file, maybe absent), what to call it.</summary>
    private sealed record Store(DbConnection Events, DbConnection? Snapshots, string Live, string What) : IAsyncDisposable
    {
        public static async Task<Store> OpenAsync(string store, bool readOnly, CancellationToken cancellationToken)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(store);
            if (DurabilitySettings.IsPostgreSql(store))
            {
                var connection = new NpgsqlConnection(store);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                // Named by its database, never by its connection string (which may hold a password).
                return new Store(connection, connection, "deleted = false", $"The PostgreSQL database '{new NpgsqlConnectionStringBuilder(store).Database}'");
            }
            var (journal, snapshots) = DurabilitySettings.SqliteConnections(store);
            var file = new SqliteConnectionStringBuilder(journal).DataSource;
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"No journal file is at {file}.", file);
            }
            var snapshotFile = new SqliteConnectionStringBuilder(snapshots).DataSource;
            var opened = new Store(new SqliteConnection(Mode(journal, readOnly)),
                File.Exists(snapshotFile) ? new SqliteConnection(Mode(snapshots, readOnly)) : null, "deleted = 0", file);
            try
            {
                await opened.Events.OpenAsync(cancellationToken).ConfigureAwait(false);
                if (opened.Snapshots is not null)
                {
                    await opened.Snapshots.OpenAsync(cancellationToken).ConfigureAwait(false);
                }
                return opened;
            }
            catch (SqliteException e)
            {
                await opened.DisposeAsync().ConfigureAwait(false);
                throw new InvalidDataException($"{file} is not a ManagedActors journal: {e.Message}", e);
            }
        }

        /// <summary>Read-only, or read-write without creating the file (its existence was checked).</summary>
        private static string Mode(string connectionString, bool readOnly) =>
            new SqliteConnectionStringBuilder(connectionString) { Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite }.ConnectionString;

        public async ValueTask DisposeAsync()
        {
            await Events.DisposeAsync().ConfigureAwait(false);
            if (Snapshots is not null && !ReferenceEquals(Snapshots, Events))
            {
                await Snapshots.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

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
            // Every row for the latest event (a compacted journal keeps its last one, marked deleted), the live ones for the rest.
            $"SELECT persistence_id, MAX(sequence_number), SUM(CASE WHEN {live} THEN 1 ELSE 0 END), " +
            $"COALESCE(SUM(CASE WHEN {live} THEN LENGTH(message) ELSE 0 END), 0) FROM journal GROUP BY persistence_id", what, cancellationToken)
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

    private static IAsyncEnumerable<(string Id, long A, long B, long C)> QueryAsync(DbConnection connection, string sql, string what, CancellationToken cancellationToken) =>
        QueryAsync(connection, sql, null, what, static r => (r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)), cancellationToken);

    private static async IAsyncEnumerable<T> QueryAsync<T>(
        DbConnection connection, string sql, string? persistenceId, string what, Func<DbDataReader, T> row,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (persistenceId is not null)
        {
            var id = command.CreateParameter();
            id.ParameterName = "id";
            id.Value = persistenceId;
            command.Parameters.Add(id);
        }
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
                yield return row(reader);
            }
        }
    }
}
