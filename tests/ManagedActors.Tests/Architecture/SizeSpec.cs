using System.Text.RegularExpressions;
using Xunit;

namespace ManagedActors.Tests.Architecture;

/// <summary>
/// Sizes that keep the library readable: no file and no type (all its partial files together) over 400 lines, and no
/// folder a drawer: at most 20 source files directly in it and at most a fifth of the library's lines.
/// </summary>
public sealed partial class SizeSpec
{
    private const int MaxLines = 400, MaxFilesPerFolder = 20;

    private static IEnumerable<string> SourceFiles(string root) => Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
        .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    [Fact]
    public void No_source_file_is_over_400_lines()
    {
        var root = LayerSpec.RepositoryRoot;
        var long_ = SourceFiles(root)
            .Select(f => (File: Path.GetRelativePath(root, f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > MaxLines)
            .ToList();
        Assert.True(long_.Count == 0, string.Join(", ", long_.Select(f => $"{f.File} ({f.Lines})")));
    }

    [Fact]
    public void No_type_is_over_400_lines_counting_all_its_partial_files()
    {
        var types = new Dictionary<string, (int Lines, List<string> Files)>(StringComparer.Ordinal);
        foreach (var file in SourceFiles(LayerSpec.Source))
        {
            var text = File.ReadAllText(file);
            var ns = Namespace().Match(text).Groups[1].Value;
            var lines = text.Split('\n').Length;
            foreach (Match partial in PartialType().Matches(text))
            {
                var name = ns + "." + partial.Groups[1].Value;
                var (total, files) = types.GetValueOrDefault(name, (0, new List<string>()));
                files.Add(Path.GetFileName(file));
                types[name] = (total + lines, files);
            }
        }
        var long_ = types.Where(t => t.Value.Lines > MaxLines).Select(t => $"{t.Key} ({t.Value.Lines} lines in {string.Join(", ", t.Value.Files)})").ToList();
        Assert.True(long_.Count == 0, string.Join("\n", long_));
    }

    [Fact]
    public void No_folder_holds_more_than_20_files_or_a_fifth_of_the_library()
    {
        var source = LayerSpec.Source;
        var total = SourceFiles(source).Sum(f => File.ReadLines(f).Count());
        var offences = new List<string>();
        foreach (var folder in Directory.EnumerateDirectories(source).Where(d => Path.GetFileName(d) is not ("bin" or "obj")).Append(source))
        {
            var files = Directory.EnumerateFiles(folder, "*.cs").ToList();
            var lines = files.Sum(f => File.ReadLines(f).Count());
            var name = Path.GetRelativePath(source, folder);
            if (files.Count > MaxFilesPerFolder)
            {
                offences.Add($"{name}: {files.Count} files");
            }
            if (lines * 5 > total)
            {
                offences.Add($"{name}: {lines} of the library's {total} lines");
            }
        }
        Assert.True(offences.Count == 0, string.Join("\n", offences));
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"\bpartial\s+(?:class|record|struct|interface)\s+(\w+)")]
    private static partial Regex PartialType();
}
