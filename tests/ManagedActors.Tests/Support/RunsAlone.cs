using Xunit;

namespace ManagedActors.Tests.Support;

/// <summary>
/// Specs that load the machine on purpose (a flood, a crowd of child processes beside busy threads) and measure
/// what a client still gets: they run after the parallel specs, one at a time, so neither their load nor their
/// figures are mixed with another spec's.
/// </summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
