using ManagedActors.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Clustering;

/// <summary>The cluster's failover scenarios with the shared journal on a real PostgreSQL server instead of one SQLite file.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterPostgresSpec(PostgresServer server, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_terminated_host_leaves_a_killed_one_is_downed_and_their_objects_answer_from_the_others_with_every_acknowledged_write() =>
        await ClusterProcessSpec.TerminatedAndKilledAsync(await server.CreateDatabaseAsync(), output);

    [SkippableFact]
    public async Task The_cluster_simulation_finds_every_acknowledged_update_with_its_journal_on_postgresql() =>
        await Samples.SamplesSpec.RunAsync("ClusterSimulation", ["--steps", "12", "--journal", await server.CreateDatabaseAsync()],
            [.. Samples.SamplesSpec.ClusterSimulationLines, "shared journal: PostgreSQL"]);

    [SkippableFact]
    public async Task A_client_given_one_host_goes_on_through_the_others_when_it_is_killed_and_every_acknowledged_call_and_creation_stands() =>
        await ClusterProcessSpec.ClientFailoverAsync(await server.CreateDatabaseAsync(), output);

    [SkippableFact]
    public async Task A_host_frozen_for_30_seconds_holds_up_no_other_host_and_leaves_when_it_wakes() =>
        await ClusterFreezeSpec.FrozenHostAsync(await server.CreateDatabaseAsync(), output);
}
