using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace ManagedActors.Tests.Samples;

/// <summary>Runs every sample as a process and checks the lines that show it works, so a sample cannot silently rot.</summary>
[Collection(Clustering.ProcessHeavy.Name)]
public sealed class SamplesSpec
{
    public static TheoryData<string, string[]> Samples() => new()
    {
        { "QuickStart", [@"apples after 4 x 250 atomic increments: 1000", @"shopping list: bread, milk, eggs, tea \(last: tea\)", @"missing key raises KeyNotFoundException"] },
        { "ShoppingList", [@"Alice \(pid \d+\) adds apples, bread, milk", @"workers exited with 0 and 0", @"shopping list has 5 items:", @"- apples \(Alice\)", @"- tea \(Bob\)", @"process start-up \(Start to target running\): \d+ ms, \d+ ms"] },
        { "Inventory", [@"get-then-set\s+apples\s+\d+ of 2000 \(lost updates: \d+\)", @"IncrementAsync apples\s+2000 of 2000 \(lost updates: 0\)", @"IncrementAsync pears\s+2000 of 2000 \(lost updates: 0\)"] },
        { "PlayerStats", [@"Aria: health 50 \(100 - 8 x 10 \+ 5 x 6 = 50\), hits taken 8"] },
        { "ProducerConsumer", [@"sentinels: consumed 20 of 20 items", @"CompleteAsync \+ ReadAllAsync: consumed 20 of 20 items"] },
        { "Lifecycle", [@"inside the scope: alice = 3", @"after the await using scope: ManagerShutDownException", @"after DisposeAsync: ManagerShutDownException"] },
        { "MutualExclusion", [@"without a lock\s+counter = \s*\d+ of 800 \(lost updates: \d+\)", @"under a managed lock\s+counter =  800 of 800 \(lost updates: 0\)"] },
        { "CustomCounter", [@"counter after 3 processes x 100 increments: 300", @"counter after reset: 0", @"greetings recorded by the managed greeter: hello, world"] },
        { "Supervision", [@"before the crash: 10 scores, total 55", @"poisoned input: ManagedObjectRestartedException \(.*CorruptScoreException.*\)", @"after the restart: 10 scores, total 55 \(recovered from the journal\)", @"after 5 more: 15 scores, total 120"] },
        { "GenericHost", [@"host listening at akka\.mauth\.tcp://managed-actors@127\.0\.0\.1:\d+ \(data port \d+\)", @"health: Healthy \(managed-actors-host: serving at ", @"rounds counted through the client: 5", @"clients of the host: 1", @"app stopped"] },
        { "Observability", [@"apples: 107", @"one trace: 11 spans \(3 client, 4 server, 3 journal writes\)", @"calls of the child process in the trace: 1", @"failed call: Error \(System\.Collections\.Generic\.KeyNotFoundException\)", @"metrics exported: .*managedactors\.objects.*rpc\.client\.call\.duration, rpc\.server\.call\.duration"] },
        { "Zoo", [@"day 5: 6 animals fed by 3 keeper processes", @"animals: 6 \(", @"meals served: 24", @"births: 2", @"visitors: 300"] },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public Task Sample_runs_and_prints_its_decisive_lines(string sample, string[] expected) => RunAsync(sample, [], expected);

    /// <summary>A short run of the cluster simulation: three hosts, one killed midway, every acknowledged update found.</summary>
    [Fact]
    public Task The_cluster_simulation_survives_a_killed_host_with_every_acknowledged_update() => RunAsync("ClusterSimulation", ["--steps", "12"], ClusterSimulationLines);

    /// <summary>The lines a short run of the cluster simulation must print, on either journal.</summary>
    internal static readonly string[] ClusterSimulationLines =
    [
        @"3 hosts in one cluster: ",
        @"objects per host before: host 1 \d+, host 2 \d+, host 3 \d+",
        @"killed \(SIGKILL\) at step 6; its regions answered again after \d+\.\d s",
        @"objects per host after: host 1 \d+, host 2 \d+",
        @"people: 16010 of 16010",
        @"acknowledged updates present: (\d+) of \1 \(48 of 48 counters exact\)",
    ];

    /// <summary>
    /// The sample as its own project built it (samples/NAME/bin/CONFIGURATION/net10.0), run as a user runs it: with its
    /// own runtime configuration and dependencies, not those of this test assembly (an ASP.NET Core app, through the tool).
    /// </summary>
    internal static string SampleDll(string sample)
    {
        var build = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(ManagedActors.Tests.Architecture.LayerSpec.RepositoryRoot, "samples", sample, "bin", build.Parent!.Name, build.Name, sample + ".dll");
    }

    internal static async Task RunAsync(string sample, string[] arguments, string[] expected)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var dll = SampleDll(sample);
        start.ArgumentList.Add(dll);
        start.WorkingDirectory = Path.GetDirectoryName(dll)!;
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{sample} did not finish within 2 minutes. Output so far: {await output}");
        }
        var text = await output;
        Assert.True(process.ExitCode == 0, $"{sample} exited with {process.ExitCode}:\n{text}\n{await errors}");
        foreach (var pattern in expected)
        {
            Assert.Matches(new Regex(pattern), text);
        }
        // Worker processes run their target before Main: the parent's Main runs once.
        Assert.Equal(sample is "QuickStart" or "GenericHost" ? 0 : 1, Regex.Count(text, "parent main"));
        Assert.DoesNotContain("[ERROR]", text + await errors);
    }
}
