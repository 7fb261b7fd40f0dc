using System.Collections.Concurrent;
using Akka.Hosting;
using ManagedActors.Hosting;
using ManagedActors.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace ManagedActors.Tests.Hosting;

/// <summary>
/// ManagedActors.Hosting: a host and a client in the generic host, bound from configuration and validated at start,
/// logging through the app's logging, with a health check; and a host inside an Akka.Hosting ActorSystem.
/// </summary>
public sealed class GenericHostSpec : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    private static IHost Build(Dictionary<string, string?> settings, Action<IServiceCollection, IConfiguration> add, LogSink? sink = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        if (sink is not null)
        {
            builder.Logging.AddProvider(sink);
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
        }
        add(builder.Services, builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task A_host_and_a_client_from_configuration_share_objects_log_through_the_app_and_stop_with_it()
    {
        var key = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var sink = new LogSink();
        using var app = Build(new()
        {
            ["ManagedActors:Host:AuthKey"] = key,
            ["ManagedActors:Host:DurableStore"] = _store.PathOf("objects.db"),
            ["ManagedActors:Host:Config"] = "akka.loglevel = INFO",
            ["ManagedActors:Client:CallTimeout"] = "00:00:20",
        }, (services, configuration) =>
        {
            services.AddManagedActorsHost(configuration);
            services.AddManagedActorsClient(configuration);
            services.AddHealthChecks().AddManagedActorsHost();
        }, sink);
        await app.StartAsync().WaitAsync(Limit);

        var host = app.Services.GetRequiredService<Manager>();
        var client = app.Services.GetRequiredService<ManagerClient>();
        Assert.Same(host, app.Services.GetRequiredService<ManagerSession>());
        Assert.Equal(Convert.FromHexString(key), host.AuthKey);
        var counts = await client.DictAsync<string, int>("counts");
        await counts.IncrementAsync("a", 2);
        Assert.Equal(2, await (await host.DictAsync<string, int>("counts")).GetAsync("a"));
        Assert.Equal(Durability.Durable, (await host.StatusAsync()).Objects.Single(o => o.Name == "counts").Durability);

        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(true, report.Entries["managed-actors-host"].Data["acceptsConnections"]);
        Assert.Equal("True", report.Entries["managed-actors-host"].Data["durableStoreAnswers"]);

        // Akka's lines and the library's come through the app's logging, each under the class that logged it.
        await Bounded.EventuallyAsync(() => Task.FromResult(sink.Categories.Keys.Any(c => c.StartsWith("Akka.", StringComparison.Ordinal))), "Akka's log through ILogger");
        Assert.Contains(sink.Categories.Keys, c => c.StartsWith("ManagedActors.", StringComparison.Ordinal));

        await app.StopAsync().WaitAsync(Limit);
        await Assert.ThrowsAsync<ManagerShutDownException>(() => counts.GetAsync("a")).Within();
    }

    [Fact]
    public async Task Settings_that_cannot_work_fail_the_start_naming_the_setting()
    {
        using (var app = Build(new() { ["ManagedActors:Host:AuthKey"] = "not-hex" }, (s, c) => s.AddManagedActorsHost(c)))
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
            Assert.Contains("ManagedActors:Host:AuthKey is not a key", error.Message);
        }
        var seeds = new Dictionary<string, string?> { ["ManagedActors:Host:Seeds:0"] = "127.0.0.1:1", ["ManagedActors:Host:Port"] = "70000" };
        using (var app = Build(seeds, (s, c) => s.AddManagedActorsHost(c)))
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
            Assert.Contains("ManagedActors:Host:ClusterKey: a host with ManagedActors:Host:Seeds needs a cluster key", error.Message);
            Assert.Contains("ManagedActors:Host:Port: 70000 is not a port", error.Message);
        }
        using (var app = Build([], (s, c) => s.AddManagedActorsClient(c)))
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
            Assert.Contains("ManagedActors:Client:Addresses: no host to connect to", error.Message);
        }
    }

    [Fact]
    public async Task The_health_check_is_unhealthy_once_the_host_no_longer_serves()
    {
        using var app = Build([], (s, _) =>
        {
            s.AddManagedActorsHost();
            s.AddHealthChecks().AddManagedActorsHost();
        });
        var health = app.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync()).Status);
        await app.StartAsync().WaitAsync(Limit);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
        await app.Services.GetRequiredService<Manager>().DisposeAsync();
        var report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("does not answer", report.Entries["managed-actors-host"].Description);
        await app.StopAsync().WaitAsync(Limit);
    }

    [Fact]
    public async Task A_clustered_host_is_healthy_once_its_member_is_up_and_its_shared_store_answers()
    {
        var seed = HostProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var settings = new Dictionary<string, string?>
        {
            ["ManagedActors:Host:Seeds:0"] = $"127.0.0.1:{seed}",
            ["ManagedActors:Host:ClusterPort"] = seed,
            ["ManagedActors:Host:ClusterKey"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["ManagedActors:Host:DurableStore"] = _store.PathOf("cluster.db"),
        };
        using var app = Build(settings, (s, c) =>
        {
            s.AddManagedActorsHost(c);
            s.AddHealthChecks().AddManagedActorsHost();
        });
        await app.StartAsync().WaitAsync(Limit);
        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal("Up", report.Entries["managed-actors-host"].Data["memberState"]);
        Assert.Equal("True", report.Entries["managed-actors-host"].Data["durableStoreAnswers"]);
        Assert.NotNull(app.Services.GetRequiredService<Manager>().ClusterAddress);
        await app.StopAsync().WaitAsync(Limit);
    }

    [Fact]
    public async Task A_host_in_an_Akka_Hosting_system_serves_clients_beside_the_app_s_actors_and_stops_with_the_app()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var started = new TaskCompletionSource<Manager>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var app = Build([], (s, _) => s.AddAkka("simulation", builder => builder
            .AddHocon("akka.remote.dot-netty.tcp.hostname = 127.0.0.1\nakka.remote.dot-netty.tcp.port = 0", HoconAddMode.Prepend)
            .WithManagedActorsHost(key, o => o with { TrustedAssemblies = [typeof(GenericHostSpec).Assembly] }, started.SetResult)));
        await app.StartAsync().WaitAsync(Limit);
        var manager = await started.Task.WaitAsync(Limit);
        Assert.StartsWith("akka.mauth.tcp://simulation@127.0.0.1:", manager.Address);

        await using (var client = await Manager.ConnectAsync(manager.Address, key))
        {
            await (await client.ListAsync<string>("log")).AppendAsync("from a client");
            Assert.Equal(["from a client"], await (await manager.ListAsync<string>("log")).SnapshotAsync());
        }
        await app.StopAsync().WaitAsync(Limit);
        await Assert.ThrowsAsync<ManagerShutDownException>(() => manager.ListAsync<string>("log")).Within();
    }

    /// <summary>Collects the categories the app's logging was given events under.</summary>
    private sealed class LogSink : ILoggerProvider
    {
        public ConcurrentDictionary<string, int> Categories { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LogSink sink, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Categories.AddOrUpdate(category, 1, (_, n) => n + 1);
        }
    }
}
