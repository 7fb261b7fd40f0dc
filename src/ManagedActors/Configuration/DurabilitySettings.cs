using Akka.Configuration;
using Microsoft.Data.Sqlite;

namespace ManagedActors.Configuration;

/// <summary>
/// Where journaled objects journal: <c>managed-actors.default-durability</c>, and the durable store, which is
/// Akka.Persistence.Sql's journal and snapshot store (<c>akka.persistence.journal.sql</c>,
/// <c>akka.persistence.snapshot-store.sql</c>) on SQLite or PostgreSQL.
/// </summary>
internal sealed record DurabilitySettings(Durability Default, string? Provider, string? JournalConnection, string? SnapshotConnection)
{
    public const string MemoryJournal = "akka.persistence.journal.inmem";
    public const string MemorySnapshots = "akka.persistence.snapshot-store.inmem";
    public const string DurableJournal = "akka.persistence.journal.sql";
    public const string DurableSnapshots = "akka.persistence.snapshot-store.sql";
    public const string SqliteProvider = "SQLite.MS";
    public const string PostgreSqlProvider = "PostgreSQL.15";

    /// <summary>How long a journaled object that stopped waits before it starts again; doubled up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between restarts of a journaled object.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A journaled object saves a snapshot every this many journal events (batches); 0 never does.</summary>
    public int SnapshotEvery { get; init; } = 1000;

    /// <summary>How many of a client's latest changing calls a journaled object remembers, to answer them if they are resent.</summary>
    public int RepliesPerClient { get; init; } = 64;

    /// <summary>How many clients a journaled object remembers calls of; the one heard from least recently goes first.</summary>
    public int ClientsRemembered { get; init; } = 1024;

    /// <summary>Whether a durable store is configured; without one, <see cref="Durability.Durable"/> is refused.</summary>
    public bool HasDurableStore => !string.IsNullOrEmpty(JournalConnection);

    public bool IsSqlite => Provider == SqliteProvider;

    /// <summary>The journal and snapshot-store plugins of a journaled object.</summary>
    public static (string Journal, string Snapshots) PluginsFor(Durability durability) =>
        durability == Durability.Durable ? (DurableJournal, DurableSnapshots) : (MemoryJournal, MemorySnapshots);

    public static DurabilitySettings From(Config config)
    {
        var text = config.GetString("managed-actors.default-durability", "none");
        if (!Enum.TryParse<Durability>(text, ignoreCase: true, out var durability) || !Enum.IsDefined(durability))
        {
            throw new ArgumentException($"managed-actors.default-durability is '{text}'; it must be none, memory or durable.");
        }
        var connection = config.GetString(DurableJournal + ".connection-string", "");
        var settings = new DurabilitySettings(
            durability,
            config.GetString(DurableJournal + ".provider-name", ""),
            connection,
            config.GetString(DurableSnapshots + ".connection-string", ""))
        {
            MinBackoff = config.GetTimeSpan("managed-actors.restart.min-backoff", TimeSpan.FromMilliseconds(200)),
            MaxBackoff = config.GetTimeSpan("managed-actors.restart.max-backoff", TimeSpan.FromSeconds(10)),
            SnapshotEvery = config.GetInt("managed-actors.snapshot-every", 1000),
            RepliesPerClient = Positive(config, "managed-actors.resent-calls.replies-per-client", 64),
            ClientsRemembered = Positive(config, "managed-actors.resent-calls.clients", 1024),
        };
        if (durability == Durability.Durable && !settings.HasDurableStore)
        {
            throw new ArgumentException(
                "managed-actors.default-durability is durable, but no durable store is configured: set ManagerOptions.DurableStore, " +
                "the standalone host's --durable, or akka.persistence.journal.sql (hocon/durable.conf).");
        }
        return settings;
    }

    private static int Positive(Config config, string key, int fallback) =>
        config.GetInt(key, fallback) is > 0 and var value ? value : throw new ArgumentException($"{key} must be at least 1.");

    /// <summary>
    /// The HOCON that makes <paramref name="store"/> the durable store: a SQLite file or SQLite connection string (its
    /// snapshots in a second file beside it, <c>NAME-snapshots.db</c>), or a PostgreSQL connection string (one with
    /// <c>Host=</c> or <c>Server=</c>).
    /// </summary>
    public static string HoconFor(string store)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(store);
        string provider, journal, snapshots, writers;
        if (store.Contains("Host=", StringComparison.OrdinalIgnoreCase) || store.Contains("Server=", StringComparison.OrdinalIgnoreCase))
        {
            (provider, journal, snapshots, writers) = (PostgreSqlProvider, store, store, "3");
        }
        else
        {
            // A file path, or a SQLite connection string. SQLite gives up on a locked file after 5 s (rolling the write
            // back), before the journal's 10 s call timeout: a write the journal reports failed never lands later.
            var builder = new SqliteConnectionStringBuilder(store.Contains('=', StringComparison.Ordinal) ? store : "Data Source=" + store);
            if (!store.Contains("Default Timeout", StringComparison.OrdinalIgnoreCase) && !store.Contains("Command Timeout", StringComparison.OrdinalIgnoreCase))
            {
                builder.DefaultTimeout = 5;
            }
            var path = Path.GetFullPath(builder.DataSource);
            builder.DataSource = path;
            journal = builder.ConnectionString;
            builder.DataSource = Path.Combine(Path.GetDirectoryName(path) ?? ".", Path.GetFileNameWithoutExtension(path) + "-snapshots" + Path.GetExtension(path));
            snapshots = builder.ConnectionString;
            // SQLite takes one writer at a time (WAL or not): one journal writer, whose batches hold many objects' events.
            (provider, writers) = (SqliteProvider, "1");
        }
        return $$"""
            {{DurableJournal}} {
              connection-string = {{Quote(journal)}}
              provider-name = "{{provider}}"
              parallelism = {{writers}}
            }
            {{DurableSnapshots}} {
              connection-string = {{Quote(snapshots)}}
              provider-name = "{{provider}}"
            }
            """;
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
