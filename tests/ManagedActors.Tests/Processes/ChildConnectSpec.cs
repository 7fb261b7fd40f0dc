using System.Diagnostics;
using ManagedActors.Lists;
using ManagedActors.Processes;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Processes;

/// <summary>Targets that report how their child connected.</summary>
public static class ConnectWorkers
{
    /// <summary>The child's own client settings, as it connected with them.</summary>
    public static async Task ReportSettingsAsync(IManagedList<long> report)
    {
        var settings = ((ManagerClient)ManagedProcess.Connection!).Runtime.Settings;
        await report.ExtendAsync([(long)settings.HandshakeTimeout.TotalMilliseconds, (long)settings.CallTimeout.TotalMilliseconds]);
    }

    public static async Task AppendPidAsync(IManagedList<int> pids) => await pids.AppendAsync(Environment.ProcessId);
}

/// <summary>Children connect as their parent would, and keep trying for as long, on a machine that is busy.</summary>
[Collection(nameof(RunsAlone))]
public sealed class ChildConnectSpec
{
    private static ManagerOptions Options(string extraHocon) => SessionFixture.Options with
    {
        Config = SessionFixture.TestHocon + "\n" + extraHocon,
    };

    [Fact]
    public async Task A_child_connects_with_its_parents_handshake_and_call_timeouts()
    {
        await using var manager = await Manager.StartAsync(Options("managed-actors.handshake-timeout = 17s") with { CallTimeout = TimeSpan.FromSeconds(23) });
        var report = await manager.ListAsync<long>();
        using var child = ManagedProcess.Start(ConnectWorkers.ReportSettingsAsync, report);
        Assert.Equal(0, await child.WaitForExitAsync().Within(TimeSpan.FromSeconds(60), "the reporting child"));
        Assert.Equal([17_000L, 23_000L], await report.SnapshotAsync());
    }

    [Fact]
    public async Task Eight_children_started_at_once_beside_two_busy_threads_all_connect()
    {
        await using var manager = await Manager.StartAsync(SessionFixture.Options);
        var pids = await manager.ListAsync<int>();
        using var stop = new CancellationTokenSource();
        var busy = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Thread.SpinWait(1_000);
            }
        }) { IsBackground = true }).ToList();
        busy.ForEach(t => t.Start());
        var children = new List<ManagedProcess>();
        var started = new List<int>();
        try
        {
            children.AddRange(Enumerable.Range(0, 8).Select(_ => ManagedProcess.Start(ConnectWorkers.AppendPidAsync, pids)));
            started.AddRange(children.Select(c => c.Pid));
            foreach (var child in children)
            {
                var exit = await child.WaitForExitAsync().Within(TimeSpan.FromSeconds(120), "a child on a busy machine");
                Assert.True(exit == 0, $"child {child.Pid} exited {exit}: {child.Error?.Message}");
            }
        }
        finally
        {
            await stop.CancelAsync();
            children.ForEach(c => c.Dispose());
        }
        Assert.Equal(started.Order(), (await pids.SnapshotAsync()).Order());
    }

    [Fact]
    public async Task A_child_that_cannot_reach_its_host_fails_within_its_handshake_timeout_with_a_typed_error()
    {
        var manager = await Manager.StartAsync(Options("managed-actors.handshake-timeout = 3s"));
        var items = await manager.ListAsync<int>();
        await manager.DisposeAsync();
        var watch = Stopwatch.StartNew();
        using var child = ManagedProcess.Start(ConnectWorkers.AppendPidAsync, items);
        Assert.Equal(1, await child.WaitForExitAsync().Within(TimeSpan.FromSeconds(60), "a child whose host is gone"));
        Assert.Equal(typeof(HostUnavailableException).FullName, child.Error?.RemoteType);
        Assert.Contains("handshake attempt", child.Error!.RemoteMessage);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(45), $"the child gave up after {watch.Elapsed.TotalSeconds:0} s");
    }
}
