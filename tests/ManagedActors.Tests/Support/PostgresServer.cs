using System.Diagnostics;
using Npgsql;
using Xunit;

namespace ManagedActors.Tests.Support;

/// <summary>
/// A real PostgreSQL server for the durable tests: started on 127.0.0.1 on a free port in a temporary data directory
/// (initdb, pg_ctl; as the <c>postgres</c> user when the tests run as root, which PostgreSQL refuses), stopped after.
/// Without PostgreSQL installed its tests are skipped, unless <c>MANAGEDACTORS_REQUIRE_POSTGRES=1</c> (CI sets it),
/// which makes its absence a failure.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _data;
    private string? _binaries;

    public int Port { get; private set; }

    /// <summary>Why the server is not running, or null when it is.</summary>
    public string? Unavailable { get; private set; }

    public async Task InitializeAsync()
    {
        _binaries = FindBinaries();
        if (_binaries is null)
        {
            Unavailable = "PostgreSQL is not installed (apt-get install postgresql)";
            if (Environment.GetEnvironmentVariable("MANAGEDACTORS_REQUIRE_POSTGRES") == "1")
            {
                throw new InvalidOperationException(Unavailable + ", and MANAGEDACTORS_REQUIRE_POSTGRES=1 requires it.");
            }
            return;
        }
        _data = Directory.CreateTempSubdirectory("managed-actors-pg-").FullName;
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _data]);
        }
        Port = HostProcess.FreePort();
        await RunPostgresAsync("initdb", ["-D", _data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        await StartAsync();
    }

    /// <summary>Starts the server (again): the data directory keeps what it held.</summary>
    public Task StartAsync() => RunPostgresAsync("pg_ctl",
        ["-D", _data!, "-l", Path.Combine(_data!, "server.log"), "-w", "-o", $"-p {Port} -k {_data} -c listen_addresses=127.0.0.1 -c fsync=off", "start"]);

    /// <summary>Stops the server at once, as a crash of the database would look to its clients.</summary>
    public async Task StopAsync()
    {
        await RunPostgresAsync("pg_ctl", ["-D", _data!, "-m", "immediate", "-w", "stop"]);
        // This process's pooled connections to the server are dead now; new ones go to the next server.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>A new, empty database on the server; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        Skip.If(Unavailable is not null, Unavailable);
        var name = "objects_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        if (_data is null)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped by a test.
        }
        Directory.Delete(_data, recursive: true);
    }

    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Timeout=5;Command Timeout=5";

    private static string? FindBinaries()
    {
        var versions = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [];
        return versions.Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).Order().LastOrDefault();
    }

    private Task RunPostgresAsync(string tool, string[] args) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_binaries!, tool), .. args])
            : RunAsync(Path.Combine(_binaries!, tool), args);

    private static async Task RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await errors}");
        }
    }
}

/// <summary>The tests that share one PostgreSQL server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
