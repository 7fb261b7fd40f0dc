using ManagedActors.Protocol;

namespace ManagedActors.Lane;

/// <summary>What a client's lane tells the client: the answers it reads, and the end of the connection.</summary>
internal interface ILaneReceiver
{
    /// <summary>A batch of answers, on the lane's reader thread (a caller may continue on it).</summary>
    void OnResults(Results results);

    /// <summary>The host said it shuts down in order, after its last answers.</summary>
    void OnLaneShutdown(LaneChannel lane);

    /// <summary>The connection closed or broke (<paramref name="cause"/> null when it was closed here or in order).</summary>
    void OnLaneLost(LaneChannel lane, Exception? cause);
}
