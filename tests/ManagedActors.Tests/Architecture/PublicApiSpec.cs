using PublicApiGenerator;
using Xunit;

namespace ManagedActors.Tests.Architecture;

/// <summary>
/// The public API of the library and of its hosting package, frozen as text: a change to it shows as a diff of PublicApi.approved.txt in review. To
/// accept a deliberate change, run the suite once with MANAGEDACTORS_ACCEPT_API=1 and commit the rewritten file.
/// </summary>
public sealed class PublicApiSpec
{
    [Theory]
    [InlineData("ManagedActors", "PublicApi.approved.txt")]
    [InlineData("ManagedActors.Hosting", "PublicApi.Hosting.approved.txt")]
    public void The_public_api_is_the_approved_one(string assembly, string file)
    {
        var types = assembly == "ManagedActors" ? typeof(Manager).Assembly : typeof(ManagedActors.Hosting.ManagedActorsHostService).Assembly;
        var api = types.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }).ReplaceLineEndings("\n");
        var approved = Path.Combine(LayerSpec.RepositoryRoot, "tests", "ManagedActors.Tests", "Architecture", file);
        if (Environment.GetEnvironmentVariable("MANAGEDACTORS_ACCEPT_API") == "1")
        {
            File.WriteAllText(approved, api);
        }
        Assert.True(File.Exists(approved), $"{approved} is missing; run the suite with MANAGEDACTORS_ACCEPT_API=1 to write it.");
        Assert.Equal(File.ReadAllText(approved).ReplaceLineEndings("\n"), api);
    }
}
