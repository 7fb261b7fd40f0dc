using System.Diagnostics;
using ManagedActors.Processes;
using ManagedActors.Tests.Processes;
using ManagedActors.Tests.Support;
using Xunit;

namespace ManagedActors.Tests.Telemetry;

/// <summary>
/// The <c>ManagedActors</c> spans of one call: a CLIENT span in the proxy under the caller's activity, a SERVER span
/// under it on the host (the trace context travels in the call), a journal write under that, and a child process's
/// calls in the trace of the code that started it. Each test samples only its own trace (<see cref="SpanCapture"/>).
/// </summary>
public sealed class TracingSpec : IDisposable
{
    private static readonly TimeSpan ChildLimit = TimeSpan.FromSeconds(60);
    private readonly SpanCapture _spans = new();

    public void Dispose() => _spans.Dispose();

    [Theory]
    [InlineData(CallTransport.Direct)]
    [InlineData(CallTransport.AkkaRemote)]
    public async Task A_call_is_a_client_span_under_the_caller_and_a_server_span_under_it_on_the_host(CallTransport transport)
    {
        await using var manager = await Manager.StartAsync();
        await using var client = await Manager.ConnectAsync(manager.Address, manager.AuthKey, new ClientOptions { Transport = transport });
        var dict = await client.DictAsync<string, int>("traced");
        using (var caller = _spans.Begin())
        {
            await dict.SetAsync("a", 1);
            var failure = await Assert.ThrowsAsync<KeyNotFoundException>(() => dict.GetAsync("missing"));
            Assert.Same(caller, Activity.Current);

            var set = await SpanAsync("dict/Set", ActivityKind.Client);
            Assert.Equal(caller.SpanId, set.ParentSpanId);
            Assert.Equal("managed_actors", set.GetTagItem("rpc.system.name"));
            Assert.Equal("dict/Set", set.GetTagItem("rpc.method"));
            Assert.Equal(ActivityStatusCode.Unset, set.Status);
            var served = await SpanAsync("dict/Set", ActivityKind.Server);
            Assert.Equal(set.SpanId, served.ParentSpanId);
            Assert.True(served.Duration <= set.Duration, "the server span lies within the client's");

            var get = await SpanAsync("dict/Get", ActivityKind.Client);
            Assert.Equal(ActivityStatusCode.Error, get.Status);
            Assert.Equal(typeof(KeyNotFoundException).FullName, get.GetTagItem("error.type"));
            var exception = Assert.Single(get.Events, e => e.Name == "exception");
            Assert.Equal(failure.Message, exception.Tags.Single(t => t.Key == "exception.message").Value);
            var getServed = await SpanAsync("dict/Get", ActivityKind.Server);
            Assert.Equal(ActivityStatusCode.Error, getServed.Status);
            Assert.Equal(get.SpanId, getServed.ParentSpanId);
        }
        // Opening the dict happened outside the trace: none of its spans was sampled into it.
        Assert.DoesNotContain(_spans.Ended, s => s.DisplayName.StartsWith("directory/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_journal_write_is_a_child_of_the_call_that_caused_it()
    {
        await using var manager = await Manager.StartAsync();
        var dict = await manager.DictAsync<string, int>("journaled", durability: Durability.Memory);
        using (_spans.Begin())
        {
            await dict.SetAsync("a", 1);
        }
        var served = await SpanAsync("dict/Set", ActivityKind.Server);
        var write = await SpanAsync("journal/write", ActivityKind.Internal);
        Assert.Equal(served.SpanId, write.ParentSpanId);
        Assert.Null(write.GetTagItem("rpc.method"));
        Assert.True(write.Duration <= served.Duration, "the write lies within the call, which is answered after it");
    }

    [Fact]
    public async Task A_blocking_call_s_server_span_lasts_until_it_is_answered()
    {
        await using var manager = await Manager.StartAsync();
        var queue = await manager.QueueAsync<int>("waits");
        using (_spans.Begin())
        {
            // One session's calls to one object run in order: the get parks, then the put answers it.
            var waiting = queue.GetAsync(TimeSpan.FromSeconds(20));
            await queue.PutAsync(7);
            Assert.Equal(7, await waiting.Within());
        }
        var get = await SpanAsync("queue/Get", ActivityKind.Server);
        var put = await SpanAsync("queue/Put", ActivityKind.Server);
        Assert.True(get.StartTimeUtc <= put.StartTimeUtc, "the get's span starts before the put runs");
        Assert.True(get.StartTimeUtc + get.Duration >= put.StartTimeUtc, "the get's span lasts until the put answers it");
    }

    [Fact]
    public async Task No_span_is_made_for_a_call_nobody_samples()
    {
        await using var manager = await Manager.StartAsync();
        var dict = await manager.DictAsync<string, int>("unsampled");
        // Outside the test's trace: the listener declines, so neither side makes a span of this trace or any other.
        using var other = new Activity("elsewhere").SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom()).Start();
        await dict.SetAsync("a", 1);
        other.Stop();
        using (_spans.Begin())
        {
            await dict.SetAsync("b", 2);
        }
        await SpanAsync("dict/Set", ActivityKind.Server);
        Assert.Equal(2, _spans.Ended.Count);
    }

    [Fact]
    public async Task A_child_process_s_calls_join_the_trace_of_the_code_that_started_it()
    {
        await using var manager = await Manager.StartAsync();
        var dict = await manager.DictAsync<string, int>("from-child");
        using (_spans.Begin())
        {
            using var child = ManagedProcess.Start(Workers.SetSynchronously, dict, "answer", 42);
            Assert.Equal(0, await child.WaitForExitAsync().Within(ChildLimit, "the child"));
        }
        Assert.Equal(42, await dict.GetAsync("answer"));
        // The child has no listener of its own: the host's span of its call is in the parent's trace all the same.
        var served = await SpanAsync("dict/Set", ActivityKind.Server);
        Assert.Equal(_spans.TraceId, served.TraceId);
    }

    private Task<Activity> SpanAsync(string name, ActivityKind kind) =>
        Bounded.UntilAsync(
            _ => Task.FromResult(_spans.Ended.FirstOrDefault(s => s.DisplayName == name && s.Kind == kind)), span => span is not null,
            $"the {kind} span {name}").ContinueWith(t => t.Result!, TaskScheduler.Default);
}
