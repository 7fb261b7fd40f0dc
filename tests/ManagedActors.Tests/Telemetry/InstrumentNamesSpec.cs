using ManagedActors.Tests.Architecture;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Telemetry;

/// <summary>
/// The meter's instruments, frozen as the public API is: their names, types, units and descriptions are what dashboards
/// and alerts are written against, so a change shows as a diff of Instruments.approved.txt (accept a deliberate one by
/// running the suite once with MANAGEDACTORS_ACCEPT_API=1) and each is listed in docs/observability.md.
/// </summary>
public sealed class InstrumentNamesSpec
{
    [Fact]
    public async Task The_instruments_are_the_approved_ones_and_each_is_documented()
    {
        using var meters = new MeterCapture();
        await using (await Manager.StartAsync(new ManagerOptions { MeterFactory = meters.Factory }))
        {
        }
        var published = meters.Published.Values
            .Select(i => $"{i.Name} | {TypeName(i.GetType())} | {i.Unit} | {i.Description}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var text = string.Join("\n", published) + "\n";
        var approved = Path.Combine(LayerSpec.RepositoryRoot, "tests", "ManagedActors.Tests", "Telemetry", "Instruments.approved.txt");
        if (Environment.GetEnvironmentVariable("MANAGEDACTORS_ACCEPT_API") == "1")
        {
            File.WriteAllText(approved, text);
        }
        Assert.True(File.Exists(approved), $"{approved} is missing; run the suite with MANAGEDACTORS_ACCEPT_API=1 to write it.");
        Assert.Equal(File.ReadAllText(approved).ReplaceLineEndings("\n"), text);

        var docs = File.ReadAllText(Path.Combine(LayerSpec.RepositoryRoot, "docs", "observability.md"));
        Assert.All(meters.Published.Keys, name => Assert.Contains($"`{name}`", docs, StringComparison.Ordinal));
    }

    private static string TypeName(Type type) =>
        type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{type.GetGenericArguments()[0].Name}>" : type.Name;
}
