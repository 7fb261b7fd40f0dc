using ManagedActors.Dicts;
using ManagedActors.Lists;
using ManagedActors.Processes;
using ManagedActors.Queues;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Processes;

/// <summary>Targets run in child processes: static methods, found again in the child by their identity.</summary>
public static class Workers
{
    public static async Task AddItemsAsync(IManagedList<string> items, string who)
    {
        for (var i = 0; i < 3; i++)
        {
            await items.AppendAsync($"{who}-{i}");
        }
    }

    public static void SetSynchronously(IManagedDict<string, int> dict, string key, int value) =>
        dict.SetAsync(key, value).GetAwaiter().GetResult();

    public static async Task EchoValuesAsync(IManagedList<object> output, int number, Priority priority, List<int> numbers, Job job, IManagedDict<string, int> nested)
    {
        await output.ExtendAsync([number, priority.ToString(), numbers.Sum(), job.Name]);
        await nested.SetAsync("from-child", Environment.ProcessId);
    }

    public static Task FailAsync(string message) => throw new InvalidOperationException(message);

    public static async Task WaitForReleaseAsync(IManagedQueue<int> started, IManagedQueue<string> gate)
    {
        await started.PutAsync(Environment.ProcessId);
        await gate.GetAsync(TimeSpan.FromSeconds(60));
    }

    public static void NoArguments()
    {
    }
}

public sealed class ManagedProcessSpec(LocalSession fixture) : IClassFixture<LocalSession>
{
    private static readonly TimeSpan ChildLimit = TimeSpan.FromSeconds(60);

    private ManagerSession Session => fixture.Session;

    [Fact]
    public async Task A_child_process_appends_to_a_managed_list_and_exits_zero()
    {
        var items = await Session.ListAsync<string>();
        using var first = ManagedProcess.Start(Workers.AddItemsAsync, items, "Alice");
        using var second = ManagedProcess.Start(Workers.AddItemsAsync, items, "Bob");
        Assert.NotEqual(Environment.ProcessId, first.Pid);
        Assert.Equal(0, await first.WaitForExitAsync().Within(ChildLimit, "the first child"));
        Assert.Equal(0, await second.WaitForExitAsync().Within(ChildLimit, "the second child"));
        var all = await items.SnapshotAsync();
        Assert.Equal(6, all.Count);
        Assert.Equal(["Alice-0", "Alice-1", "Alice-2"], all.Where(i => i.StartsWith("Alice", StringComparison.Ordinal)));
        Assert.Null(first.Error);
        Assert.True(first.HasExited);
    }

    [Fact]
    public async Task A_synchronous_target_and_plain_values_records_enums_and_proxies_arrive_in_the_child()
    {
        var dict = await Session.DictAsync<string, int>();
        using (var sync = ManagedProcess.Start(Workers.SetSynchronously, dict, "answer", 42))
        {
            Assert.Equal(0, await sync.WaitForExitAsync().Within(ChildLimit, "the synchronous child"));
        }
        Assert.Equal(42, await dict.GetAsync("answer"));

        var output = await Session.ListAsync<object>();
        using var child = ManagedProcess.Start(Workers.EchoValuesAsync, output, 7, Priority.High, new List<int> { 1, 2, 3 }, new Job(1, "pack", []), dict);
        Assert.Equal(0, await child.WaitForExitAsync().Within(ChildLimit, "the child"));
        Assert.Equal([7, "High", 6, "pack"], await output.SnapshotAsync());
        Assert.Equal(child.Pid, await dict.GetAsync("from-child"));
    }

    [Fact]
    public async Task A_target_that_throws_exits_non_zero_and_the_parent_reads_the_exception()
    {
        using var child = ManagedProcess.Start(Workers.FailAsync, "no stock left");
        var exitCode = await child.WaitForExitAsync().Within(ChildLimit, "the failing child");
        Assert.NotEqual(0, exitCode);
        Assert.NotNull(child.Error);
        Assert.Equal(typeof(InvalidOperationException).FullName, child.Error!.RemoteType);
        Assert.Equal("no stock left", child.Error.RemoteMessage);
        Assert.Contains(nameof(Workers.FailAsync), child.Error.RemoteStackTrace);
    }

    [Fact]
    public async Task A_child_without_proxies_runs_without_connecting()
    {
        using var child = ManagedProcess.Start(Workers.NoArguments);
        Assert.Equal(0, await child.WaitForExitAsync().Within(ChildLimit, "the child"));
    }

    [Fact]
    public void A_lambda_or_an_instance_method_is_refused_at_start()
    {
        var lambda = Assert.Throws<ArgumentException>(() => ManagedProcess.Start(() => Task.CompletedTask));
        Assert.Contains("static method", lambda.Message);
        var list = new List<int>();
        Assert.Throws<ArgumentException>(() => ManagedProcess.Start(list.Add, 1));
    }

    [Fact]
    public async Task The_authkey_and_the_spin_limit_are_in_the_childs_environment_and_not_on_its_command_line_and_kill_ends_it()
    {
        var started = await Session.QueueAsync<int>();
        var gate = await Session.QueueAsync<string>();
        using var child = ManagedProcess.Start(Workers.WaitForReleaseAsync, started, gate);
        Assert.Equal(child.Pid, await started.GetAsync(ChildLimit).Within(ChildLimit + TimeSpan.FromSeconds(5), "the child to start"));
        var commandLine = (await File.ReadAllTextAsync($"/proc/{child.Pid}/cmdline")).Replace('\0', ' ');
        Assert.DoesNotContain(Convert.ToHexString(fixture.Manager.AuthKey), commandLine, StringComparison.OrdinalIgnoreCase);
        // Workers do not spin idle thread-pool threads, unless the parent chose otherwise.
        var environment = (await File.ReadAllTextAsync($"/proc/{child.Pid}/environ")).Split('\0');
        var spin = Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit") ?? "0";
        Assert.Contains("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=" + spin, environment);
        Assert.False(child.HasExited);
        child.Kill();
        await child.WaitForExitAsync().Within(ChildLimit, "the killed child");
        Assert.True(child.HasExited);
        Assert.NotEqual(0, child.ExitCode);
    }
}
