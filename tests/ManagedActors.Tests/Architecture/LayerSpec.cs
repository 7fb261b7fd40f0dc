using System.Text.RegularExpressions;
using Xunit;

namespace ManagedActors.Tests.Architecture;

/// <summary>The layers of docs/architecture.md, read from the source: a folder may name only the namespaces drawn below it.</summary>
public sealed partial class LayerSpec
{
    private static readonly string Source = FindSource();

    /// <summary>The repository's root: the folder that holds ManagedActors.sln.</summary>
    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(Source, "..", ".."));

    /// <summary>Folder → the library namespaces its files must not name (by using or by qualified name).</summary>
    public static TheoryData<string, string[]> Rules => new()
    {
        { "Objects", ["Hosting", "Proxies", "Protocol", "Lists", "Dicts", "Queues", "Sets", "Values", "Namespaces", "Synchronization"] },
        { "Protocol", ["Hosting", "Proxies", "Objects", "Processes", "Lists", "Dicts", "Queues", "Sets", "Values", "Namespaces", "Synchronization"] },
        { "Lists", ["Hosting", "Proxies", "Dicts", "Queues", "Sets", "Values", "Namespaces", "Synchronization"] },
        { "Dicts", ["Hosting", "Proxies", "Lists", "Queues", "Sets", "Values", "Namespaces", "Synchronization"] },
        { "Queues", ["Hosting", "Proxies", "Lists", "Dicts", "Sets", "Values", "Namespaces", "Synchronization"] },
        { "Sets", ["Hosting", "Proxies", "Lists", "Dicts", "Queues", "Values", "Namespaces", "Synchronization"] },
        { "Values", ["Hosting", "Proxies", "Lists", "Dicts", "Queues", "Sets", "Namespaces", "Synchronization"] },
        { "Namespaces", ["Hosting", "Proxies", "Lists", "Dicts", "Queues", "Sets", "Values", "Synchronization"] },
        { "Synchronization", ["Hosting", "Proxies", "Lists", "Dicts", "Queues", "Sets", "Values", "Namespaces"] },
        { "Hosting", ["Proxies", "Processes"] },
        { "Proxies", ["Hosting", "Objects"] },
        { "Clustering", ["Proxies", "Processes", "Lists", "Dicts", "Queues", "Sets", "Values", "Namespaces", "Synchronization"] },
    };

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
                foreach (Match match in LibraryName().Matches(lines[i]))
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
    public void No_source_file_is_over_400_lines()
    {
        var root = RepositoryRoot;
        var long_ = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (File: Path.GetRelativePath(root, f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > 400)
            .ToList();
        Assert.True(long_.Count == 0, string.Join(", ", long_.Select(f => $"{f.File} ({f.Lines})")));
    }

    // "using ManagedActors.X;" or a qualified "ManagedActors.X." or a bare "X." that starts a name (Hosting.ObjectBinding).
    [GeneratedRegex(@"(?:\bManagedActors\.|(?<![\w.])(?=(?:Hosting|Proxies|Objects|Protocol|Processes)\.))(\w+)\b")]
    private static partial Regex LibraryName();

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
