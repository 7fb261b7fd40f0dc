using Akka.Configuration;

namespace ManagedActors.Configuration;

/// <summary>
/// The library's configuration: the embedded reference.conf, which holds every default, and the layers a system is built
/// from. Each kind of ActorSystem the library starts (a host, a client, a cluster member) takes its Akka settings from
/// its own section, <c>managed-actors.roles.{role}</c>, so no HOCON is written in code.
/// </summary>
internal static class ManagedActorsConfig
{
    /// <summary>The section that holds a role's Akka settings, under <c>managed-actors.roles</c>.</summary>
    public const string Host = "host", Client = "client", Member = "member";

    /// <summary>The dispatcher object actors run on, configured in reference.conf (a lane's reader serves an idle object itself).</summary>
    public const string ObjectDispatcher = "managed-actors.object-dispatcher";

    private static readonly Lazy<Config> Reference = new(() =>
    {
        using var stream = typeof(ManagedActorsConfig).Assembly.GetManifestResourceStream("ManagedActors.reference.conf")
            ?? throw new InvalidOperationException("ManagedActors reference.conf is not embedded.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    public static Config Default => Reference.Value;

    /// <summary>A role's Akka settings (<c>managed-actors.roles.host</c>, say), ahead of the library's defaults.</summary>
    public static Config Role(string role) => Default.GetConfig("managed-actors.roles." + role).WithFallback(Default);

    /// <summary>Layers, most specific first: settings given in code, the user's configuration, the role's defaults, the library's.</summary>
    public static Config Build(Config? given, Config? user, string role) => Layers(given, user, Role(role));

    /// <summary>The layers as one configuration, the first winning; missing and empty layers are left out.</summary>
    public static Config Layers(params Config?[] layers)
    {
        Config? config = null;
        foreach (var layer in layers)
        {
            if (layer is { IsEmpty: false })
            {
                config = config is null ? layer : config.WithFallback(layer);
            }
        }
        return config ?? Config.Empty;
    }

    /// <summary>The user's HOCON text as a configuration layer; null for none.</summary>
    public static Config? Parse(string? hocon) => string.IsNullOrWhiteSpace(hocon) ? null : ConfigurationFactory.ParseString(hocon);
}
