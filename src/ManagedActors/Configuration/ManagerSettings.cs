using Akka.Configuration;

namespace ManagedActors.Configuration;

/// <summary>The <c>managed-actors</c> section of the configuration, read once when a manager or client starts.</summary>
internal sealed record ManagerSettings(
    TimeSpan CallTimeout,
    TimeSpan BlockingCallMargin,
    int MaxMessageSize,
    int MaxCallsPerMessage,
    TimeSpan HandshakeTimeout,
    TimeSpan DeadlineCheckInterval,
    int MaxValueDepth,
    TimeSpan ChallengeLifetime,
    int HandshakeBurst,
    double HandshakesPerSecond)
{
    /// <summary>The call transport and the direct lane's settings.</summary>
    public LaneSettings Lane { get; init; } = LaneSettings.Default;

    /// <summary>The default durability and the durable store.</summary>
    public DurabilitySettings Durability { get; init; } = new(ManagedActors.Durability.None, null, null, null);

    public static ManagerSettings From(Config config)
    {
        var section = config.GetConfig("managed-actors");
        return new ManagerSettings(
            section.GetTimeSpan("call-timeout", TimeSpan.FromSeconds(30)),
            section.GetTimeSpan("blocking-call-margin", TimeSpan.FromSeconds(5)),
            section.GetInt("max-message-size", 4_000_000),
            section.GetInt("max-calls-per-message", 512),
            section.GetTimeSpan("handshake-timeout", TimeSpan.FromSeconds(10)),
            section.GetTimeSpan("deadline-check-interval", TimeSpan.FromMilliseconds(50)),
            section.GetInt("max-value-depth", 64),
            section.GetTimeSpan("handshake.challenge-lifetime", TimeSpan.FromSeconds(30)),
            section.GetInt("handshake.burst", 32),
            section.GetDouble("handshake.per-second", 16))
        {
            Lane = LaneSettings.From(section),
            Durability = DurabilitySettings.From(config),
        };
    }
}

/// <summary>Loads the embedded reference.conf.</summary>
internal static class ManagedActorsConfig
{
    private static readonly Lazy<Config> Reference = new(() =>
    {
        using var stream = typeof(ManagedActorsConfig).Assembly.GetManifestResourceStream("ManagedActors.reference.conf")
            ?? throw new InvalidOperationException("ManagedActors reference.conf is not embedded.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    public static Config Default => Reference.Value;

    /// <summary>Layers, most specific first: settings given in code, the user's HOCON, the role's defaults, the library's.</summary>
    public static Config Build(string explicitHocon, string? userHocon, string roleDefaults)
    {
        var config = ConfigurationFactory.ParseString(roleDefaults).WithFallback(Default);
        if (!string.IsNullOrWhiteSpace(userHocon))
        {
            config = ConfigurationFactory.ParseString(userHocon).WithFallback(config);
        }
        return string.IsNullOrWhiteSpace(explicitHocon) ? config : ConfigurationFactory.ParseString(explicitHocon).WithFallback(config);
    }
}

/// <summary>Starts the library's ActorSystems.</summary>
internal static class ActorSystems
{
    /// <summary>
    /// Creates an ActorSystem whose connections prove <paramref name="key"/> (<see cref="Security.AssociationGuard"/>)
    /// and whose log leaves out the routine noise of a peer going away: clients come and go,
    /// and a host that really went away surfaces as <see cref="HostUnavailableException"/> at the caller.
    /// </summary>
    public static Akka.Actor.ActorSystem Create(string name, Config config, Security.TransportKey key, bool member = false)
    {
        var filters = new Akka.Event.LogFilterBuilder()
            // Matched against the whole formatted log line, cause included.
            .ExcludeMessageRegex(new System.Text.RegularExpressions.Regex(
                "EndpointDisassociatedException|address is now gated for|Association with remote system .* has failed|Shutdown finished, but flushing might not have been successful|Unable to REMOVE channel",
                System.Text.RegularExpressions.RegexOptions.Compiled))
            .Build();
        // Only the protocol crosses the wire: the serializers a remote peer could use to build arbitrary types are
        // replaced (a cluster member's peers proved the cluster key and speak Akka's cluster protocols besides).
        var setup = Akka.Actor.BootstrapSetup.Create().WithConfig(config).And(filters)
            .And(member ? Security.WireFirewall.MemberSetup : Security.WireFirewall.Setup).And(key);
        return Akka.Actor.ActorSystem.Create(name, setup);
    }
}
