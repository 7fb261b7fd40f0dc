using Akka.Configuration;

namespace ManagedActors.Configuration;

/// <summary>How calls travel: the <c>managed-actors.transport</c> setting and the <c>managed-actors.direct</c> section.</summary>
internal sealed record LaneSettings(
    bool Direct,
    bool Listen,
    string Hostname,
    int Port,
    long MaxQueuedBytes,
    int MaxOutstandingCalls,
    TimeSpan ConnectTimeout,
    string CertificatePath,
    string CertificatePassword,
    bool Tls,
    string TlsServerName,
    string TlsThumbprint)
{
    public static readonly LaneSettings Default = From(ConfigurationFactory.Empty);

    /// <summary>Reads the settings from the <c>managed-actors</c> section.</summary>
    /// <exception cref="ConfigurationException">The transport is neither <c>direct</c> nor <c>akka-remote</c>.</exception>
    public static LaneSettings From(Config section)
    {
        var transport = section.GetString("transport", "direct");
        var direct = transport switch
        {
            "direct" => true,
            "akka-remote" => false,
            _ => throw new ConfigurationException($"managed-actors.transport is '{transport}'; it must be 'direct' or 'akka-remote'."),
        };
        return new LaneSettings(
            direct,
            section.GetBoolean("direct.enabled", true),
            section.GetString("direct.hostname", ""),
            section.GetInt("direct.port", 0),
            section.GetByteSize("direct.max-queued-bytes", 64L * 1024 * 1024) ?? 64L * 1024 * 1024,
            section.GetInt("direct.max-outstanding-calls", 65_536),
            section.GetTimeSpan("direct.connect-timeout", TimeSpan.FromSeconds(5)),
            section.GetString("direct.tls.certificate-path", ""),
            section.GetString("direct.tls.certificate-password", ""),
            section.GetBoolean("direct.tls.enabled", false),
            section.GetString("direct.tls.server-name", ""),
            section.GetString("direct.tls.thumbprint", ""));
    }
}
