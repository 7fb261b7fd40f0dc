using Akka.Configuration;
using ManagedActors.Configuration;

namespace ManagedActors.Lane;

/// <summary>How calls travel: the <c>managed-actors.transport</c> setting and the <c>managed-actors.direct</c> section.</summary>
/// <param name="Direct">A client sends its calls over the direct lane (<c>transport = direct</c>).</param>
/// <param name="Listen">A host listens on a data port.</param>
/// <param name="Hostname">The address a host binds its data port to: <c>direct.hostname</c>, or remoting's hostname when that is empty.</param>
/// <param name="Port">The data port; 0 for a free one.</param>
/// <param name="PublicPort">The port clients are told to reach the data port on (a forwarded or proxied port); 0 for the bound one.</param>
/// <param name="MaxQueuedBytes">Answers queued for one connection past which a host stops reading its calls.</param>
/// <param name="SealAlways">Frames are sealed on every connection (<c>direct.seal = on</c>), not only on those beyond loopback (<c>auto</c>).</param>
/// <param name="ProofTimeout">How long a connection to a host's data port has for its whole proof.</param>
/// <param name="MaxUnproven">Connections a host's data port lets prove themselves at once.</param>
/// <param name="MaxUnprovenPerAddress">Connections from one source address a host's data port lets prove themselves at once.</param>
/// <param name="MaxOutstandingCalls">Calls in flight on a client's connection past which a caller waits.</param>
/// <param name="HeartbeatInterval">How long a client's lane may hear nothing from its host before it sends a ping.</param>
/// <param name="HeartbeatTimeout">How long a client's lane may hear nothing from its host before it is given up as lost.</param>
/// <param name="ConnectTimeout">How long opening the lane may take before a client falls back to Akka.Remote.</param>
/// <param name="CertificatePath">A host's PKCS#12 certificate; the lane speaks TLS when set.</param>
/// <param name="CertificatePassword">The certificate file's password.</param>
/// <param name="Tls">A client uses TLS even when the host does not say so.</param>
/// <param name="TlsServerName">The name the host's certificate must carry; empty for the host's address.</param>
/// <param name="TlsThumbprint">The SHA-256 hash of the one certificate to accept instead of the trust store.</param>
internal sealed record LaneSettings(
    bool Direct,
    bool Listen,
    string Hostname,
    int Port,
    int PublicPort,
    long MaxQueuedBytes,
    bool SealAlways,
    TimeSpan ProofTimeout,
    int MaxUnproven,
    int MaxUnprovenPerAddress,
    int MaxOutstandingCalls,
    TimeSpan HeartbeatInterval,
    TimeSpan HeartbeatTimeout,
    TimeSpan ConnectTimeout,
    string CertificatePath,
    string CertificatePassword,
    bool Tls,
    string TlsServerName,
    string TlsThumbprint)
{
    /// <summary>Reads the settings from the <c>managed-actors</c> section of <paramref name="config"/>.</summary>
    /// <exception cref="ConfigurationException">The transport is neither <c>direct</c> nor <c>akka-remote</c>, or a setting is missing.</exception>
    public static LaneSettings Create(Config config)
    {
        var root = Section.Of(config, "managed-actors");
        var transport = root.String("transport");
        var direct = transport switch
        {
            "direct" => true,
            "akka-remote" => false,
            _ => throw new ConfigurationException($"managed-actors.transport is '{transport}'; it must be 'direct' or 'akka-remote'."),
        };
        var section = root.Child("direct");
        var tls = section.Child("tls");
        return new LaneSettings(
            direct,
            section.Bool("enabled"),
            section.String("hostname") is { Length: > 0 } hostname ? hostname : config.GetString("akka.remote.dot-netty.tcp.hostname") ?? "",
            section.Int("port"),
            section.Int("public-port"),
            section.Bytes("max-queued-bytes"),
            section.String("seal") switch
            {
                "on" => true,
                "auto" => false,
                var other => throw new ConfigurationException($"managed-actors.direct.seal is '{other}'; it must be 'auto' or 'on'."),
            },
            section.TimeSpan("proof-timeout"),
            section.Positive("max-unproven"),
            section.Positive("max-unproven-per-address"),
            section.Positive("max-outstanding-calls"),
            section.TimeSpan("heartbeat-interval"),
            section.TimeSpan("heartbeat-timeout"),
            section.TimeSpan("connect-timeout"),
            tls.String("certificate-path"),
            tls.String("certificate-password"),
            tls.Bool("enabled"),
            tls.String("server-name"),
            tls.String("thumbprint"));
    }
}
