using Akka.Actor;

namespace ManagedActors.Protocol;

/// <summary>
/// Sends answers in as few messages as fit the frame: many small replies share one message, but their sum never
/// passes managed-actors.max-message-size, which Akka.Remote would drop whole. A single reply over the limit was
/// already turned into a <see cref="MessageTooLargeException"/> fault by the object.
/// </summary>
internal static class ReplyFrames
{
    /// <summary>Bytes of framing per reply on top of its payload: call id, fault flag and length prefix, generously.</summary>
    private const int PerReplyOverhead = 24;

    /// <summary>Refuses a batch whose session is unknown, ended, or presented by another endpoint than the one that did the handshake.</summary>
    public static void RefuseSession(IActorRef replyTo, Calls calls, int maxMessageSize) =>
        Send(replyTo, Results.AllFailed(calls, new SessionLostException(
            "This host does not know the session for this connection (it restarted, or ended the session): the call did not run; the client connects again on its next call.")).Items, maxMessageSize);

    public static void Send(IActorRef replyTo, IReadOnlyList<CallResult> results, int maxMessageSize)
    {
        if (results.Count == 0)
        {
            return;
        }
        var start = 0;
        long size = 0;
        for (var i = 0; i < results.Count; i++)
        {
            var itemSize = results[i].Payload.Length + PerReplyOverhead;
            if (i > start && size + itemSize > maxMessageSize)
            {
                replyTo.Tell(new Results(Slice(results, start, i)));
                start = i;
                size = 0;
            }
            size += itemSize;
        }
        replyTo.Tell(new Results(Slice(results, start, results.Count)));
    }

    private static CallResult[] Slice(IReadOnlyList<CallResult> results, int from, int to)
    {
        var slice = new CallResult[to - from];
        for (var i = from; i < to; i++)
        {
            slice[i - from] = results[i];
        }
        return slice;
    }
}
