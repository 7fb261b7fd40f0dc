using Akka.Configuration;

namespace ManagedActors.Configuration;

/// <summary>
/// The <c>managed-actors</c> section's own settings, which every host and client reads once when it starts. The
/// sections inside it have records of their own, beside the features they configure (<c>Lane.LaneSettings</c>,
/// <c>Journaling.DurabilitySettings</c>, <c>Clustering.ClusterSettings</c>, <c>Security.HandshakeSettings</c>).
/// </summary>
/// <param name="CallTimeout">Timeout of a call when none is given per proxy.</param>
/// <param name="BlockingCallMargin">What a blocking call waits on the client beyond its own timeout.</param>
/// <param name="MaxMessageSize">Largest encoded call or reply.</param>
/// <param name="MaxCallsPerMessage">Most calls one message carries.</param>
/// <param name="HandshakeTimeout">How long a client keeps trying the handshake.</param>
/// <param name="ContactsRefresh">How often a client of a cluster asks for the hosts that are up; zero for never.</param>
/// <param name="DeadlineCheckInterval">How often pending calls are checked against their deadlines.</param>
/// <param name="MaxValueDepth">Deepest nesting of a value.</param>
/// <param name="MaxDecodedSize">The most memory a value read, or one call's arguments, may take.</param>
internal sealed record ManagerSettings(
    TimeSpan CallTimeout,
    TimeSpan BlockingCallMargin,
    int MaxMessageSize,
    int MaxCallsPerMessage,
    TimeSpan HandshakeTimeout,
    TimeSpan ContactsRefresh,
    TimeSpan DeadlineCheckInterval,
    int MaxValueDepth,
    long MaxDecodedSize)
{
    /// <summary>Reads the <c>managed-actors</c> section of <paramref name="config"/>.</summary>
    /// <exception cref="ConfigurationException">A setting is missing or malformed.</exception>
    public static ManagerSettings Create(Config config)
    {
        var section = Section.Of(config, "managed-actors");
        return new ManagerSettings(
            section.TimeSpan("call-timeout"),
            section.TimeSpan("blocking-call-margin"),
            section.Positive("max-message-size"),
            section.Positive("max-calls-per-message"),
            section.TimeSpan("handshake-timeout"),
            section.TimeSpan("contacts-refresh"),
            section.TimeSpan("deadline-check-interval"),
            section.Positive("max-value-depth"),
            section.Bytes("max-decoded-size"));
    }

    /// <summary>The layer that sets what the options give in code, over the user's HOCON; null values are left as they are.</summary>
    public static Config Overrides(TimeSpan? callTimeout, TimeSpan? handshakeTimeout = null) => Hocon.Values(
        ("managed-actors.call-timeout", callTimeout),
        ("managed-actors.handshake-timeout", handshakeTimeout));
}
