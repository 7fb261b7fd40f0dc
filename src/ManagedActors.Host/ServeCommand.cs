using System.CommandLine;
using System.Data.Common;
using System.Reflection;
using System.Text.Json;
using ManagedActors.Host.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ManagedActors.Host;

/// <summary>
/// <c>serve</c>: runs a manager host until Ctrl+C or SIGTERM (Python's
/// <c>BaseManager(address, authkey).get_server().serve_forever()</c>). It prints where clients reach it, its data port
/// and its cluster port, and with <c>--ready-file</c> writes them as JSON once it serves. A host that cannot start says
/// why in one line and exits 2; a normal stop exits 0; a host whose cluster member was downed exits 1.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var authKeyFile = new Option<FileInfo?>("--authkey-file") { Description = $"File holding the authkey as hex (or raw bytes); else ${Keys.AuthKeyVariable} (hex)." };
        var port = new Option<int>("--port") { Description = "Port clients connect to (0 picks a free one).", DefaultValueFactory = _ => 0 };
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
        var clusterKeyFile = new Option<FileInfo?>("--cluster-key-file") { Description = $"File holding the key hosts prove to each other (hex or raw bytes; not the authkey); else ${Keys.ClusterKeyVariable}." };
        var readyFile = new Option<FileInfo?>("--ready-file") { Description = "Once the host serves, write its address, data port and cluster port to this file as JSON." };
        var dashboard = new Option<string?>("--dashboard")
        {
            Description = $"Serve a live web dashboard on ADDRESS:PORT (alone: {DashboardSettings.DefaultAddress}, loopback on a free port); its address with its token is printed once.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var dashboardCertificate = new Option<FileInfo?>("--dashboard-certificate")
        {
            Description = $"Serve the dashboard over HTTPS with this PKCS#12 file (its password in ${DashboardSettings.CertificatePasswordVariable}).",
        };
        var dashboardUnsafe = new Option<bool>("--dashboard-unsafe-no-tls") { Description = "Let the dashboard listen beyond loopback without TLS: its token and data travel in the clear." };
        var serve = new Command("serve", "Run a manager host until Ctrl+C or SIGTERM.")
        {
            port, hostname, authKeyFile, assemblies, config, durable, seeds, clusterPort, clusterKeyFile, readyFile, dashboard, dashboardCertificate, dashboardUnsafe,
        };
        serve.SetAction(async (parse, cancellationToken) =>
        {
            var key = Keys.ReadAuthKey(parse.GetValue(authKeyFile));
            if (key is null)
            {
                return 2;
            }
            DashboardSettings? web = null;
            if (parse.GetResult(dashboard) is not null)
            {
                var (settings, error) = DashboardSettings.Parse(
                    parse.GetValue(dashboard) ?? DashboardSettings.DefaultAddress, parse.GetValue(dashboardCertificate), parse.GetValue(dashboardUnsafe), key);
                if (error is not null)
                {
                    await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
                    return 2;
                }
                web = settings;
            }
            var seedList = parse.GetValue(seeds) ?? [];
            var clusterKey = Keys.ReadClusterKey(parse.GetValue(clusterKeyFile), required: seedList.Length > 0, out var noClusterKey);
            if (noClusterKey)
            {
                return 2;
            }
            ManagerOptions options;
            try
            {
                options = await OptionsAsync(parse.GetValue(hostname)!, parse.GetValue(port), key, seedList, parse.GetValue(clusterPort), clusterKey,
                    parse.GetValue(config), parse.GetValue(durable), parse.GetValue(assemblies) ?? [], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or ReflectionTypeLoadException or FormatException)
            {
                await Console.Error.WriteLineAsync($"Cannot start the host: {FirstLine(e.Message)}").ConfigureAwait(false);
                return 2;
            }
            Manager manager;
            try
            {
                manager = await Manager.StartAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (StartError(e, parse.GetValue(durable)) is { } reason)
            {
                await Console.Error.WriteLineAsync($"Cannot start the host: {reason}").ConfigureAwait(false);
                return 2;
            }
            await using (manager.ConfigureAwait(false))
            {
                if (web is null)
                {
                    await ReadyAsync(parse.GetValue(readyFile), manager, null, null, cancellationToken).ConfigureAwait(false);
                    return await RunAsync(manager).ConfigureAwait(false);
                }
                var app = DashboardServer.Build(web, manager, builder => Configure(builder, manager));
                await using (app.ConfigureAwait(false))
                {
                    try
                    {
                        await app.StartAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (IOException e)
                    {
                        await Console.Error.WriteLineAsync($"Cannot start the host: the dashboard cannot listen on {web.EndPoint}: {FirstLine(e.Message)}").ConfigureAwait(false);
                        return 2;
                    }
                    await ReadyAsync(parse.GetValue(readyFile), manager, DashboardServer.Address(app, web), web.Token, cancellationToken).ConfigureAwait(false);
                    await app.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
                    return app.Services.GetRequiredService<HostLifetime>().ExitCode;
                }
            }
        });
        return serve;
    }

    /// <summary>
    /// The host's options from the command line; the assemblies' types may be stored, and their [ManagedType] classes are
    /// served. A file that cannot be read or loaded, or HOCON that does not parse, throws with a message naming it.
    /// </summary>
    private static async Task<ManagerOptions> OptionsAsync(
        string hostname, int port, byte[] key, string[] seeds, int clusterPort, byte[]? clusterKey, FileInfo? config, string? durable, FileInfo[] assemblies,
        CancellationToken cancellationToken)
    {
        string? hocon = null;
        if (config is not null)
        {
            hocon = await File.ReadAllTextAsync(config.FullName, cancellationToken).ConfigureAwait(false);
            try
            {
                Akka.Configuration.ConfigurationFactory.ParseString(hocon);
            }
            catch (Exception e) when (e is FormatException or Akka.Configuration.ConfigurationException)
            {
                throw new FormatException($"--config {config.FullName} is not HOCON: {FirstLine(e.Message)}", e);
            }
        }
        var options = new ManagerOptions
        {
            Hostname = hostname,
            Port = port,
            AuthKey = key,
            Seeds = seeds,
            ClusterPort = clusterPort,
            ClusterKey = clusterKey,
            Config = hocon,
        };
        if (durable is { Length: > 0 } store)
        {
            options = options with { DurableStore = store, DefaultDurability = Durability.Durable };
        }
        foreach (var file in assemblies)
        {
            try
            {
                options = options.RegisterFromAssembly(Assembly.LoadFrom(file.FullName));
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or ReflectionTypeLoadException)
            {
                throw new BadImageFormatException($"--assembly {file.FullName} cannot be loaded: {FirstLine(e.Message)}", e);
            }
        }
        return options;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    /// <summary>What a host that could not start says, in one line; null for an exception that is a fault of the host itself.</summary>
    private static string? StartError(Exception e, string? durable) => e switch
    {
        PortInUseException or DurableStoreInUseException or HostUnavailableException => e.Message,
        ArgumentException { ParamName: "clusterKey" } => $"{e.Message.Replace(" (Parameter 'clusterKey')", "", StringComparison.Ordinal)} Make one with 'managed-actors keygen FILE'.",
        ArgumentException a => a.ParamName is null ? a.Message : a.Message.Replace($" (Parameter '{a.ParamName}')", "", StringComparison.Ordinal),
        DbException or UnauthorizedAccessException or IOException => $"the durable store {durable} cannot be opened: {FirstLine(e.Message)}",
        Akka.Configuration.ConfigurationException or FormatException => $"a setting is not valid: {FirstLine(e.Message)}",
        _ => null,
    };

    /// <summary>Where the host serves. "listening at" comes last: it is the line that says the host is ready.</summary>
    /// <summary>The host serves: its ready file is written, then its addresses printed (the dashboard's with its token, once).</summary>
    private static async Task ReadyAsync(FileInfo? readyFile, Manager manager, Uri? dashboard, string? token, CancellationToken cancellationToken)
    {
        if (readyFile is not null)
        {
            await WriteReadyFileAsync(readyFile, manager, dashboard, cancellationToken).ConfigureAwait(false);
        }
        if (dashboard is not null)
        {
            Console.WriteLine($"ManagedActors dashboard at {dashboard}?token={token} (the token comes from the authkey: share it as you would the key)");
        }
        Announce(manager);
    }

    private static void Announce(Manager manager)
    {
        if (manager.ClusterAddress is { } member)
        {
            Console.WriteLine($"ManagedActors host is a cluster member at {member} (cluster port {PortOf(member)})");
        }
        if (manager.DataPort is { } dataPort)
        {
            Console.WriteLine($"ManagedActors host data port {dataPort} (clients send their calls there: open it beside the port for clients)");
        }
        Console.WriteLine($"ManagedActors host listening at {manager.Address}");
    }

    private static int PortOf(string address) => new Uri(address).Port;

    /// <summary>Writes the ready file whole (a reader never sees half of it): the host's address and ports, and the process id.</summary>
    private static async Task WriteReadyFileAsync(FileInfo file, Manager manager, Uri? dashboard, CancellationToken cancellationToken)
    {
        var ready = new ReadyFile(manager.Address, PortOf(manager.Address), manager.DataPort, manager.ClusterAddress,
            manager.ClusterAddress is { } member ? PortOf(member) : null, Environment.ProcessId, dashboard?.ToString());
        var temporary = file.FullName + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(ready, CliJson.Options), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, file.FullName, overwrite: true);
    }

    /// <summary>
    /// Serves until SIGTERM or Ctrl+C (0), or until the host stops on its own because its cluster member was downed (1).
    /// The generic host's own lines go to standard error, as Akka's do.
    /// </summary>
    /// <summary>What the serve command's host, with or without the dashboard, runs: its log to standard error (warnings up), its lifetime.</summary>
    private static void Configure(IHostApplicationBuilder builder, Manager manager)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(manager);
        builder.Services.AddSingleton<HostLifetime>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HostLifetime>());
    }

    private static async Task<int> RunAsync(Manager manager)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        Configure(builder, manager);
        using var host = builder.Build();
        var hostLifetime = host.Services.GetRequiredService<HostLifetime>();
        await host.RunAsync().ConfigureAwait(false);
        return hostLifetime.ExitCode;
    }
}

/// <summary>What <c>serve --ready-file</c> writes, and what a supervisor or a script reads to reach the host.</summary>
/// <param name="Address">The address clients connect to.</param>
/// <param name="Port">The port clients connect to.</param>
/// <param name="DataPort">The direct lane's data port, or null when the lane is off.</param>
/// <param name="ClusterAddress">The host's cluster member address, or null outside a cluster.</param>
/// <param name="ClusterPort">The cluster port, or null outside a cluster.</param>
/// <param name="Pid">The host's process id.</param>
/// <param name="Dashboard">The dashboard's address without its token, or null without a dashboard.</param>
internal sealed record ReadyFile(string Address, int Port, int? DataPort, string? ClusterAddress, int? ClusterPort, int Pid, string? Dashboard = null);

/// <summary>
/// Ties a running manager to the generic host's lifetime: SIGTERM or Ctrl+C disposes it (clients told, a cluster member
/// leaves, exit 0); a manager that stops on its own (its cluster member was downed) ends the process with exit 1.
/// </summary>
internal sealed class HostLifetime(Manager manager, IHostApplicationLifetime lifetime) : IHostedService
{
    private int _stopping;

    /// <summary>0 after a stop that was asked for, 1 after the manager stopped by itself.</summary>
    public int ExitCode { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = manager.Stopped.ContinueWith(_ =>
        {
            if (Interlocked.Exchange(ref _stopping, 1) == 0)
            {
                Console.WriteLine("ManagedActors host stopped: its cluster member stopped");
                ExitCode = 1;
                lifetime.StopApplication();
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0)
        {
            return;
        }
        Console.WriteLine("ManagedActors host shutting down");
        await manager.DisposeAsync().ConfigureAwait(false);
        Console.WriteLine("ManagedActors host stopped");
    }
}
