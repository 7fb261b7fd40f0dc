using ManagedActors;
using ManagedActors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

// A worker service that runs a ManagedActors host and a client of it, both from configuration (appsettings.json,
// the environment, the command line: --ManagedActors:Host:Port=5000), with health checks. The worker counts
// rounds in a named dict through the client, then stops the app; the host stops with it.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddManagedActorsHost(builder.Configuration);
builder.Services.AddManagedActorsClient(builder.Configuration);   // no addresses: the host this app runs
builder.Services.AddHealthChecks().AddManagedActorsHost();
builder.Services.AddHostedService<Worker>();
using var app = builder.Build();
await app.RunAsync();
Console.WriteLine("app stopped");

// A hosted service is built before the app starts, so it takes the services and reads their Manager and Client once
// it runs; code that runs later (a request, a scoped service) can take Manager, ManagerClient or ManagerSession itself.
internal sealed class Worker(
    ManagedActorsHostService hosting, ManagedActorsClientService connecting, HealthCheckService health, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var host = hosting.Manager;
        var client = connecting.Client;
        Console.WriteLine($"host listening at {host.Address} (data port {host.DataPort})");
        var report = await health.CheckHealthAsync(stoppingToken);
        Console.WriteLine($"health: {report.Status} ({string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Description}"))})");
        var rounds = await client.DictAsync<string, int>("rounds", cancellationToken: stoppingToken);
        for (var i = 0; i < 5; i++)
        {
            await rounds.IncrementAsync("done", 1, stoppingToken);
        }
        Console.WriteLine($"rounds counted through the client: {await rounds.GetAsync("done", stoppingToken)}");
        var status = await host.StatusAsync(stoppingToken);
        Console.WriteLine($"clients of the host: {status.Clients.Count(c => !c.IsHostProcess)}");
        lifetime.StopApplication();
    }
}
