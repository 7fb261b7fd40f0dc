using Akka.Actor;
using Akka.TestKit.Xunit2;
using ManagedActors.Client;
using ManagedActors.Lane;
using ManagedActors.Protocol;
using Xunit;
using Xunit.Abstractions;

namespace ManagedActors.Tests.Client;

/// <summary>A session's outboxes: one per object, found again by its path, and never more than the table's bound.</summary>
public sealed class OutboxesSpec(ITestOutputHelper output) : TestKit(output: output)
{
    [Fact]
    public void An_object_s_outbox_is_found_again_by_its_path_and_the_table_stays_within_its_bound()
    {
        var outboxes = new Outboxes(Sys, new NoChannel(TestActor), maxCalls: 512, maxBytes: 1_000_000);
        var first = outboxes.For("akka://test/user/o1");
        Assert.Same(first, outboxes.For("akka://test/user/o1"));

        for (var i = 0; i < Outboxes.Capacity * 2; i++)
        {
            outboxes.For("akka://test/user/many-" + i);
            Assert.InRange(outboxes.Count, 1, Outboxes.Capacity);
        }
    }

    private sealed class NoChannel(IActorRef replyTo) : ICallChannel
    {
        public ICallLane? Lane => null;

        public bool UsesLane => false;

        public Guid Session => Guid.Empty;

        public IActorRef ReplyTo => replyTo;

        public void Unsent(CallRequest call, Exception error)
        {
        }
    }
}
