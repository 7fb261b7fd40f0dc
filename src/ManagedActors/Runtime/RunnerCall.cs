using Akka.Actor;
using ManagedActors.Objects;

namespace ManagedActors.Runtime;

/// <summary>A call served by an <see cref="ObjectRunner"/>: it parks in the runner and answers the client's reply target.</summary>
internal sealed class RunnerCall(ObjectRunner runner, IActorRef replyTo, Guid session, long callId, Guid? owner) : Call(session, callId, owner)
{
    public IActorRef ReplyTo { get; } = replyTo;

    protected override void OnParked(TimeSpan? timeout) => runner.Parked.Park(this, timeout);

    protected override void OnCompleted() => runner.Parked.Unpark(this);

    protected override void Send(object? value) => runner.SendReply(this, value);

    protected override void SendFault(Exception error) => runner.SendFault(this, error);
}
