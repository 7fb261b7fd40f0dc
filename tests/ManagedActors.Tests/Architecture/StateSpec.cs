using System.Text.RegularExpressions;
using Xunit;

namespace ManagedActors.Tests.Architecture;

/// <summary>
/// State belongs to a host or a client, so two in one process never share it: no static field or property of the
/// library can be written after the type is initialized, unless it is the thread's own ([ThreadStatic]) or the
/// process's own by nature (a worker process runs one target with one connection), as listed here with the reason.
/// Caches of what a type is (a method table, a type's shape) are read-only fields holding concurrent maps.
/// </summary>
public sealed partial class StateSpec
{
    private static readonly Dictionary<string, string> ProcessWide = new(StringComparer.Ordinal)
    {
        ["Processes/ManagedProcess.cs: Connection"] = "a worker process's one connection to its parent's host (public API)",
        ["Processes/WorkerRunner.cs: _ran"] = "a worker process runs its target once, whichever entry point reaches it first",
    };

    [Fact]
    public void No_static_state_is_written_after_start_up_except_the_thread_s_or_the_process_s_own()
    {
        var offences = new List<string>();
        foreach (var file in Directory.EnumerateFiles(LayerSpec.Source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
        {
            var lines = File.ReadAllLines(file);
            var relative = Path.GetRelativePath(LayerSpec.Source, file).Replace(Path.DirectorySeparatorChar, '/');
            for (var i = 0; i < lines.Length; i++)
            {
                if (MutableStatic().Match(lines[i]) is not { Success: true } match || (i > 0 && lines[i - 1].Contains("[ThreadStatic]", StringComparison.Ordinal)))
                {
                    continue;
                }
                if (!ProcessWide.ContainsKey($"{relative}: {match.Groups[1].Value}"))
                {
                    offences.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }
        Assert.True(offences.Count == 0, "Static state that two hosts or clients in one process would share:\n" + string.Join("\n", offences));
    }

    // A static field that is not readonly or const, or a static property with a setter.
    [GeneratedRegex(@"^\s*(?:(?:private|internal|public|protected)\s+)*static\s+(?!readonly\b|class\b|async\b|extern\b)[\w<>\[\],.? ]+?\s+(\w+)\s*(?:=(?!>)|;|\{[^}]*\bset\b)")]
    private static partial Regex MutableStatic();
}
