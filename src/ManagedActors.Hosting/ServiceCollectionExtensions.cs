using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ManagedActors.Hosting;

/// <summary>
/// ManagedActors in the generic host:
/// <code>
/// builder.Services.AddManagedActorsHost(builder.Configuration);           // ManagedActors:Host
/// builder.Services.AddManagedActorsClient(builder.Configuration);         // ManagedActors:Client
/// builder.Services.AddHealthChecks().AddManagedActorsHost();
/// </code>
/// Then inject <see cref="Manager"/> or <see cref="ManagerClient"/> (or <see cref="ManagerSession"/>, the host's
/// own session when the app runs one) into what runs once the app has started.
/// </summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Runs a host as a hosted service, with its settings bound from <paramref name="configuration"/>'s
    /// <c>ManagedActors:Host</c> section and validated at start; <paramref name="configure"/> adds what configuration
    /// cannot say (registered types, trusted assemblies). Its log and Akka's go through the app's logging.
    /// </summary>
    public static IServiceCollection AddManagedActorsHost(
        this IServiceCollection services, IConfiguration? configuration = null, Func<ManagerOptions, ManagerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ManagedActorsHostOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(ManagedActorsHostOptions.Section));
        }
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ManagedActorsHostOptions>, HostOptionsCheck>());
        services.AddSingleton(sp => new ManagedActorsHostService(
            sp.GetRequiredService<IOptions<ManagedActorsHostOptions>>(), configure ?? (o => o), sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetService<IMeterFactory>()));
        services.AddHostedService(sp => sp.GetRequiredService<ManagedActorsHostService>());
        services.AddSingleton(sp => sp.GetRequiredService<ManagedActorsHostService>().Manager);
        services.TryAddSingleton<ManagerSession>(sp => sp.GetRequiredService<Manager>());
        return services;
    }

    /// <summary>
    /// Connects a client when the app starts, with its settings bound from <paramref name="configuration"/>'s
    /// <c>ManagedActors:Client</c> section and validated at start. Without addresses, it connects to the host this app
    /// runs (<see cref="AddManagedActorsHost(IServiceCollection, IConfiguration?, Func{ManagerOptions, ManagerOptions}?)"/>, registered first).
    /// </summary>
    public static IServiceCollection AddManagedActorsClient(this IServiceCollection services, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var hasHost = services.Any(d => d.ServiceType == typeof(ManagedActorsHostService));
        var options = services.AddOptions<ManagedActorsClientOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(ManagedActorsClientOptions.Section));
        }
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ManagedActorsClientOptions>>(new ClientOptionsCheck(hasHost)));
        services.AddSingleton(sp => new ManagedActorsClientService(
            sp.GetRequiredService<IOptions<ManagedActorsClientOptions>>(), sp.GetService<ManagedActorsHostService>(), sp.GetRequiredService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>()));
        services.AddHostedService(sp => sp.GetRequiredService<ManagedActorsClientService>());
        services.AddSingleton(sp => sp.GetRequiredService<ManagedActorsClientService>().Client);
        services.TryAddSingleton<ManagerSession>(sp => sp.GetRequiredService<ManagerClient>());
        return services;
    }

    /// <summary>
    /// Adds a health check of the app's host (<see cref="Manager.CheckHealthAsync"/>): it admits clients, its durable
    /// store answers a query, its cluster member is up. Unhealthy with what failed; Unhealthy before the host started.
    /// </summary>
    public static IHealthChecksBuilder AddManagedActorsHost(this IHealthChecksBuilder builder, string name = "managed-actors-host", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name, sp => new HostHealthCheck(sp.GetRequiredService<ManagedActorsHostService>()), HealthStatus.Unhealthy, tags));
    }
}

/// <summary>The host's health as a health check: its problems are the description, its checks the data.</summary>
internal sealed class HostHealthCheck(ManagedActorsHostService host) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Manager manager;
        try
        {
            manager = host.Manager;
        }
        catch (InvalidOperationException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
        var health = await manager.CheckHealthAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var data = new Dictionary<string, object>
        {
            ["acceptsConnections"] = health.AcceptsConnections,
            ["durableStoreAnswers"] = health.DurableStoreAnswers?.ToString() ?? "no store",
            ["memberState"] = health.MemberState ?? "not clustered",
        };
        return health.IsHealthy
            ? HealthCheckResult.Healthy($"serving at {manager.Address}", data)
            : new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", health.Problems), data: data);
    }
}
