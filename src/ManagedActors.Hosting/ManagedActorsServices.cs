using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ManagedActors.Hosting;

/// <summary>
/// Runs a manager host for the app's lifetime: started with the app (its options validated first), disposed when the
/// app stops (clients told, a cluster member leaves) within the app's shutdown timeout. A host whose cluster member
/// was downed stops the app, as the standalone host exits, so that its supervisor starts it again.
/// </summary>
public sealed class ManagedActorsHostService : IHostedService, IAsyncDisposable
{
    private readonly ManagedActorsHostOptions _settings;
    private readonly Func<ManagerOptions, ManagerOptions> _configure;
    private readonly ILoggerFactory _logging;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _log;
    private readonly IMeterFactory? _meters;
    private Manager? _manager;
    private int _stopping;

    internal ManagedActorsHostService(
        IOptions<ManagedActorsHostOptions> settings, Func<ManagerOptions, ManagerOptions> configure, ILoggerFactory logging, IHostApplicationLifetime lifetime,
        IMeterFactory? meters)
    {
        _meters = meters;
        _settings = settings.Value;
        _configure = configure;
        _logging = logging;
        _lifetime = lifetime;
        _log = logging.CreateLogger<ManagedActorsHostService>();
    }

    /// <summary>The running host's manager (its own session).</summary>
    /// <exception cref="InvalidOperationException">The host has not started yet: resolve it once the app runs.</exception>
    public Manager Manager => _manager ?? throw new InvalidOperationException(
        "The ManagedActors host has not started yet: use the Manager once the app runs (in a hosted service's ExecuteAsync or a request), not in a constructor that runs at start-up.");

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _manager = await Manager.StartAsync(_configure(ManagerOptionsOf(_settings, _logging) with { MeterFactory = _meters }), cancellationToken).ConfigureAwait(false);
        Log.Started(_log, _manager.Address, _manager.DataPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "off",
            _manager.ClusterAddress ?? "none (not clustered)", null);
        _ = _manager.Stopped.ContinueWith(_ =>
        {
            if (Interlocked.Exchange(ref _stopping, 1) == 0)
            {
                Log.StoppedByCluster(_log, null);
                _lifetime.StopApplication();
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _stopping, 1);
        if (_manager is { } manager)
        {
            await manager.DisposeAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_manager is { } manager)
        {
            await manager.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The library's options for <paramref name="settings"/>, logging to <paramref name="logging"/>.</summary>
    internal static ManagerOptions ManagerOptionsOf(ManagedActorsHostOptions settings, ILoggerFactory logging)
    {
        var options = new ManagerOptions
        {
            Hostname = settings.Hostname,
            Port = settings.Port,
            AuthKey = KeySettings.Read(settings.AuthKey, settings.AuthKeyFile, KeySettings.AuthKeyVariable, "AuthKey", out _),
            Seeds = settings.Seeds,
            ClusterPort = settings.ClusterPort,
            ClusterKey = KeySettings.Read(settings.ClusterKey, settings.ClusterKeyFile, KeySettings.ClusterKeyVariable, "ClusterKey", out _),
            CallTimeout = settings.CallTimeout,
            Config = settings.Config,
            LoggerFactory = logging,
        };
        return settings.DurableStore is { Length: > 0 } store ? options with { DurableStore = store, DefaultDurability = Durability.Durable } : options;
    }
}

/// <summary>
/// Connects a client when the app starts (to the configured hosts, or to the app's own host) and disposes it when the
/// app stops.
/// </summary>
public sealed class ManagedActorsClientService : IHostedService, IAsyncDisposable
{
    private readonly ManagedActorsClientOptions _settings;
    private readonly ManagedActorsHostService? _host;
    private readonly ILoggerFactory _logging;
    private readonly IMeterFactory? _meters;
    private ManagerClient? _client;

    internal ManagedActorsClientService(
        IOptions<ManagedActorsClientOptions> settings, ManagedActorsHostService? host, ILoggerFactory logging, IMeterFactory? meters)
    {
        _meters = meters;
        _settings = settings.Value;
        _host = host;
        _logging = logging;
    }

    /// <summary>The connected client.</summary>
    /// <exception cref="InvalidOperationException">The client has not connected yet: resolve it once the app runs.</exception>
    public ManagerClient Client => _client ?? throw new InvalidOperationException(
        "The ManagedActors client has not connected yet: use it once the app runs (in a hosted service's ExecuteAsync or a request), not in a constructor that runs at start-up.");

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var key = KeySettings.Read(_settings.AuthKey, _settings.AuthKeyFile, KeySettings.AuthKeyVariable, "AuthKey", out _);
        var addresses = _settings.Addresses;
        if (addresses.Count == 0 && _host is not null)
        {
            addresses = [_host.Manager.Address];
            key ??= _host.Manager.AuthKey;
        }
        var options = new ClientOptions { CallTimeout = _settings.CallTimeout, Config = _settings.Config, LoggerFactory = _logging, MeterFactory = _meters };
        _client = await Manager.ConnectAsync(addresses, key!, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_client is { } client)
        {
            await client.DisposeAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_client is { } client)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>The hosting package's own log lines.</summary>
internal static class Log
{
    public static readonly Action<ILogger, string, string, string, Exception?> Started = LoggerMessage.Define<string, string, string>(
        LogLevel.Information, new EventId(1, "HostStarted"), "ManagedActors host listening at {Address} (data port {DataPort}, cluster member {ClusterAddress})");

    public static readonly Action<ILogger, Exception?> StoppedByCluster = LoggerMessage.Define(
        LogLevel.Warning, new EventId(2, "HostStoppedByCluster"),
        "The ManagedActors host stopped because its cluster member stopped (the other members downed it): the app stops, for its supervisor to start it again.");
}
