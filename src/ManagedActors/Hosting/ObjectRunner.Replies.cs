using Akka.Actor;
using ManagedActors.Protocol;

namespace ManagedActors.Hosting;

/// <summary>The runner's decoding of arguments and encoding of answers, and answers that go after their batch.</summary>
internal sealed partial class ObjectRunner
{
    private object?[] DecodeArguments(byte[] bytes, int expected)
    {
        var reader = new WireReader(bytes);
        int count;
        try
        {
            count = reader.ReadCount();
        }
        catch (FormatException e)
        {
            throw new ArgumentException("The arguments are malformed: " + e.Message, e);
        }
        if (count != expected)
        {
            throw new ArgumentException($"Expected {expected} arguments, got {count}.");
        }
        var args = count == 0 ? [] : new object?[count];
        for (var i = 0; i < count; i++)
        {
            args[i] = _host.Codec.Read(ref reader);
        }
        if (!reader.AtEnd)
        {
            throw new ArgumentException("Trailing bytes after the arguments.");
        }
        return args;
    }

    private bool TryEncode(object? value, out byte[] payload, out Exception? error)
    {
        try
        {
            payload = _host.Codec.Encode(value);
            if (payload.Length > _host.Settings.MaxMessageSize)
            {
                error = new MessageTooLargeException(payload.Length, _host.Settings.MaxMessageSize);
                return false;
            }
            error = null;
            return true;
        }
        catch (Exception e)
        {
            payload = [];
            error = e;
            return false;
        }
    }

    private void AddFault(long callId, Exception error) => _batch!.Add(new CallResult(callId, true, FaultInfo.From(error).Encode()));

    internal void SendReply(RunnerCall call, object? value)
    {
        _held?.Replying(value, call.Session);
        if (_batch is null)
        {
            _held?.Report(Target.StoredState, changed: true);
        }
        if (TryEncode(value, out var payload, out var error))
        {
            SendResult(call.ReplyTo, new CallResult(call.CallId, false, payload));
        }
        else
        {
            SendFault(call, error!);
        }
    }

    internal void SendFault(RunnerCall call, Exception error) =>
        SendResult(call.ReplyTo, new CallResult(call.CallId, true, FaultInfo.From(error).Encode()));

    /// <summary>Inside a batch a parked call's answer waits for the batch's end; outside one it goes at once.</summary>
    private void SendResult(IActorRef replyTo, CallResult result)
    {
        if (_batch is null)
        {
            ReplyFrames.Send(replyTo, [result], _host.Settings.MaxMessageSize);
            return;
        }
        _deferred ??= [];
        if (!_deferred.TryGetValue(replyTo, out var results))
        {
            _deferred[replyTo] = results = [];
        }
        results.Add(result);
    }
}
