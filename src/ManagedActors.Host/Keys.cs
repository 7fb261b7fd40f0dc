namespace ManagedActors.Host;

/// <summary>Reads the authkey and the cluster key from a file or the environment; a missing or malformed key is told, never thrown.</summary>
internal static class Keys
{
    /// <summary>The environment variable that may hold the authkey (hex) instead of a file.</summary>
    public const string AuthKeyVariable = "MANAGEDACTORS_AUTHKEY";

    /// <summary>The environment variable that may hold the cluster key (hex) instead of a file.</summary>
    public const string ClusterKeyVariable = "MANAGEDACTORS_CLUSTER_KEY";

    /// <summary>The authkey from <paramref name="file"/>, else the environment; null (the reason printed) when there is none.</summary>
    public static byte[]? ReadAuthKey(FileInfo? file) => ReadKey(file, AuthKeyVariable, "--authkey-file", "the authkey");

    /// <summary>
    /// The cluster key from <paramref name="file"/>, else the environment; null (the reason printed) when there is none,
    /// or, when <paramref name="required"/> is false and neither names one, null silently.
    /// </summary>
    public static byte[]? ReadClusterKey(FileInfo? file, bool required, out bool failed)
    {
        failed = false;
        if (!required && file is null && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ClusterKeyVariable)))
        {
            return null;
        }
        var key = ReadKey(file, ClusterKeyVariable, "--cluster-key-file", "the cluster key");
        failed = key is null;
        return key;
    }

    private static byte[]? ReadKey(FileInfo? file, string variableName, string option, string what)
    {
        if (file is not null)
        {
            if (!file.Exists)
            {
                Console.Error.WriteLine($"The file of {what}, {file.FullName}, does not exist.");
                return null;
            }
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"The file of {what}, {file.FullName}, cannot be read: {e.Message}");
                return null;
            }
            if ((TryHex(System.Text.Encoding.ASCII.GetString(bytes).Trim()) ?? (bytes.Length >= 16 ? bytes : null)) is { } fromFile)
            {
                return fromFile;
            }
            Console.Error.WriteLine($"The file of {what}, {file.FullName}, holds no key: it needs 32 hex digits or more (16 bytes); make one with 'managed-actors keygen FILE'.");
            return null;
        }
        var variable = Environment.GetEnvironmentVariable(variableName);
        if (string.IsNullOrWhiteSpace(variable))
        {
            Console.Error.WriteLine($"Give {what} with {option} or ${variableName} (hex, at least 16 bytes); 'managed-actors keygen' makes one.");
            return null;
        }
        if (TryHex(variable.Trim()) is { } key)
        {
            return key;
        }
        Console.Error.WriteLine($"${variableName} is not a key: it needs an even number of hex digits, 32 or more (16 bytes); 'managed-actors keygen' makes one.");
        return null;
    }

    private static byte[]? TryHex(string text)
    {
        try
        {
            return text.Length >= 32 && text.Length % 2 == 0 ? Convert.FromHexString(text) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
