using ManagedActors.Protocol;

namespace ManagedActors.Lane;

/// <summary>How calls leave on a client's lane: written, or withdrawn.</summary>
internal interface ICallLane
{
    /// <summary>
    /// Sends a call to the object at <paramref name="target"/>, waiting first while the cap of outstanding calls is
    /// reached. Null when sent; otherwise the error the call fails with (<see cref="HostUnavailableException"/> when the
    /// connection closed). A <paramref name="resent"/> call goes in a resend frame of its own.
    /// </summary>
    Exception? Send(string target, CallRequest call, TimeSpan wait, bool resent = false);

    /// <summary>Withdraws a call; it answers with a cancellation (or its value, when that was already on its way).</summary>
    void Cancel(string target, long callId);
}
