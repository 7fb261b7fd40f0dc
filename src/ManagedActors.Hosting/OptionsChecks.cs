using Microsoft.Extensions.Options;

namespace ManagedActors.Hosting;

/// <summary>Validates a host's settings at start: each failure names the setting under <see cref="ManagedActorsHostOptions.Section"/>.</summary>
internal sealed class HostOptionsCheck : IValidateOptions<ManagedActorsHostOptions>
{
    public ValidateOptionsResult Validate(string? name, ManagedActorsHostOptions options)
    {
        var failures = new List<string>();
        const string at = ManagedActorsHostOptions.Section + ":";
        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"{at}Port: {options.Port} is not a port (0 to 65535; 0 picks a free one).");
        }
        if (options.ClusterPort is < 0 or > 65535)
        {
            failures.Add($"{at}ClusterPort: {options.ClusterPort} is not a port (0 to 65535; 0 picks a free one).");
        }
        KeySettings.Read(options.AuthKey, options.AuthKeyFile, KeySettings.AuthKeyVariable, at + "AuthKey", out var authProblem);
        if (authProblem is not null)
        {
            failures.Add(authProblem);
        }
        var clusterKey = KeySettings.Read(options.ClusterKey, options.ClusterKeyFile, KeySettings.ClusterKeyVariable, at + "ClusterKey", out var clusterProblem);
        if (clusterProblem is not null)
        {
            failures.Add(clusterProblem);
        }
        else if (options.Seeds.Count > 0 && clusterKey is null)
        {
            failures.Add($"{at}ClusterKey: a host with {at}Seeds needs a cluster key ({at}ClusterKey, {at}ClusterKeyFile or ${KeySettings.ClusterKeyVariable}).");
        }
        foreach (var seed in options.Seeds.Where(s => !s.Contains(':', StringComparison.Ordinal)))
        {
            failures.Add($"{at}Seeds: '{seed}' is not host:port.");
        }
        if (options.CallTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            failures.Add($"{at}CallTimeout: {timeout} is not positive.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Validates a client's settings at start: each failure names the setting under <see cref="ManagedActorsClientOptions.Section"/>.</summary>
internal sealed class ClientOptionsCheck(bool hasHost) : IValidateOptions<ManagedActorsClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ManagedActorsClientOptions options)
    {
        var failures = new List<string>();
        const string at = ManagedActorsClientOptions.Section + ":";
        var key = KeySettings.Read(options.AuthKey, options.AuthKeyFile, KeySettings.AuthKeyVariable, at + "AuthKey", out var problem);
        if (problem is not null)
        {
            failures.Add(problem);
        }
        if (options.Addresses.Count == 0 && !hasHost)
        {
            failures.Add($"{at}Addresses: no host to connect to (give one, or run a host in this app with AddManagedActorsHost).");
        }
        else if (options.Addresses.Count > 0 && key is null && problem is null)
        {
            failures.Add($"{at}AuthKey: a client of another process's host needs its authkey ({at}AuthKey, {at}AuthKeyFile or ${KeySettings.AuthKeyVariable}).");
        }
        if (options.CallTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            failures.Add($"{at}CallTimeout: {timeout} is not positive.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
