using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using ManagedActors.Client;
using ManagedActors.Lane;
using ManagedActors.Protocol;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Client;

/// <summary>
/// An outbox sends each call once, in its caller's order, coalesced with the calls that join it; a cancel never
/// overtakes the call it withdraws; a call the lane cannot take goes back to the connection, and nowhere else.
/// </summary>
public sealed class OutboxSpec(ITestOutputHelper output) : TestKit(ConfigurationFactory.ParseString("akka.actor.serialize-messages = off"), output: output)
{
    [Fact]
    public async Task Calls_from_many_threads_over_akka_remote_each_leave_once_in_each_caller_s_order()
    {
        var target = CreateTestProbe();
        var outbox = new Outbox(target.Ref, "/user/object", new Channel(this, lane: null), maxCalls: 16, maxBytes: 1_000_000);
        const int Threads = 8, PerThread = 500;
        using var start = new Barrier(Threads);
        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < PerThread; i++)
            {
                // The thread in the high bits, its sequence in the low ones.
                outbox.Enqueue(new CallRequest(((long)t << 32) | (uint)i, 1, []), TimeSpan.FromSeconds(5));
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        var seen = new List<long>();
        while (seen.Count < Threads * PerThread)
        {
            var calls = await target.ExpectMsgAsync<Calls>(TimeSpan.FromSeconds(10));
            Assert.InRange(calls.Items.Length, 1, 16);
            seen.AddRange(calls.Items.Select(c => c.CallId));
        }
        Assert.Equal(Threads * PerThread, seen.Distinct().Count());
        foreach (var thread in seen.GroupBy(id => id >> 32))
        {
            Assert.Equal(thread.OrderBy(id => id), thread);
        }
        Assert.Equal(Threads * PerThread, outbox.InFlight);
    }

    [Fact]
    public async Task A_cancel_leaves_after_the_call_it_withdraws()
    {
        var target = CreateTestProbe();
        var outbox = new Outbox(target.Ref, "/user/object", new Channel(this, lane: null), maxCalls: 512, maxBytes: 1_000_000);
        for (var round = 0; round < 200; round++)
        {
            // Two calls in flight, so the second waits for the flush; the cancel is queued behind it.
            outbox.Enqueue(new CallRequest(round * 10 + 1, 1, []), TimeSpan.FromSeconds(5));
            outbox.Enqueue(new CallRequest(round * 10 + 2, 1, []), TimeSpan.FromSeconds(5));
            outbox.Cancel(round * 10 + 2);
            var sent = new HashSet<long>();
            while (true)
            {
                var message = await target.ExpectMsgAsync<object>(TimeSpan.FromSeconds(10));
                if (message is CancelCall cancel)
                {
                    Assert.Equal(round * 10 + 2, cancel.CallId);
                    Assert.Contains(round * 10 + 2, sent);
                    break;
                }
                sent.UnionWith(((Calls)message).Items.Select(c => c.CallId));
            }
            outbox.Completed();
            outbox.Completed();
        }
        Assert.Equal(0, outbox.InFlight);
    }

    [Fact]
    public void Over_a_lane_a_call_goes_to_the_lane_and_one_it_refuses_goes_back_to_the_connection()
    {
        var lane = new RecordingLane();
        var channel = new Channel(this, lane);
        var outbox = new Outbox(ActorRefs.Nobody, "/user/object", channel, maxCalls: 512, maxBytes: 1_000_000);

        outbox.Enqueue(new CallRequest(1, 1, []), TimeSpan.FromSeconds(1));
        lane.Refusal = new HostUnavailableException("The connection to the host was lost.");
        outbox.Enqueue(new CallRequest(2, 1, []), TimeSpan.FromSeconds(1));
        outbox.Resend(new CallRequest(3, 1, []), TimeSpan.FromSeconds(1));
        outbox.Cancel(1);

        Assert.Equal([(1L, false), (2L, false), (3L, true)], lane.Sent);
        Assert.Equal([1L], lane.Cancelled);
        Assert.Equal([2L, 3L], channel.Unsent.Select(u => u.Call.CallId));
        Assert.All(channel.Unsent, u => Assert.IsType<HostUnavailableException>(u.Error));
    }

    [Fact]
    public void While_a_lost_lane_is_replaced_a_call_goes_back_to_the_connection_not_over_akka_remote()
    {
        var target = CreateTestProbe();
        var channel = new Channel(this, lane: null) { Replacing = true };
        var outbox = new Outbox(target.Ref, "/user/object", channel, maxCalls: 512, maxBytes: 1_000_000);

        outbox.Enqueue(new CallRequest(1, 1, []), TimeSpan.FromSeconds(1));

        Assert.Equal(1L, Assert.Single(channel.Unsent).Call.CallId);
        target.ExpectNoMsg(TimeSpan.Zero);
    }

    /// <summary>A connection with a lane (or none), recording what comes back to it.</summary>
    private sealed class Channel(TestKit kit, ICallLane? lane) : ICallChannel
    {
        public bool Replacing { get; init; }

        public ConcurrentQueue<(CallRequest Call, Exception Error)> Unsent { get; } = new();

        public ICallLane? Lane => lane;

        public bool UsesLane => lane is not null || Replacing;

        public Guid Session { get; } = Guid.NewGuid();

        public IActorRef ReplyTo => kit.TestActor;

        void ICallChannel.Unsent(CallRequest call, Exception error) => Unsent.Enqueue((call, error));
    }

    private sealed class RecordingLane : ICallLane
    {
        public Exception? Refusal { get; set; }

        public List<(long CallId, bool Resent)> Sent { get; } = [];

        public List<long> Cancelled { get; } = [];

        public Exception? Send(string target, CallRequest call, TimeSpan wait, bool resent = false)
        {
            Sent.Add((call.CallId, resent));
            return Refusal;
        }

        public void Cancel(string target, long callId) => Cancelled.Add(callId);
    }
}
