using Akka.Configuration;
using ManagedActors.Configuration;
using ManagedActors.Lane;
using Xunit;

namespace ManagedActors.Tests.Lane;

/// <summary>The <c>direct.seal</c> setting: sealed beyond loopback by default, everywhere on request, and nothing else.</summary>
public sealed class LaneSettingsSpec
{
    [Fact]
    public void Auto_seals_beyond_loopback_only_and_on_seals_everywhere()
    {
        var auto = LaneSettings.Create(ManagedActorsConfig.Default);
        Assert.False(auto.SealAlways);
        Assert.False(LaneHandshake.Seals(auto, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1)));
        Assert.False(LaneHandshake.Seals(auto, new System.Net.IPEndPoint(System.Net.IPAddress.Parse("::ffff:127.0.0.1"), 1)));
        Assert.True(LaneHandshake.Seals(auto, new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.1.2.3"), 1)));
        Assert.True(LaneHandshake.Seals(auto, null));

        var on = LaneSettings.Create(Layered("managed-actors.direct.seal = on"));
        Assert.True(LaneHandshake.Seals(on, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1)));
    }

    [Fact]
    public void Any_other_value_is_refused_with_the_setting_named()
    {
        var e = Assert.Throws<ConfigurationException>(() => LaneSettings.Create(Layered("managed-actors.direct.seal = off")));
        Assert.Contains("managed-actors.direct.seal", e.Message);
    }

    private static Config Layered(string hocon) => ManagedActorsConfig.Layers(ManagedActorsConfig.Parse(hocon), ManagedActorsConfig.Default);
}
