using Akka.Actor;
using ManagedActors.Codec;
using ManagedActors.Protocol;

namespace ManagedActors.Lane;

/// <summary>
/// One proven direct-lane connection: a reader thread that hands each batch of calls straight to its object's actor,
/// and a reply target whose <c>Tell</c> writes the answers to the connection. No actor sits between the socket and the
/// objects; the objects' mailboxes stay the only place state changes.
/// </summary>
internal sealed class LaneConnection : IDisposable
{
    private readonly LaneListener _listener;
    private readonly Stream _stream;
    private readonly FrameWriter<Results> _writer;
    private int _closed;

    public LaneConnection(LaneListener listener, Stream stream, Guid session, IActorRefProvider provider)
    {
        _listener = listener;
        _stream = stream;
        Session = session;
        _writer = new FrameWriter<Results>(stream, EncodeResults, SizeOf, listener.Lane.MaxQueuedBytes, e => Close(e), listener.Instruments);
        ReplyTarget = new LaneReplyTarget(provider, provider.TempPath(), _writer);
    }

    /// <summary>The session the connection proved; it ends when the connection does.</summary>
    public Guid Session { get; }

    /// <summary>What object actors answer: the sender of every batch this connection delivers.</summary>
    public IActorRef ReplyTarget { get; }

    /// <summary>Reads and delivers frames until the connection ends; runs on the connection's own thread.</summary>
    public void ReadLoop()
    {
        Exception? cause = null;
        var settings = _listener.Settings;
        try
        {
            var reader = new FrameReader(_stream, settings.MaxMessageSize + LaneFrames.Overhead, _listener.Instruments);
            while (reader.TryRead(out var frame))
            {
                // A client that sends calls and does not read its answers gets no more calls read.
                if (!_writer.WaitForRoom(settings.CallTimeout))
                {
                    throw new IOException("The client did not read its replies within the call timeout.");
                }
                Dispatch(frame);
            }
        }
        catch (Exception e)
        {
            cause = e;
        }
        finally
        {
            Close(cause);
        }
    }

    private void Dispatch(FrameReader.Frame frame)
    {
        switch (frame.Kind)
        {
            case LaneFrames.CallsKind:
            case LaneFrames.ResendKind:
            {
                var (target, calls) = LaneFrames.ReadCalls(frame.Buffer, frame.Offset, frame.Count);
                var batch = new Calls(Session, calls, frame.Kind == LaneFrames.ResendKind);
                if (_listener.Route(target) is { } actor)
                {
                    // An object with nothing else to do serves the batch on this thread (see InlineExecutor).
                    InlineExecutor.Deliver(static s => s.Actor.Tell(s.Batch, s.ReplyTo), (Actor: actor, Batch: batch, ReplyTo: ReplyTarget));
                }
                else
                {
                    ReplyTarget.Tell(Results.AllFailed(batch, new ObjectNotFoundException($"'{target}' is not an object of this host.")));
                }
                break;
            }
            case LaneFrames.CancelKind:
            {
                var (target, callId) = LaneFrames.ReadCancel(frame.Buffer, frame.Offset, frame.Count);
                _listener.Route(target)?.Tell(new CancelCall(Session, callId), ReplyTarget);
                break;
            }
            case LaneFrames.PingKind when frame.Count == 0:
                // Answered from this thread, past any object: the client learns that the host reads its connection.
                _writer.Write(LaneFrames.Pong);
                break;
            default:
                throw new MalformedFrameException("lane", new FormatException($"Frame kind {frame.Kind} is not one a client sends."));
        }
    }

    /// <summary>A heartbeat: an empty frame that tells the client the host is there, whatever its reader is doing.</summary>
    public void Beat() => _writer.Write(LaneFrames.Pong);

    /// <summary>The host shuts down in order: the client hears it on the lane after its last answers, then the connection closes.</summary>
    public void Shutdown()
    {
        if (_writer.Write(LaneFrames.Shutdown))
        {
            _writer.Flush(TimeSpan.FromSeconds(1));
        }
        Close();
    }

    /// <summary>Closes the connection once: the writer refuses more, the socket goes, the session ends.</summary>
    public void Close(Exception? cause = null)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        _writer.Close();
        _stream.Dispose();
        _listener.Closed(this, cause);
    }

    public void Dispose() => Close();

    private static void EncodeResults(WireWriter w, List<Results> batch)
    {
        foreach (var results in batch)
        {
            LaneFrames.WriteResults(w, results);
        }
    }

    private static int SizeOf(Results results)
    {
        var size = 8;
        foreach (var item in results.Items)
        {
            size += item.Payload.Length + 16;
        }
        return size;
    }
}

/// <summary>The sender of a lane's calls: answers told to it are written to the connection, anything else is dropped.</summary>
internal sealed class LaneReplyTarget(IActorRefProvider provider, ActorPath path, FrameWriter<Results> writer) : MinimalActorRef
{
    public override ActorPath Path => path;

    public override IActorRefProvider Provider => provider;

    protected override void TellInternal(object message, IActorRef sender)
    {
        if (message is Results results)
        {
            writer.Write(results);
        }
    }
}
