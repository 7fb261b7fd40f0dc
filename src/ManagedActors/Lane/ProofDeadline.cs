using System.Net.Sockets;

namespace ManagedActors.Lane;

/// <summary>
/// One deadline for a connection's whole proof, however it sends it: when it passes first, the socket is closed (a
/// read or write still waiting on it fails). A deadline per read would let a peer that drips one byte at a time hold the
/// connection for as many timeouts as the proof has bytes.
/// </summary>
internal sealed class ProofDeadline : IDisposable
{
    private const int Proving = 0, Proven = 1, Expired = 2;
    private readonly Socket _socket;
    private readonly Timer _timer;
    private int _state;

    public ProofDeadline(Socket socket, TimeSpan limit)
    {
        _socket = socket;
        _timer = new Timer(static s => ((ProofDeadline)s!).Expire(), this, limit, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The proof is complete: true when it came in time (the deadline no longer closes the socket).</summary>
    public bool InTime() => Interlocked.CompareExchange(ref _state, Proven, Proving) == Proving;

    public void Dispose() => _timer.Dispose();

    private void Expire()
    {
        if (Interlocked.CompareExchange(ref _state, Expired, Proving) == Proving)
        {
            _socket.Dispose();
        }
    }
}
