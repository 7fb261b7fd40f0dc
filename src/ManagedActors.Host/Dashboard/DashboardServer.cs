using System.Net;
using System.Net.Mime;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedActors.Host.Dashboard;

/// <summary>
/// The dashboard: an ASP.NET Core application on its own address, its pages embedded in the tool, its data pushed by
/// Server-Sent Events. Every request shows the token (once in the URL, which sets a cookie; or as a bearer token);
/// anything else is 401.
/// </summary>
internal static class DashboardServer
{
    private const string Cookie = "managed-actors-dashboard";

    private static readonly (string Path, string Resource, string Type)[] Files =
    [
        ("/", "index.html", MediaTypeNames.Text.Html + "; charset=utf-8"),
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "app.css", "text/css; charset=utf-8"),
    ];

    /// <summary>Builds the application around the host's <paramref name="manager"/>, with the serve command's logging and services added by <paramref name="configure"/>.</summary>
    public static WebApplication Build(DashboardSettings settings, Manager manager, Action<Microsoft.Extensions.Hosting.IHostApplicationBuilder> configure)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // The tool's own settings only: no appsettings.json or ASPNETCORE_* variable of wherever it runs adds endpoints or log levels.
        builder.Configuration.Sources.Clear();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(settings.EndPoint, listen =>
        {
            if (settings.Certificate is { } certificate)
            {
                listen.UseHttps(certificate);
            }
        }));
        configure(builder);
        builder.Services.AddSingleton(sp => new DashboardFeed(
            manager, TimeSpan.FromSeconds(1), sp.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping));
        var app = builder.Build();
        app.Use((context, next) => Admit(context, next, settings));
        foreach (var (path, resource, type) in Files)
        {
            var content = Read(resource);
            app.MapGet(path, () => Results.Text(content, type));
        }
        app.MapGet("/events", (DashboardFeed feed, CancellationToken cancellationToken) => TypedResults.ServerSentEvents(feed.WatchAsync(cancellationToken), "snapshot"));
        return app;
    }

    /// <summary>The URL the dashboard answers on, once started (the port the system picked, for port 0).</summary>
    public static Uri Address(WebApplication app, DashboardSettings settings)
    {
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var host = settings.EndPoint.Address.Equals(IPAddress.Any) || settings.EndPoint.Address.Equals(IPAddress.IPv6Any)
            ? Dns.GetHostName()
            : settings.EndPoint.Address.ToString();
        return new UriBuilder(settings.Tls ? "https" : "http", host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host, bound.Port).Uri;
    }

    private static async Task Admit(HttpContext context, RequestDelegate next, DashboardSettings settings)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
        if (context.Request.Query.TryGetValue("token", out var given))
        {
            if (!Matches(given.ToString(), settings.Token))
            {
                await Refuse(context).ConfigureAwait(false);
                return;
            }
            // The token leaves the address bar at once: the cookie carries it from here on.
            context.Response.Cookies.Append(Cookie, settings.Token, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = settings.Tls, Path = "/", IsEssential = true,
            });
            context.Response.Redirect(context.Request.PathBase + context.Request.Path);
            return;
        }
        var bearer = context.Request.Headers.Authorization.ToString();
        var shown = context.Request.Cookies.TryGetValue(Cookie, out var cookie) ? cookie
            : bearer.StartsWith("Bearer ", StringComparison.Ordinal) ? bearer["Bearer ".Length..] : null;
        if (shown is null || !Matches(shown, settings.Token))
        {
            await Refuse(context).ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }

    private static Task Refuse(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("401 Unauthorized: open the dashboard with the address 'managed-actors serve' printed, which carries its token.\n");
    }

    private static bool Matches(string shown, string token) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(shown), Encoding.UTF8.GetBytes(token));

    private static string Read(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ManagedActors.Host.Dashboard." + resource)
            ?? throw new InvalidOperationException($"The dashboard's {resource} is not embedded in the tool.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
