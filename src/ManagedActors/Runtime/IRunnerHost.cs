using Akka.Actor;

namespace ManagedActors.Runtime;

/// <summary>What a runner needs of the actor that holds it: a deadline timer and a place for adopted children.</summary>
internal interface IRunnerHost : IWithTimers
{
    /// <summary>Starts an object returned by a method (Python's <c>method_to_typeid</c>) as a child of this one.</summary>
    IActorRef SpawnChild(Props props, string name);

    /// <summary>Starts the periodic deadline sweep (it delivers <see cref="SweepDeadlines"/>) unless it runs already.</summary>
    void StartSweep(TimeSpan interval)
    {
        if (!Timers.IsTimerActive(SweepDeadlines.Key))
        {
            Timers.StartPeriodicTimer(SweepDeadlines.Key, SweepDeadlines.Instance, interval);
        }
    }

    void StopSweep() => Timers.Cancel(SweepDeadlines.Key);
}

/// <summary>The runner's periodic timer message: time out the parked calls whose deadline passed.</summary>
internal sealed record SweepDeadlines : INoSerializationVerificationNeeded
{
    public const string Key = "deadlines";

    public static readonly SweepDeadlines Instance = new();
}
