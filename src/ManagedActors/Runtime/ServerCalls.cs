using System.Diagnostics;
using ManagedActors.Protocol;
using ManagedActors.Telemetry;

namespace ManagedActors.Runtime;

/// <summary>
/// One call measured or traced on the host: a SERVER span under the caller's trace context, and a duration from its
/// arrival at the object to its answer. A call answered in its batch ends when the batch's answers go (after the
/// journal write, for a journaled object); a parked call ends with its own answer.
/// </summary>
internal sealed class ServerCall(Instruments? instruments, Activity? span, string method, long callId)
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public long CallId => callId;

    /// <summary>The call's span, parent of what the call causes on the host (its journal write).</summary>
    public Activity? Span => span;

    /// <summary>Ends the call with its answer: a fault's type is its error type.</summary>
    public void End(CallResult result)
    {
        if (!result.IsFault)
        {
            End(errorType: null);
            return;
        }
        try
        {
            End(FaultInfo.Decode(result.Payload).TypeName);
        }
        catch (FormatException)
        {
            End("_OTHER");
        }
    }

    public void End(string? errorType)
    {
        if (instruments is not null)
        {
            Instruments.RecordCall(instruments.ServerCallDuration, _start, method, errorType);
        }
        if (span is not null)
        {
            Tracing.Stop(span, error: null, errorType);
        }
    }
}

/// <summary>A journal write measured or traced: an INTERNAL span under the first traced call of its batch, and its duration.</summary>
internal sealed class JournalWrite(Instruments? instruments, Activity? span)
{
    private readonly long _start = Stopwatch.GetTimestamp();

    /// <summary>Starts observing the write of a batch whose calls are <paramref name="calls"/>; null while nobody listens.</summary>
    public static JournalWrite? Begin(Instruments instruments, List<ServerCall>? calls)
    {
        var measured = instruments.JournalWriteDuration.Enabled ? instruments : null;
        var parent = calls?.FirstOrDefault(c => c.Span is not null)?.Span;
        var span = parent is not null || calls is null ? Tracing.Start("journal/write", ActivityKind.Internal, parent?.Context ?? default) : null;
        return measured is null && span is null ? null : new JournalWrite(measured, span);
    }

    /// <summary>The write was confirmed, or failed with <paramref name="error"/>.</summary>
    public void End(Exception? error)
    {
        instruments?.JournalWriteDuration.Record(Instruments.Seconds(_start));
        if (span is not null)
        {
            Tracing.Stop(span, error);
        }
    }
}

/// <summary>The measuring and tracing of one object's calls: its calls' names, and the start and end of each observed call.</summary>
/// <param name="instruments">The host's instruments.</param>
/// <param name="kind">The object's kind, the first half of its calls' names.</param>
internal sealed class ServerCalls(Instruments instruments, string kind)
{
    private readonly Dictionary<int, string> _names = [];

    /// <summary>Whether anyone listens: the duration histogram, or a tracer. Checked once per batch.</summary>
    public bool Active => instruments.ServerCallDuration.Enabled || Tracing.Source.HasListeners();

    /// <summary>Starts observing <paramref name="item"/>, a call of <paramref name="binding"/>'s interface.</summary>
    public ServerCall Begin(CallRequest item, ObjectBinding binding)
    {
        if (!_names.TryGetValue(item.MethodId, out var name))
        {
            if (binding.TryFind(item.MethodId, out var method))
            {
                _names[item.MethodId] = name = kind + "/" + method.Contract.ImplementationName;
            }
            else
            {
                // OpenTelemetry's name for a method the server does not know: ids a client makes up are not kept.
                name = kind + "/_OTHER";
            }
        }
        return new ServerCall(Measured, Tracing.Start(name, ActivityKind.Server, item.Trace), name, item.CallId);
    }

    private Instruments? Measured => instruments.ServerCallDuration.Enabled ? instruments : null;

    /// <summary>
    /// Ends the observed calls of a batch with their answers, matched by call id (the answers keep the calls' order), or
    /// all with <paramref name="failure"/> when the batch failed as a whole.
    /// </summary>
    public static void End(List<ServerCall> calls, IReadOnlyList<CallResult> results, Exception? failure = null)
    {
        var next = 0;
        foreach (var call in calls)
        {
            if (failure is not null)
            {
                call.End(failure.GetType().FullName);
                continue;
            }
            var at = next;
            while (at < results.Count && results[at].CallId != call.CallId)
            {
                at++;
            }
            if (at < results.Count)
            {
                next = at + 1;
                call.End(results[at]);
            }
            else
            {
                call.End(errorType: null);
            }
        }
    }
}
