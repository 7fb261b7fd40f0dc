using System.CommandLine;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace ManagedActors.Host;

/// <summary>
/// The standalone host (Python's <c>BaseManager(address, authkey).get_server().serve_forever()</c>):
/// <c>serve</c> runs a manager host until Ctrl+C or SIGTERM; <c>status</c> prints what a running host holds.
/// </summary>
internal static class Program
{
    /// <summary>The environment variable that may hold the authkey (hex) instead of a file.</summary>
    public const string AuthKeyVariable = "MANAGEDACTORS_AUTHKEY";

    /// <summary>The environment variable that may hold the cluster key (hex) instead of a file.</summary>
    public const string ClusterKeyVariable = "MANAGEDACTORS_CLUSTER_KEY";

    private static async Task<int> Main(string[] args)
    {
        var authKeyFile = new Option<FileInfo?>("--authkey-file") { Description = $"File holding the authkey as hex (or raw bytes); else ${AuthKeyVariable} (hex)." };

        var port = new Option<int>("--port") { Description = "Port to listen on (0 picks a free one).", DefaultValueFactory = _ => 0 };
        var hostname = new Option<string>("--hostname") { Description = "Address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var assemblies = new Option<FileInfo[]>("--assembly") { Description = "Assembly whose types the host may store (repeatable).", AllowMultipleArgumentsPerToken = true };
        var config = new Option<FileInfo?>("--config") { Description = "HOCON file layered over the defaults (see hocon/host.conf)." };
        var durable = new Option<string?>("--durable")
        {
            Description = "Make Durable the default: a SQLite database file (created if missing), or a PostgreSQL connection string (\"Host=...;Database=...\").",
        };
        var seeds = new Option<string[]>("--seed")
        {
            Description = "A host of the cluster to join, host:port of its cluster port (repeatable; every host lists the same seeds, the first seed lists itself first).",
            AllowMultipleArgumentsPerToken = true,
        };
        var clusterPort = new Option<int>("--cluster-port") { Description = "Port other hosts of the cluster reach this one on (0 picks a free one).", DefaultValueFactory = _ => 0 };
        var clusterKeyFile = new Option<FileInfo?>("--cluster-key-file") { Description = $"File holding the key hosts prove to each other (hex or raw bytes; not the authkey); else ${ClusterKeyVariable}." };
        var serve = new Command("serve", "Run a manager host until Ctrl+C or SIGTERM.") { port, hostname, authKeyFile, assemblies, config, durable, seeds, clusterPort, clusterKeyFile };
        serve.SetAction(async (parse, cancellationToken) =>
        {
            var key = ReadAuthKey(parse.GetValue(authKeyFile));
            if (key is null)
            {
                return 2;
            }
            var seedList = parse.GetValue(seeds) ?? [];
            byte[]? clusterKey = null;
            if (seedList.Length > 0 && (clusterKey = ReadKey(parse.GetValue(clusterKeyFile), ClusterKeyVariable, "--cluster-key-file", "the cluster key")) is null)
            {
                return 2;
            }
            ManagerOptions options;
            try
            {
                options = new ManagerOptions
                {
                    Hostname = parse.GetValue(hostname)!,
                    Port = parse.GetValue(port),
                    AuthKey = key,
                    Seeds = seedList,
                    ClusterPort = parse.GetValue(clusterPort),
                    ClusterKey = clusterKey,
                    Config = parse.GetValue(config) is { } file ? await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false) : null,
                };
                if (parse.GetValue(durable) is { Length: > 0 } store)
                {
                    options = options with { DurableStore = store, DefaultDurability = Durability.Durable };
                }
                // Each assembly's types may be stored, and its [ManagedType] classes are served.
                foreach (var assembly in (parse.GetValue(assemblies) ?? []).Select(f => Assembly.LoadFrom(f.FullName)))
                {
                    options = options.RegisterFromAssembly(assembly);
                }
            }
            catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException or InvalidOperationException or ReflectionTypeLoadException)
            {
                await Console.Error.WriteLineAsync($"Cannot start the host: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddSingleton(options);
            builder.Services.AddHostedService<ManagerService>();
            using var host = builder.Build();
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return Environment.ExitCode;
        });

        var address = new Option<string>("--address") { Description = "The host's address (host:port or akka.mauth.tcp://managed-actors@host:port).", Required = true };
        var status = new Command("status", "Print a running host's objects and connected clients.") { address, authKeyFile };
        status.SetAction(async (parse, cancellationToken) =>
        {
            var key = ReadAuthKey(parse.GetValue(authKeyFile));
            if (key is null)
            {
                return 2;
            }
            try
            {
                await using var client = await Manager.ConnectAsync(parse.GetValue(address)!, key, cancellationToken: cancellationToken).ConfigureAwait(false);
                Print(await client.StatusAsync(cancellationToken).ConfigureAwait(false));
                return 0;
            }
            catch (Exception e) when (e is ManagedActorsException or ArgumentException or TimeoutException)
            {
                await Console.Error.WriteLineAsync($"{e.GetType().Name}: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });

        var journal = JournalCommands.Create();

        var root = new RootCommand("ManagedActors host: shared objects for other processes, as Python's multiprocessing managers.") { serve, status, journal, KeygenCommand.Create() };
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void Print(HostStatus status)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]host[/] {status.Address} (incarnation {status.Incarnation})");
        var objects = new Table().AddColumns("object", "kind", "size", "waiters", "durability", "restarts", "host");
        foreach (var o in status.Objects)
        {
            objects.AddRow(Markup.Escape(o.Name ?? o.Id + " (anonymous)"), o.Kind, Number(o.Size), Number(o.Waiters), o.Durability.ToString(), Number(o.Restarts),
                Markup.Escape(o.Host ?? ""));
        }
        AnsiConsole.MarkupLineInterpolated($"[bold]objects[/]: {status.Objects.Count}");
        AnsiConsole.Write(objects);
        var clients = new Table().AddColumns("client", "sessions");
        foreach (var c in status.Clients)
        {
            clients.AddRow(Markup.Escape(c.Address), c.Sessions.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        AnsiConsole.MarkupLineInterpolated($"[bold]clients[/]: {status.Clients.Count}");
        AnsiConsole.Write(clients);
        if (status.Members is { Count: > 0 } members)
        {
            var table = new Table().AddColumns("member", "state", "reachable", "clients connect to");
            foreach (var m in members)
            {
                table.AddRow(Markup.Escape(m.Address + (m.IsSelf ? " (this host)" : "")), m.State, m.Unreachable ? "no" : "yes", Markup.Escape(m.ClientAddress ?? "-"));
            }
            AnsiConsole.MarkupLineInterpolated($"[bold]cluster members[/]: {members.Count}");
            AnsiConsole.Write(table);
        }
    }

    private static byte[]? ReadAuthKey(FileInfo? file) => ReadKey(file, AuthKeyVariable, "--authkey-file", "the authkey");

    private static byte[]? ReadKey(FileInfo? file, string variableName, string option, string what)
    {
        if (file is not null)
        {
            if (!file.Exists)
            {
                Console.Error.WriteLine($"The file of {what}, {file.FullName}, does not exist.");
                return null;
            }
            var bytes = File.ReadAllBytes(file.FullName);
            if ((TryHex(System.Text.Encoding.ASCII.GetString(bytes).Trim()) ?? (bytes.Length >= 16 ? bytes : null)) is { } fromFile)
            {
                return fromFile;
            }
            Console.Error.WriteLine($"The file of {what}, {file.FullName}, holds no key: it needs 32 hex digits or more (16 bytes); make one with 'managed-actors keygen FILE'.");
            return null;
        }
        var variable = Environment.GetEnvironmentVariable(variableName);
        if (string.IsNullOrWhiteSpace(variable))
        {
            Console.Error.WriteLine($"Give {what} with {option} or ${variableName} (hex, at least 16 bytes); 'managed-actors keygen' makes one.");
            return null;
        }
        if (TryHex(variable.Trim()) is { } key)
        {
            return key;
        }
        Console.Error.WriteLine($"${variableName} is not a key: it needs an even number of hex digits, 32 or more (16 bytes); 'managed-actors keygen' makes one.");
        return null;
    }

    private static byte[]? TryHex(string text)
    {
        try
        {
            return text.Length >= 32 && text.Length % 2 == 0 ? Convert.FromHexString(text) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>Runs the manager for the generic host's lifetime: started with the host, disposed (clients told) when it stops.</summary>
internal sealed class ManagerService(ManagerOptions options, IHostApplicationLifetime lifetime) : IHostedService
{
    private Manager? _manager;
    private bool _stopping;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _manager = await Manager.StartAsync(options, cancellationToken).ConfigureAwait(false);
        // The cluster line comes first: "listening at" is the line that says the host is ready.
        if (_manager.ClusterAddress is { } member)
        {
            Console.WriteLine($"ManagedActors host is a cluster member at {member}");
        }
        Console.WriteLine($"ManagedActors host listening at {_manager.Address}");
        // A manager that stops on its own (its cluster member was downed) ends the process, with code 1, for its supervisor.
        _ = _manager.Stopped.ContinueWith(_ =>
        {
            // A stop asked for (SIGTERM) may end the member before StopAsync runs: that is the normal stop, code 0.
            if (!Volatile.Read(ref _stopping) && !lifetime.ApplicationStopping.IsCancellationRequested)
            {
                Console.WriteLine("ManagedActors host stopped: its cluster member stopped");
                Environment.ExitCode = 1;
                lifetime.StopApplication();
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _stopping, true);
        if (_manager is not null)
        {
            Console.WriteLine("ManagedActors host shutting down");
            await _manager.DisposeAsync().ConfigureAwait(false);
            Console.WriteLine("ManagedActors host stopped");
        }
    }
}
