using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using ManagedActors.Codec;
using ManagedActors.Configuration;
using ManagedActors.Protocol;
using ManagedActors.Telemetry;

namespace ManagedActors.Lane;

/// <summary>
/// A client's direct lane to its host: one connection that carries the calls of the session, written from the caller's
/// thread when the connection is idle and coalesced behind a write under way, and a reader thread that completes the
/// pending calls from the answers. A caller with more calls outstanding than the cap waits in the call until one is
/// answered, so a loop that never awaits cannot fill memory.
/// </summary>
internal sealed class LaneChannel : ICallLane, IDisposable
{
    private readonly Stream _stream;
    private readonly FrameWriter<LaneItem> _writer;
    private readonly ILaneReceiver _receiver;
    private readonly LaneWatchdog _watchdog;
    private readonly int _maxOutstanding;
    private readonly object _capGate = new();
    private int _outstanding;
    private int _capWaiters;
    private int _closed;
    private readonly List<CallRequest> _run = [];
    private readonly object _readerGate = new();
    private readonly FrameReader _frames;
    private Thread? _reader;
    private long _completingSince;
    private readonly Heartbeat _heartbeat;

    /// <summary>
    /// How long a caller continuing on the reader thread may hold it before reading moves to a new thread. Long enough
    /// that a thread merely waiting for a core on a loaded machine keeps its batch (a move writes the batch's calls as
    /// they come, and the smaller frames persist: at 20 ms, 8 busy clients on 2 cores fell from 64 calls per write to 5).
    /// </summary>
    public const int StallMilliseconds = 200;

    private LaneChannel(Stream stream, LaneEnds ends)
    {
        _stream = stream;
        _receiver = ends.Receiver;
        _watchdog = ends.Watchdog;
        var settings = ends.Settings;
        _frames = new FrameReader(stream, settings.MaxMessageSize + LaneFrames.Overhead, ends.Instruments);
        _maxOutstanding = Math.Max(1, ends.Lane.MaxOutstandingCalls);
        _heartbeat = new Heartbeat(ends.Lane.HeartbeatInterval, ends.Lane.HeartbeatTimeout);
        var maxCalls = settings.MaxCallsPerMessage;
        var maxBytes = settings.MaxMessageSize;
        _writer = new FrameWriter<LaneItem>(stream, (w, items) => Encode(w, items, maxCalls, maxBytes), static item => item.Size, long.MaxValue, e => Close(e), ends.Instruments);
    }

    /// <summary>
    /// Connects to the host's data port and proves the session: checks the host's signed challenge, answers with the
    /// session and an ephemeral key signed by this endpoint's identity, waits for the host's accept byte, and seals
    /// everything after it under the keys the two agreed (<see cref="LaneHandshake"/>).
    /// </summary>
    public static async Task<LaneChannel> ConnectAsync(
        string host, int port, bool tls, LaneCredentials credentials, LaneEnds ends, CancellationToken cancellationToken)
    {
        var settings = ends.Lane;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        // Blocking calls only, on a pool thread: a socket that saw one asynchronous operation stays in non-blocking mode
        // for good, and every later blocking read would be relayed through the runtime's event thread, a hop per reply.
        // The timeout closes the socket, which ends a connect or read still waiting.
        var connect = Task.Run(() => Handshake(socket, host, port, tls, credentials, ends), CancellationToken.None);
        try
        {
            return await connect.WaitAsync(settings.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            socket.Dispose();
            _ = connect.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            if (e is TimeoutException)
            {
                throw new IOException($"The data port at {host}:{port} did not complete the lane handshake within {settings.ConnectTimeout.TotalSeconds:0.#} s.", e);
            }
            throw;
        }
    }

    private static LaneChannel Handshake(Socket socket, string host, int port, bool tls, LaneCredentials credentials, LaneEnds ends)
    {
        var settings = ends.Lane;
        Stream? stream = null;
        try
        {
            socket.Connect(host, port);
            socket.ReceiveTimeout = socket.SendTimeout = (int)settings.ConnectTimeout.TotalMilliseconds;
            stream = new NetworkStream(socket, ownsSocket: true);
            if (tls || settings.Tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                ssl.AuthenticateAsClient(new SslClientAuthenticationOptions
                {
                    TargetHost = settings.TlsServerName.Length > 0 ? settings.TlsServerName : host,
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) => settings.TlsThumbprint.Length > 0
                        ? certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), settings.TlsThumbprint.Replace(":", ""), StringComparison.OrdinalIgnoreCase)
                        : errors == SslPolicyErrors.None,
                });
            }
            stream = LaneHandshake.Prove(stream, credentials, LaneHandshake.Seals(settings, socket.RemoteEndPoint), $"{host}:{port}");
            socket.ReceiveTimeout = 0;
            socket.SendTimeout = (int)ends.Settings.CallTimeout.TotalMilliseconds;
            var lane = new LaneChannel(stream, ends);
            lock (lane._readerGate)
            {
                lane._reader = lane.StartReader();
            }
            ends.Watchdog.Watch(lane);
            return lane;
        }
        catch
        {
            stream?.Dispose();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends a call to the object at <paramref name="target"/>, waiting first while the cap of outstanding calls is
    /// reached. Null when sent; otherwise the error the call fails with. A <paramref name="resent"/> call (sent before
    /// on a lost connection) goes in a resend frame of its own.
    /// </summary>
    public Exception? Send(string target, CallRequest call, TimeSpan wait, bool resent = false)
    {
        if (!Acquire(wait))
        {
            return Volatile.Read(ref _closed) != 0
                ? new HostUnavailableException("The connection to the host was lost while the call waited for room.")
                : new TimeoutException($"The call waited {wait.TotalSeconds:0.###} s for one of the {_maxOutstanding} calls outstanding on the connection to be answered (managed-actors.direct.max-outstanding-calls).");
        }
        if (_writer.Write(new LaneItem(target, call, 0, resent)))
        {
            return null;
        }
        Release(1);
        return new HostUnavailableException("The connection to the host was lost.");
    }

    /// <summary>Withdraws a call; it answers with a cancellation (or its value, when that was already on its way).</summary>
    public void Cancel(string target, long callId) => _writer.Write(new LaneItem(target, null, callId));

    private bool Acquire(TimeSpan wait)
    {
        while (true)
        {
            var current = Volatile.Read(ref _outstanding);
            if (current >= _maxOutstanding)
            {
                break;
            }
            if (Interlocked.CompareExchange(ref _outstanding, current + 1, current) == current)
            {
                return true;
            }
        }
        var deadline = Environment.TickCount64 + (long)wait.TotalMilliseconds;
        lock (_capGate)
        {
            _capWaiters++;
            try
            {
                while (true)
                {
                    var current = Volatile.Read(ref _outstanding);
                    if (current < _maxOutstanding && Interlocked.CompareExchange(ref _outstanding, current + 1, current) == current)
                    {
                        return true;
                    }
                    var left = deadline - Environment.TickCount64;
                    if (Volatile.Read(ref _closed) != 0 || left <= 0)
                    {
                        return false;
                    }
                    Monitor.Wait(_capGate, TimeSpan.FromMilliseconds(Math.Min(left, 100)));
                }
            }
            finally
            {
                _capWaiters--;
            }
        }
    }

    private void Release(int count)
    {
        // A host that answers more than was asked cannot push the count below zero.
        var now = Interlocked.Add(ref _outstanding, -count);
        if (now < 0)
        {
            Interlocked.CompareExchange(ref _outstanding, 0, now);
        }
        if (Volatile.Read(ref _capWaiters) > 0)
        {
            lock (_capGate)
            {
                Monitor.PulseAll(_capGate);
            }
        }
    }

    /// <summary>
    /// Reads answers and completes their calls on this thread, whose callers continue here and send their next calls
    /// (held back by the cork until the batch is done, then written together). A caller that holds the thread longer
    /// than <see cref="StallMilliseconds"/> (blocking on something, or computing) gets the thread to itself: the
    /// watchdog starts another reader (<see cref="CheckReader"/>), and this one ends when its caller returns.
    /// </summary>
    private void ReadLoop()
    {
        var me = Thread.CurrentThread;
        Exception? cause = null;
        try
        {
            while (_frames.TryRead(out var frame))
            {
                _heartbeat.Heard();
                switch (frame.Kind)
                {
                    case LaneFrames.PongKind:
                        // A beat between two results frames: the calls corked behind the first must not wait for the
                        // next results, which may never come without them.
                        if (!_frames.HasBufferedFrame)
                        {
                            _writer.Uncork();
                        }
                        break;
                    case LaneFrames.ResultsKind:
                        var results = LaneFrames.ReadResults(frame.Buffer, frame.Offset, frame.Count);
                        Release(results.Items.Length);
                        _writer.Cork();
                        lock (_readerGate)
                        {
                            _completingSince = Environment.TickCount64 | 1;
                        }
                        _receiver.OnResults(results);
                        lock (_readerGate)
                        {
                            _completingSince = 0;
                            if (_reader != me)
                            {
                                // Handed over while a caller held this thread; the new reader owns the frames.
                                return;
                            }
                        }
                        if (!_frames.HasBufferedFrame)
                        {
                            _writer.Uncork();
                        }
                        break;
                    case LaneFrames.ShutdownKind:
                        _receiver.OnLaneShutdown(this);
                        break;
                    default:
                        throw new MalformedFrameException("lane", new FormatException($"Frame kind {frame.Kind} is not one a host sends."));
                }
            }
        }
        catch (Exception e)
        {
            cause = e;
        }
        lock (_readerGate)
        {
            if (_reader != me)
            {
                return;
            }
        }
        Close(cause);
    }

    /// <summary>
    /// Called by the <see cref="LaneWatchdog"/>: when a caller has held the reader thread past <see cref="StallMilliseconds"/>, a
    /// new thread takes over the reading, and the calls that caller's batch queued behind the cork are written.
    /// </summary>
    public void CheckReader()
    {
        lock (_readerGate)
        {
            if (_completingSince == 0 || Environment.TickCount64 - _completingSince < StallMilliseconds || Volatile.Read(ref _closed) != 0)
            {
                return;
            }
            _completingSince = 0;
            _reader = StartReader();
        }
        _writer.Uncork();
    }

    /// <summary>Called by the <see cref="LaneWatchdog"/>: pings a host it heard nothing from for a while, and gives up on one that stays silent.</summary>
    public void CheckHeartbeat(long now, bool late)
    {
        switch (_heartbeat.Check(now, late))
        {
            case Heartbeat.Beat.Ping:
                _writer.Write(LaneItem.Ping);
                break;
            case Heartbeat.Beat.Silent:
                Close(new IOException($"The host sent nothing on the direct lane for {_heartbeat.Timeout.TotalSeconds:0.#} s, not even an answer to a ping (direct.heartbeat-timeout): it is stopped or frozen."));
                break;
        }
    }

    private Thread StartReader()
    {
        var thread = new Thread(ReadLoop) { IsBackground = true, Name = "managed-actors-lane-client" };
        thread.Start();
        return thread;
    }

    private void Close(Exception? cause)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        _writer.Close();
        _stream.Dispose();
        _watchdog.Forget(this);
        lock (_capGate)
        {
            Monitor.PulseAll(_capGate);
        }
        _receiver.OnLaneLost(this, cause);
    }

    public void Dispose() => Close(null);

    /// <summary>Runs of calls to one object become one frame each (bounded in count and bytes); cancels go on their own.</summary>
    private void Encode(WireWriter w, List<LaneItem> items, int maxCalls, int maxBytes)
    {
        // Only the writing thread encodes, one batch at a time: the run list is reused.
        var calls = _run;
        string? target = null;
        var resent = false;
        var bytes = 0;
        foreach (var item in items)
        {
            if (item.Call is null || item.Target != target || item.Resent != resent || calls.Count >= maxCalls || bytes + item.Size > maxBytes)
            {
                Flush();
            }
            if (item.Call is null)
            {
                if (ReferenceEquals(item.Target, LaneItem.Ping.Target))
                {
                    LaneFrames.WritePing(w);
                }
                else
                {
                    LaneFrames.WriteCancel(w, item.Target, item.CancelId);
                }
                continue;
            }
            target = item.Target;
            resent = item.Resent;
            calls.Add(item.Call);
            bytes += item.Size;
        }
        Flush();

        void Flush()
        {
            if (calls.Count > 0)
            {
                LaneFrames.WriteCalls(w, target!, calls, 0, calls.Count, resent);
                calls.Clear();
                bytes = 0;
            }
        }
    }

    /// <summary>A call to send (<see cref="Resent"/>: again, after a lost connection), or (with no call) a cancel of <see cref="CancelId"/>.</summary>
    private readonly record struct LaneItem(string Target, CallRequest? Call, long CancelId, bool Resent = false)
    {
        /// <summary>A ping: no call, and a target string no cancel has (compared by reference).</summary>
        public static readonly LaneItem Ping = new(new string('\0', 1), null, 0);

        public int Size => (Call?.Args.Length ?? 0) + 16;
    }
}

/// <summary>What a client's lane is connected to on the client's side: its receiver, its settings and its watchdog.</summary>
/// <param name="Receiver">Takes the answers and hears of the end of the connection.</param>
/// <param name="Settings">The <c>managed-actors</c> section: frame limits and the call timeout.</param>
/// <param name="Lane">The lane's settings.</param>
/// <param name="Watchdog">Rescues the reader from a caller that holds it.</param>
/// <param name="Instruments">Where the lane counts its frames.</param>
internal sealed record LaneEnds(ILaneReceiver Receiver, ManagerSettings Settings, LaneSettings Lane, LaneWatchdog Watchdog, Instruments Instruments);
