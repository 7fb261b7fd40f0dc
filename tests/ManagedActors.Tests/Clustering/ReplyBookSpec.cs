using Akka.Actor;
using Akka.TestKit.Xunit2;
using ManagedActors.Clustering;
using ManagedActors.Protocol;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Clustering;

/// <summary>
/// What a relaying host keeps is bounded: a reply target's key lives while the target is in use or a call waits under
/// it, and goes when it was idle longer than any call may wait; an entity's gauge goes with the entity.
/// </summary>
public sealed class ReplyBookSpec(ITestOutputHelper output) : TestKit(output: output)
{
    [Fact]
    public void A_reply_target_keeps_its_key_while_used_and_loses_it_when_idle_with_nothing_pending()
    {
        var book = new ReplyBook(_ => false);
        var idle = CreateTestProbe().Ref;
        var waiting = CreateTestProbe().Ref;
        var idleKey = book.KeyOf(idle);
        var waitingKey = book.KeyOf(waiting);
        Assert.Equal(idleKey, book.KeyOf(idle));
        book.Track(new EntityCalls("e", Guid.NewGuid(), waitingKey, new Calls(Guid.NewGuid(), [new CallRequest(1, 1, [])])));

        // Used within the last minute: nothing goes.
        book.ForgetIdle(TimeSpan.FromMinutes(1));
        Assert.Equal(2, book.Targets);

        // Idle past the bound: the target with a call waiting keeps its key, the other loses it.
        book.ForgetIdle(TimeSpan.FromMilliseconds(-1));
        Assert.Equal(1, book.Targets);
        Assert.Null(book.TargetOf(idleKey));
        Assert.Equal(waiting, book.TargetOf(waitingKey));

        // A target that comes back gets a new key; its old one names nothing.
        var again = book.KeyOf(idle);
        Assert.NotEqual(idleKey, again);
        Assert.Equal(idle, book.TargetOf(again));

        // Once its call is answered, the waiting target's key goes too.
        book.Answered(waitingKey, new Results([new CallResult(1, false, [])]));
        book.ForgetIdle(TimeSpan.FromMilliseconds(-1));
        Assert.Null(book.TargetOf(waitingKey));
    }

    [Fact]
    public void An_entity_s_gauge_goes_when_it_stops_unless_a_newer_start_replaced_it()
    {
        var status = new ShardStatus();
        var first = status.Started("managed-object|dict|named|a");
        var second = status.Started("managed-object|dict|named|a");
        status.Started("managed-object|dict|named|b");

        // The first start's stop comes late, after the entity started again: the newer gauge stays.
        status.Stopped("managed-object|dict|named|a", first);
        Assert.Equal(2, status.Running);

        status.Stopped("managed-object|dict|named|a", second);
        Assert.Equal(1, status.Running);
    }
}
