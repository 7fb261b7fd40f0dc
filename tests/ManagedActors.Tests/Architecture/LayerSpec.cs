using System.Text.RegularExpressions;
using Xunit;

namespace ManagedActors.Tests.Architecture;

/// <summary>The layers of docs/architecture.md, read from the source: a folder may name only the namespaces drawn below it.</summary>
public sealed partial class LayerSpec
{
    /// <summary>The library's source folder, src/ManagedActors.</summary>
    public static string Source { get; } = FindSource();

    /// <summary>The repository's root: the folder that holds ManagedActors.sln.</summary>
    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(Source, "..", ".."));

    private static readonly string[] Kinds = ["Lists", "Dicts", "Queues", "Sets", "Values", "Namespaces", "Synchronization"];

    private static readonly string[] Host = ["Sessions", "Runtime", "Journaling", "ObjectDirectory", "Clustering", "Hosting"];

    /// <summary>Every feature folder of the library.</summary>
    public static readonly string[] Folders =
        ["Objects", "Codec", "Protocol", "Configuration", "Security", "Telemetry", .. Kinds, .. Host, "Lane", "Client", "Processes"];

    /// <summary>Folder → the library namespaces its files must not name (by using or by qualified name).</summary>
    public static TheoryData<string, string[]> Rules
    {
        get
        {
            var rules = new TheoryData<string, string[]>
            {
                // The object core and the wire know nothing above them.
                { "Objects", Except("Objects") },
                { "Codec", Except("Codec") },
                { "Protocol", Except("Protocol", "Codec") },
                { "Configuration", Except("Configuration") },
                // The instruments and the activity source know only the BCL: the layers that measure hand them what to count.
                { "Telemetry", Except("Telemetry") },
                { "Security", Except("Security", "Protocol", "Codec", "Configuration") },
                // The host, layer by layer: sessions, the runtime that runs an object, journaling, the directory, the cluster.
                { "Sessions", Except("Sessions", "Protocol", "Codec", "Configuration") },
                { "Runtime", Except("Runtime", "Sessions", "Objects", "Protocol", "Codec", "Configuration", "Telemetry") },
                { "Journaling", Except("Journaling", "Runtime", "Sessions", "Objects", "Protocol", "Codec", "Configuration", "Telemetry") },
                { "ObjectDirectory", Except("ObjectDirectory", "Journaling", "Runtime", "Sessions", "Objects", "Protocol", "Codec", "Configuration", "Telemetry") },
                { "Clustering", Except("Clustering", "ObjectDirectory", "Journaling", "Runtime", "Sessions", "Objects", "Protocol", "Codec", "Configuration", "Security", "Telemetry") },
                // The lane has a host half and a client half, and knows neither host nor client beyond its seams.
                { "Lane", Except("Lane", "Sessions", "Protocol", "Codec", "Configuration", "Security", "Telemetry") },
                // The client knows nothing of the host's internals; of the kinds it reads the interfaces only (client-side methods).
                { "Client", Except(["Client", "Lane", "Protocol", "Codec", "Configuration", "Security", "Telemetry", .. Kinds]) },
                { "Processes", Except("Processes", "Client", "Protocol", "Codec", "Configuration", "Security", "Telemetry") },
                { "Hosting", ["Client", "Processes"] },
            };
            // A kind knows only the object core and the wire, never another kind.
            foreach (var kind in Kinds)
            {
                rules.Add(kind, Except(kind, "Objects", "Protocol", "Codec"));
            }
            return rules;
        }
    }

    private static string[] Except(params string[] allowed) => Folders.Where(f => !allowed.Contains(f)).ToArray();

    [Theory]
    [MemberData(nameof(Rules))]
    public void A_folder_names_nothing_above_its_layer(string folder, string[] forbidden)
    {
        var offences = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Source, folder), "*.cs"))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal))
                {
                    continue;
                }
                // A name inside a string (a meter's, a type's in HOCON) is text, not a use.
                foreach (Match match in LibraryName().Matches(StringLiteral().Replace(lines[i], "\"\"")))
                {
                    if (forbidden.Contains(match.Groups[1].Value))
                    {
                        offences.Add($"{Path.GetFileName(file)}:{i + 1}: {lines[i].Trim()}");
                    }
                }
            }
        }
        Assert.True(offences.Count == 0, $"{folder}/ names what it may not:\n{string.Join("\n", offences)}");
    }

    [Fact]
    public void Every_folder_of_the_library_has_a_rule()
    {
        var ruled = Rules.Select(row => (string)row[0]).ToHashSet();
        var folders = Directory.EnumerateDirectories(Source).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).ToList();
        Assert.All(folders, f => Assert.Contains(f!, ruled));
    }

    // "using ManagedActors.X;", a qualified "ManagedActors.X.", or a bare "X." that starts a name (Runtime.ObjectBinding).
    [GeneratedRegex(@"(?:\bManagedActors\.|(?<![\w.])(?=(?:Objects|Codec|Protocol|Configuration|Security|Sessions|Runtime|Journaling|ObjectDirectory|Clustering|Lane|Client|Processes|Hosting)\.[A-Z]))(\w+)\b")]
    private static partial Regex LibraryName();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();

    private static string FindSource()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "ManagedActors");
            if (File.Exists(Path.Combine(directory.FullName, "ManagedActors.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("The repository (ManagedActors.sln beside src/ManagedActors) was not found above " + AppContext.BaseDirectory);
    }
}
