namespace ManagedActors.Hosting;

/// <summary>Reads a key given as hex, in a file, or in an environment variable; says what is wrong with one that is none.</summary>
internal static class KeySettings
{
    public const string AuthKeyVariable = "MANAGEDACTORS_AUTHKEY";

    public const string ClusterKeyVariable = "MANAGEDACTORS_CLUSTER_KEY";

    /// <summary>
    /// The key from <paramref name="hex"/>, else <paramref name="file"/>, else the variable: null when none is given.
    /// <paramref name="problem"/> names the setting and says what is wrong when one is given and is not a key.
    /// </summary>
    public static byte[]? Read(string? hex, string? file, string variable, string setting, out string? problem)
    {
        problem = null;
        if (!string.IsNullOrWhiteSpace(hex))
        {
            return Parse(hex, $"{setting}", out problem);
        }
        if (!string.IsNullOrWhiteSpace(file))
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problem = $"{setting}File: {file} cannot be read ({e.Message}).";
                return null;
            }
            return Parse(text, $"{setting}File ({file})", out problem);
        }
        var value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(value) ? null : Parse(value, $"${variable}", out problem);
    }

    private static byte[]? Parse(string text, string where, out string? problem)
    {
        var trimmed = text.Trim();
        problem = null;
        if (trimmed.Length >= 32 && trimmed.Length % 2 == 0 && trimmed.All(Uri.IsHexDigit))
        {
            return Convert.FromHexString(trimmed);
        }
        problem = $"{where} is not a key: it needs an even number of hex digits, 32 or more (16 bytes); 'managed-actors keygen' makes one.";
        return null;
    }
}
