using Akka.Configuration;

namespace ManagedActors.Configuration;

/// <summary>
/// Reads one section of the configuration for a settings record. Every default is in reference.conf: a key missing here
/// means the system was built without the library's configuration, which is an error that names the key, never a
/// silent zero.
/// </summary>
internal sealed class Section
{
    private readonly Config _config;

    private Section(Config config, string path)
    {
        _config = config;
        Path = path;
    }

    /// <summary>The section's path from the root, as messages name it.</summary>
    public string Path { get; }

    /// <summary>The section at <paramref name="path"/> of <paramref name="config"/>.</summary>
    /// <exception cref="ConfigurationException">The configuration has no such section.</exception>
    public static Section Of(Config config, string path) => Of(config, path, path);

    /// <summary>A section inside this one.</summary>
    public Section Child(string key) => Of(_config, key, Path + "." + key);

    private static Section Of(Config config, string path, string fullPath) =>
        config.HasPath(path)
            ? new Section(config.GetConfig(path), fullPath)
            : throw new ConfigurationException($"The configuration has no '{fullPath}' section: build it over ManagedActors' reference.conf.");

    public TimeSpan TimeSpan(string key) => Read(key, () => _config.GetTimeSpan(key, allowInfinite: false));

    public int Int(string key) => Read(key, () => _config.GetInt(key));

    public double Double(string key) => Read(key, () => _config.GetDouble(key));

    public bool Bool(string key) => Read(key, () => _config.GetBoolean(key));

    public string String(string key) => Read(key, () => _config.GetString(key) ?? "");

    public long Bytes(string key) => Read(key, () => _config.GetByteSize(key) ?? throw new FormatException("not a size"));

    public IReadOnlyList<string> Strings(string key) => Read(key, () => _config.GetStringList(key).ToList());

    /// <summary>A whole number of at least 1.</summary>
    public int Positive(string key) =>
        Int(key) is > 0 and var value ? value : throw new ConfigurationException($"{Path}.{key} must be at least 1.");

    private T Read<T>(string key, Func<T> read)
    {
        if (!_config.HasPath(key))
        {
            throw new ConfigurationException($"{Path}.{key} is not set: build the configuration over ManagedActors' reference.conf.");
        }
        try
        {
            return read();
        }
        catch (Exception e) when (e is not ConfigurationException)
        {
            throw new ConfigurationException($"{Path}.{key} cannot be read: {e.Message}", e);
        }
    }
}
