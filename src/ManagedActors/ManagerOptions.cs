using System.Reflection;

namespace ManagedActors;

/// <summary>Settings of an embedded manager started with <see cref="Manager.StartAsync"/>.</summary>
public sealed record ManagerOptions
{
    /// <summary>The address the host listens on; loopback by default.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>The port the host listens on; 0 (the default) picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The key clients must prove they hold; a random 32-byte key when null.</summary>
    public byte[]? AuthKey { get; init; }

    /// <summary>Default timeout of every call; <c>managed-actors.call-timeout</c> (30 s) when null.</summary>
    public TimeSpan? CallTimeout { get; init; }

    /// <summary>HOCON layered over the library's defaults (hocon/host.conf shows what can be set).</summary>
    public string? Config { get; init; }

    /// <summary>
    /// Assemblies whose types may be stored in managed objects. The entry assembly and the library are always
    /// trusted; any other type is refused before it is deserialized.
    /// </summary>
    public IReadOnlyList<Assembly> TrustedAssemblies { get; init; } = [];
}

/// <summary>Settings of a client connected with <see cref="Manager.ConnectAsync"/>.</summary>
public sealed record ClientOptions
{
    /// <summary>The address the client's own endpoint binds to (replies come back to it); loopback by default.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>Default timeout of every call; <c>managed-actors.call-timeout</c> (30 s) when null.</summary>
    public TimeSpan? CallTimeout { get; init; }

    /// <summary>HOCON layered over the library's defaults (hocon/client.conf shows what can be set).</summary>
    public string? Config { get; init; }

    /// <summary>Assemblies whose types may be read from replies, besides the entry assembly, the library and the types this client sends.</summary>
    public IReadOnlyList<Assembly> TrustedAssemblies { get; init; } = [];
}
