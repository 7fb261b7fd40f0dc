using ManagedActors.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Clustering;

/// <summary>The cluster's failover scenarios with the shared journal on a real PostgreSQL server instead of one SQLite file.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterPostgresSpec(PostgresServer server, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task The_objects_of_a_terminated_host_and_of_a_killed_one_answer_from_the_others_with_every_acknowledged_write() =>
        await ClusterProcessSpec.TerminatedAndKilledAsync(await server.CreateDatabaseAsync(), output);

    [SkippableFact]
    public async Task The_cluster_simulation_finds_every_acknowledged_update_with_its_journal_on_postgresql() =>
        await Samples.SamplesSpec.RunAsync("ClusterSimulation", ["--steps", "12", "--journal", await server.CreateDatabaseAsync()],
            [.. Samples.SamplesSpec.ClusterSimulationLines, "shared journal: PostgreSQL"]);

    [SkippableFact]
    public async Task A_client_whose_host_is_killed_goes_on_through_another_and_every_increment_takes_effect_once() =>
        await ClusterProcessSpec.ClientFailoverAsync(await server.CreateDatabaseAsync(), output);
}
