using Akka.Configuration;
using ManagedActors.Configuration;
using Microsoft.Data.Sqlite;

namespace ManagedActors.Journaling;

/// <summary>
/// Where and how journaled objects journal: <c>managed-actors.default-durability</c>, <c>snapshot-every</c>, the
/// <c>resent-calls</c> and <c>restart</c> sections, and the durable store, which is Akka.Persistence.Sql's journal and
/// snapshot store (<c>akka.persistence.journal.sql</c>, <c>akka.persistence.snapshot-store.sql</c>) on SQLite or PostgreSQL.
/// </summary>
/// <param name="Default">What an object gets when its factory names no durability.</param>
/// <param name="Provider">The durable store's linq2db provider name; empty without a store.</param>
/// <param name="JournalConnection">The durable journal's connection string; empty without a store.</param>
/// <param name="SnapshotConnection">The durable snapshot store's connection string.</param>
/// <param name="SnapshotEvery">A journaled object saves a snapshot every this many journal events; 0 never does.</param>
/// <param name="RepliesPerClient">How many of a client's latest changing calls a journaled object remembers.</param>
/// <param name="ClientsRemembered">How many clients a journaled object remembers calls of.</param>
/// <param name="MinBackoff">How long a journaled object that stopped waits before it starts again.</param>
/// <param name="MaxBackoff">The longest wait between restarts of a journaled object.</param>
/// <param name="HoldLease">How long a journaled object keeps what it holds for a client no host has seen connected.</param>
internal sealed record DurabilitySettings(
    Durability Default,
    string Provider,
    string JournalConnection,
    string SnapshotConnection,
    int SnapshotEvery,
    int RepliesPerClient,
    int ClientsRemembered,
    TimeSpan MinBackoff,
    TimeSpan MaxBackoff,
    TimeSpan HoldLease)
{
    public const string MemoryJournal = "akka.persistence.journal.inmem";
    public const string MemorySnapshots = "akka.persistence.snapshot-store.inmem";
    public const string DurableJournal = "akka.persistence.journal.sql";
    public const string DurableSnapshots = "akka.persistence.snapshot-store.sql";
    public const string SqliteProvider = "SQLite.MS";
    public const string PostgreSqlProvider = "PostgreSQL.15";

    /// <summary>Whether a durable store is configured; without one, <see cref="Durability.Durable"/> is refused.</summary>
    public bool HasDurableStore => JournalConnection.Length > 0;

    public bool IsSqlite => Provider == SqliteProvider;

    /// <summary>The journal and snapshot-store plugins of a journaled object.</summary>
    public static (string Journal, string Snapshots) PluginsFor(Durability durability) =>
        durability == Durability.Durable ? (DurableJournal, DurableSnapshots) : (MemoryJournal, MemorySnapshots);

    /// <exception cref="ConfigurationException">A setting is missing or malformed, or the default is durable without a store.</exception>
    public static DurabilitySettings Create(Config config)
    {
        var section = Section.Of(config, "managed-actors");
        var text = section.String("default-durability");
        if (!Enum.TryParse<Durability>(text, ignoreCase: true, out var durability) || !Enum.IsDefined(durability))
        {
            throw new ConfigurationException($"managed-actors.default-durability is '{text}'; it must be none, memory or durable.");
        }
        var journal = Section.Of(config, DurableJournal);
        var resent = section.Child("resent-calls");
        var restart = section.Child("restart");
        var settings = new DurabilitySettings(
            durability,
            journal.String("provider-name"),
            journal.String("connection-string"),
            Section.Of(config, DurableSnapshots).String("connection-string"),
            section.Int("snapshot-every"),
            resent.Positive("replies-per-client"),
            resent.Positive("clients"),
            restart.TimeSpan("min-backoff"),
            restart.TimeSpan("max-backoff"),
            section.TimeSpan("hold-lease"));
        if (durability == Durability.Durable && !settings.HasDurableStore)
        {
            throw new ConfigurationException(
                "managed-actors.default-durability is durable, but no durable store is configured: set ManagerOptions.DurableStore, " +
                "the standalone host's --durable, or akka.persistence.journal.sql (hocon/durable.conf).");
        }
        return settings;
    }

    /// <summary>
    /// The layer that makes <paramref name="store"/> the durable store: a SQLite file or SQLite connection string (its
    /// snapshots in a second file beside it, <c>NAME-snapshots.db</c>), or a PostgreSQL connection string (one with
    /// <c>Host=</c> or <c>Server=</c>).
    /// </summary>
    public static Config StoreLayer(string store)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(store);
        string provider, journal, snapshots;
        int writers;
        if (IsPostgreSql(store))
        {
            (provider, journal, snapshots, writers) = (PostgreSqlProvider, store, store, 3);
        }
        else
        {
            (journal, snapshots) = SqliteConnections(store);
            // SQLite takes one writer at a time (WAL or not): one journal writer, whose batches hold many objects' events.
            (provider, writers) = (SqliteProvider, 1);
        }
        return Hocon.Values(
            (DurableJournal + ".connection-string", journal),
            (DurableJournal + ".provider-name", provider),
            (DurableJournal + ".parallelism", writers),
            (DurableSnapshots + ".connection-string", snapshots),
            (DurableSnapshots + ".provider-name", provider));
    }

    /// <summary>Whether <paramref name="store"/> is a PostgreSQL connection string (one with <c>Host=</c> or <c>Server=</c>).</summary>
    public static bool IsPostgreSql(string store) =>
        store.Contains("Host=", StringComparison.OrdinalIgnoreCase) || store.Contains("Server=", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The SQLite connection strings of the journal and of its snapshots (a second file beside it,
    /// <c>NAME-snapshots.db</c>) for a file path or a SQLite connection string.
    /// </summary>
    public static (string Journal, string Snapshots) SqliteConnections(string store)
    {
        // SQLite gives up on a locked file after 5 s (rolling the write back), before the journal's 10 s call timeout:
        // a write the journal reports failed never lands later.
        var builder = new SqliteConnectionStringBuilder(store.Contains('=', StringComparison.Ordinal) ? store : "Data Source=" + store);
        if (!store.Contains("Default Timeout", StringComparison.OrdinalIgnoreCase) && !store.Contains("Command Timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.DefaultTimeout = 5;
        }
        var path = Path.GetFullPath(builder.DataSource);
        builder.DataSource = path;
        var journal = builder.ConnectionString;
        builder.DataSource = Path.Combine(Path.GetDirectoryName(path) ?? ".", Path.GetFileNameWithoutExtension(path) + "-snapshots" + Path.GetExtension(path));
        return (journal, builder.ConnectionString);
    }
}
