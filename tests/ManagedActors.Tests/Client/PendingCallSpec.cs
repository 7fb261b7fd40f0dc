using Akka.Actor;
using ManagedActors.Client;
using ManagedActors.Codec;
using ManagedActors.Dicts;
using ManagedActors.Lane;
using ManagedActors.Protocol;
using Xunit;

namespace ManagedActors.Tests.Client;

/// <summary>
/// A pending call's one gate: a reply, its deadline, its cancellation and a lost connection race to complete it, and
/// exactly one wins, whatever the interleaving; the call then leaves its session's map and gives its outbox slot back once.
/// </summary>
public sealed class PendingCallSpec : IDisposable
{
    private static readonly ClientMethod Get = ClientMethod.Table.For(typeof(IManagedDict<string, int>))
        .Get(typeof(IManagedDict<string, int>).GetMethod(nameof(IManagedDict<string, int>.GetAsync))!);

    private readonly PendingCalls _calls = new(TimeSpan.FromHours(1), _ => new TimeoutException("Timed out."), call => call.TrySetCancelled());
    private readonly Outbox _outbox = new(ActorRefs.Nobody, "/user/none", new SilentChannel(), 512, 4_000_000);

    public void Dispose() => _calls.Dispose();

    private IPendingCall Started(CancellationToken cancellationToken = default)
    {
        var call = Get.CreatePending(true);
        var proxy = (ManagedProxy)ManagedProxy.Create(typeof(IManagedDict<string, int>), new ObjectReference("/user/none", "d", "dict", "I", Guid.Empty, null),
            null!, _outbox, null);
        call.Start(_calls.NextId(), long.MaxValue, Get, proxy, _calls, cancellationToken);
        call.Sending(_outbox);
        _calls.Add(call);
        // As the outbox counts a call handed to it.
        _outbox.Enqueue(new CallRequest(call.CallId, Get.Id, []), TimeSpan.FromSeconds(1));
        return call;
    }

    [Fact]
    public async Task Of_a_reply_a_timeout_a_cancellation_and_a_lost_connection_racing_exactly_one_completes_the_call()
    {
        for (var round = 0; round < 500; round++)
        {
            using var cancellation = new CancellationTokenSource();
            var call = Started(cancellation.Token);
            var wins = new bool[4];
            using var start = new Barrier(4);
            var racers = new Action[]
            {
                () => wins[0] = call.TrySetValue(7),
                () => wins[1] = call.TrySetError(new TimeoutException("Timed out.")),
                () => { cancellation.Cancel(); wins[2] = call.IsCompleted && call.Task.IsCanceled; },
                () => wins[3] = call.TrySetErrorLater(new HostUnavailableException("Lost.")),
            }.Select(race => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                race();
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
            await Task.WhenAll(racers);

            // The lost connection's error completes the task on the thread pool.
            await Task.WhenAny(call.Task, Task.Delay(TimeSpan.FromSeconds(5)));
            Assert.True(call.Task.IsCompleted, $"Round {round}: the call's task did not complete.");
            var outcome = call.Task.Status == TaskStatus.RanToCompletion ? "value"
                : call.Task.IsCanceled ? "cancelled"
                : call.Task.Exception!.InnerException!.GetType().Name;
            Assert.True(call.IsCompleted);
            Assert.True(wins.Count(w => w) == 1, $"Round {round}: {wins.Count(w => w)} racers passed the gate.");
            // The call ends the way of the racer that passed the gate, whichever it was.
            Assert.Equal(new[] { "value", nameof(TimeoutException), "cancelled", nameof(HostUnavailableException) }[Array.IndexOf(wins, true)], outcome);
            Assert.Null(_calls.Find(call.CallId));
            Assert.Equal(0, _outbox.InFlight);
        }
        // Which racer wins is the scheduler's choice (on a busy machine one may win every round); each of them, alone,
        // completes the call its own way.
        for (var alone = 0; alone < 4; alone++)
        {
            using var cancellation = new CancellationTokenSource();
            var call = Started(cancellation.Token);
            var won = alone switch
            {
                0 => call.TrySetValue(7),
                1 => call.TrySetError(new TimeoutException("Timed out.")),
                2 => Cancelled(cancellation, call),
                _ => call.TrySetErrorLater(new HostUnavailableException("Lost.")),
            };
            Assert.True(won, $"Racer {alone} alone did not complete the call.");
            await Task.WhenAny(call.Task, Task.Delay(TimeSpan.FromSeconds(5)));
            var outcome = call.Task.Status == TaskStatus.RanToCompletion ? "value"
                : call.Task.IsCanceled ? "cancelled"
                : call.Task.Exception!.InnerException!.GetType().Name;
            Assert.Equal(new[] { "value", nameof(TimeoutException), "cancelled", nameof(HostUnavailableException) }[alone], outcome);
            Assert.Null(_calls.Find(call.CallId));
            Assert.Equal(0, _outbox.InFlight);
        }
    }

    private static bool Cancelled(CancellationTokenSource cancellation, IPendingCall call)
    {
        cancellation.Cancel();
        return call.IsCompleted && call.Task.IsCanceled;
    }

    [Fact]
    public async Task A_call_completed_once_ignores_every_later_attempt_and_gives_its_slot_back_once()
    {
        using var cancellation = new CancellationTokenSource();
        var call = Started(cancellation.Token);
        Assert.Equal(1, _outbox.InFlight);

        Assert.True(call.TrySetValue(3));
        Assert.False(call.TrySetError(new TimeoutException()));
        Assert.False(call.TrySetCancelled());
        Assert.False(call.TrySetErrorLater(new HostUnavailableException("Lost.")));
        await cancellation.CancelAsync();

        Assert.Equal(3, await (Task<int>)call.Task);
        Assert.Equal(0, _outbox.InFlight);
        Assert.Equal(0, _calls.Count);
    }

    [Fact]
    public async Task A_cancelled_token_cancels_the_call_with_that_token()
    {
        using var cancellation = new CancellationTokenSource();
        var call = Started(cancellation.Token);

        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Task);
        Assert.Equal(cancellation.Token, error.CancellationToken);
        Assert.Equal(0, _outbox.InFlight);
        Assert.Null(_calls.Find(call.CallId));
    }

    [Fact]
    public async Task A_call_never_sent_gives_back_no_slot()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        var call = Get.CreatePending(false);
        call.Start(0, long.MaxValue, Get, (ManagedProxy)ManagedProxy.Create(typeof(IManagedDict<string, int>),
            new ObjectReference("/user/none", "d", "dict", "I", Guid.Empty, null), null!, _outbox, null), _calls, cancellation.Token);

        // The token was cancelled before the call started: starting it cancels it.
        Assert.False(call.TrySetCancelled());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Task);
        Assert.Equal(0, _outbox.InFlight);
    }

    [Fact]
    public void A_lost_connection_claims_each_kept_call_for_one_resend_at_a_time_and_fails_the_others()
    {
        var kept = Started();
        kept.Request = new CallRequest(kept.CallId, Get.Id, []);
        var other = Started();

        var resend = _calls.Lost(() => new HostUnavailableException("Lost."));

        Assert.Equal([kept], resend);
        Assert.True(other.IsCompleted);
        Assert.False(kept.IsCompleted);
        // Claimed: a second loss while the resend is under way leaves it to that resend.
        Assert.Empty(_calls.Lost(() => new HostUnavailableException("Lost again.")));
        kept.Resending(_outbox);
        Assert.Equal([kept], _calls.Lost(() => new HostUnavailableException("Lost once more.")));
    }

    [Fact]
    public async Task Answers_complete_their_calls_and_a_fault_comes_back_as_its_exception()
    {
        var ok = Started();
        var failed = Started();
        var codec = new ValueCodec(new TypeAllowList([]), null, trustWrittenTypes: false);

        var sessionUnknown = _calls.Complete(new Results([
            new CallResult(ok.CallId, false, codec.Encode(5)),
            new CallResult(failed.CallId, true, FaultInfo.From(new KeyNotFoundException("No 'x'.")).Encode()),
            new CallResult(12345, false, codec.Encode(1)),
        ]), codec);

        Assert.False(sessionUnknown);
        Assert.Equal(5, await (Task<int>)ok.Task);
        Assert.Equal("No 'x'.", (await Assert.ThrowsAsync<KeyNotFoundException>(() => failed.Task)).Message);
        Assert.Equal(0, _calls.Count);
        Assert.True(_calls.Complete(new Results([new CallResult(Started().CallId, true, FaultInfo.From(new SessionLostException("Unknown session.")).Encode())]), codec));
        // A wrong key is not a lost session: the client does not start over on its account.
        Assert.False(_calls.Complete(new Results([new CallResult(Started().CallId, true, FaultInfo.From(new AuthenticationException("Wrong key.")).Encode())]), codec));
    }

    [Fact]
    public async Task A_kept_call_the_host_refused_for_an_unknown_session_waits_to_go_again_and_another_fails()
    {
        var codec = new ValueCodec(new TypeAllowList([]), null, trustWrittenTypes: false);
        var kept = Started();
        kept.Request = new CallRequest(kept.CallId, Get.Id, []);
        var plain = Started();
        var lost = FaultInfo.From(new SessionLostException("Unknown session: the call did not run.")).Encode();
        Assert.True(_calls.Complete(new Results([new CallResult(kept.CallId, true, lost), new CallResult(plain.CallId, true, lost)]), codec,
            resendKept: true, out var again));

        // The kept call did not run: it stays pending for its resend on the next session, claimed once.
        Assert.Equal([kept], again!);
        Assert.False(kept.IsCompleted);
        Assert.False(kept.ClaimResend());
        await Assert.ThrowsAsync<SessionLostException>(() => plain.Task);
        Assert.True(kept.TrySetValue(3));
        Assert.Equal(3, await (Task<int>)kept.Task);
    }

    /// <summary>A connection that sends nothing anywhere (the calls here are completed by hand).</summary>
    private sealed class SilentChannel : ICallChannel
    {
        public ICallLane? Lane => new NoLane();

        public bool UsesLane => true;

        public Guid Session => Guid.Empty;

        public IActorRef ReplyTo => ActorRefs.Nobody;

        public void Unsent(CallRequest call, Exception error)
        {
        }

        private sealed class NoLane : ICallLane
        {
            public Exception? Send(string target, CallRequest call, TimeSpan wait, bool resent = false) => null;

            public void Cancel(string target, long callId)
            {
            }
        }
    }
}
