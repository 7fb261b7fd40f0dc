using Akka.Actor;
using ManagedActors.Codec;

namespace ManagedActors.Protocol;

/// <summary>
/// The answers of the batch a runner is running: those of its own calls, and those of parked calls (of any client)
/// it made ready, which wait for the batch's end so every client gets one message. Outside a batch (a parked call's
/// timeout, say) an answer goes at once.
/// </summary>
internal sealed class ReplyBuffer(int maxMessageSize)
{
    private List<CallResult>? _results;
    private Dictionary<IActorRef, List<CallResult>>? _deferred;

    /// <summary>Whether a batch is running.</summary>
    public bool IsOpen => _results is not null;

    public void Open(int capacity)
    {
        _results = new List<CallResult>(capacity);
        _deferred = null;
    }

    /// <summary>An answer of the batch's own calls.</summary>
    public void Add(CallResult result) => _results!.Add(result);

    public void AddFault(long callId, Exception error) => Add(new CallResult(callId, true, FaultInfo.From(error).Encode()));

    /// <summary>The batch's answers so far.</summary>
    public List<CallResult> Results => _results!;

    /// <summary>An answer to a parked call: held for the batch's end inside a batch, sent at once outside one.</summary>
    public void Send(IActorRef replyTo, CallResult result)
    {
        if (_results is null)
        {
            ReplyFrames.Send(replyTo, [result], maxMessageSize);
            return;
        }
        _deferred ??= [];
        if (!_deferred.TryGetValue(replyTo, out var results))
        {
            _deferred[replyTo] = results = [];
        }
        results.Add(result);
    }

    /// <summary>Ends the batch: its answers and the parked calls' answers it holds.</summary>
    public (List<CallResult> Results, Dictionary<IActorRef, List<CallResult>>? Deferred) Close()
    {
        var closed = (_results ?? [], _deferred);
        _results = null;
        _deferred = null;
        return closed;
    }

    /// <summary>The encoded answer to a call, or the fault that says why it cannot be encoded (a value over the size limit, say).</summary>
    public static CallResult Answer(ValueCodec codec, long callId, object? value, int maxMessageSize)
    {
        try
        {
            var payload = codec.Encode(value);
            return payload.Length > maxMessageSize
                ? new CallResult(callId, true, FaultInfo.From(new MessageTooLargeException(payload.Length, maxMessageSize)).Encode())
                : new CallResult(callId, false, payload);
        }
        catch (Exception e)
        {
            return new CallResult(callId, true, FaultInfo.From(e).Encode());
        }
    }
}
