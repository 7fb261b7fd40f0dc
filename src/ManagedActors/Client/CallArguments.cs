using ManagedActors.Codec;
using ManagedActors.Configuration;

namespace ManagedActors.Client;

/// <summary>What a call carries and how long its caller waits: its encoded arguments, and its deadline.</summary>
internal static class CallArguments
{
    /// <summary>
    /// The arguments as <see cref="ValueCodec.DecodeArguments"/> reads them: the method's own (each shaped first, a lazy
    /// sequence into an array), without the cancellation token, and the caller's owner last for an owner-bound method.
    /// </summary>
    /// <exception cref="MessageTooLargeException">The arguments are over <c>managed-actors.max-message-size</c>.</exception>
    /// <exception cref="ManagedSerializationException">A value cannot be written.</exception>
    public static byte[] Encode(ValueCodec codec, ClientMethod method, object?[] args, Guid owner, int maxMessageSize)
    {
        using var writer = new WireWriter();
        var ownerBound = method.Contract.IsOwnerBound;
        writer.WriteVarUInt((ulong)(args.Length - (method.CancellationIndex >= 0 ? 1 : 0) + (ownerBound ? 1 : 0)));
        for (var i = 0; i < args.Length; i++)
        {
            if (i == method.CancellationIndex)
            {
                continue;
            }
            var shaper = method.ArgumentShapers[i];
            codec.Write(writer, shaper is null ? args[i] : shaper(args[i]));
        }
        if (ownerBound)
        {
            codec.Write(writer, owner);
        }
        if (writer.Length > maxMessageSize)
        {
            throw new MessageTooLargeException(writer.Length, maxMessageSize);
        }
        return writer.ToArray();
    }

    /// <summary>
    /// When the call gives up, in <see cref="Environment.TickCount64"/> milliseconds: a blocking call after its own timeout
    /// and the margin (never, without one), any other after the proxy's timeout or the default.
    /// </summary>
    public static long Deadline(ClientMethod method, object?[] args, TimeSpan? perProxy, ManagerSettings settings)
    {
        var now = Environment.TickCount64;
        if (!method.IsBlocking)
        {
            return now + (long)(perProxy ?? settings.CallTimeout).TotalMilliseconds;
        }
        return method.TimeoutIndex >= 0 && args[method.TimeoutIndex] is TimeSpan timeout
            ? now + (long)(Clamp(timeout) + settings.BlockingCallMargin).TotalMilliseconds
            : long.MaxValue;
    }

    private static TimeSpan Clamp(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : t;
}
