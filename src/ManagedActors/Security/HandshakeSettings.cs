using Akka.Configuration;
using ManagedActors.Configuration;

namespace ManagedActors.Security;

/// <summary>The <c>managed-actors.handshake</c> section: how long a proof may take, and how many handshakes an address may start.</summary>
/// <param name="ChallengeLifetime">How long a client has to answer the authkey challenge.</param>
/// <param name="Burst">Handshakes one remote address may start at once.</param>
/// <param name="PerSecond">Handshakes one remote address may start per second after the burst.</param>
/// <param name="TransportTimeout">How long a new connection has to prove the key to the transport.</param>
internal sealed record HandshakeSettings(TimeSpan ChallengeLifetime, int Burst, double PerSecond, TimeSpan TransportTimeout)
{
    /// <exception cref="ConfigurationException">A setting is missing or malformed.</exception>
    public static HandshakeSettings Create(Config config)
    {
        var section = Section.Of(config, "managed-actors.handshake");
        return new HandshakeSettings(
            section.TimeSpan("challenge-lifetime"),
            section.Positive("burst"),
            section.Double("per-second"),
            section.TimeSpan("transport-timeout"));
    }
}
