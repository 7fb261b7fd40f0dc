namespace ManagedActors.Hosting;

/// <summary>
/// A host's settings from configuration (the <c>ManagedActors:Host</c> section by default), validated when the app
/// starts: a setting that cannot work fails the start with an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>
/// naming it. Everything not here (registered types, trusted assemblies) goes in the code's <see cref="ManagerOptions"/>.
/// </summary>
public sealed class ManagedActorsHostOptions
{
    /// <summary>The configuration section read by default.</summary>
    public const string Section = "ManagedActors:Host";

    /// <summary>The address to listen on.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>The port clients connect to; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>The authkey as hex (32 digits or more). Else <see cref="AuthKeyFile"/>, else <c>$MANAGEDACTORS_AUTHKEY</c>, else a random key.</summary>
    public string? AuthKey { get; set; }

    /// <summary>A file holding the authkey as hex (<c>managed-actors keygen FILE</c> makes one).</summary>
    public string? AuthKeyFile { get; set; }

    /// <summary>A SQLite file or a PostgreSQL connection string: objects are Durable by default, journaled there.</summary>
    public string? DurableStore { get; set; }

    /// <summary>Hosts of the cluster to join (host:port of their cluster ports); empty runs the host alone.</summary>
    public List<string> Seeds { get; set; } = [];

    /// <summary>The port other hosts of the cluster reach this one on; 0 picks a free one.</summary>
    public int ClusterPort { get; set; }

    /// <summary>The cluster key as hex. Else <see cref="ClusterKeyFile"/>, else <c>$MANAGEDACTORS_CLUSTER_KEY</c>; required with seeds.</summary>
    public string? ClusterKey { get; set; }

    /// <summary>A file holding the cluster key as hex.</summary>
    public string? ClusterKeyFile { get; set; }

    /// <summary>How long a call waits for its answer by default.</summary>
    public TimeSpan? CallTimeout { get; set; }

    /// <summary>HOCON layered over the library's defaults (hocon/host.conf lists the settings).</summary>
    public string? Config { get; set; }
}

/// <summary>
/// A client's settings from configuration (the <c>ManagedActors:Client</c> section by default), validated when the app
/// starts. Without addresses, a client in an app that also runs a host (<c>AddManagedActorsHost</c>) connects to it.
/// </summary>
public sealed class ManagedActorsClientOptions
{
    /// <summary>The configuration section read by default.</summary>
    public const string Section = "ManagedActors:Client";

    /// <summary>The hosts to connect to (host:port or full addresses), tried in order; the client fails over between them.</summary>
    public List<string> Addresses { get; set; } = [];

    /// <summary>The authkey as hex. Else <see cref="AuthKeyFile"/>, else <c>$MANAGEDACTORS_AUTHKEY</c>, else the app's own host's key.</summary>
    public string? AuthKey { get; set; }

    /// <summary>A file holding the authkey as hex.</summary>
    public string? AuthKeyFile { get; set; }

    /// <summary>How long a call waits for its answer by default.</summary>
    public TimeSpan? CallTimeout { get; set; }

    /// <summary>HOCON layered over the library's defaults (hocon/client.conf lists the settings).</summary>
    public string? Config { get; set; }
}
