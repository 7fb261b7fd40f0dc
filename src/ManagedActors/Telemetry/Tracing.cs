using System.Diagnostics;

namespace ManagedActors.Telemetry;

/// <summary>
/// The <c>ManagedActors</c> activity source: a CLIENT span per proxy call, a SERVER span per call on the host, an
/// INTERNAL span per journal write. A span is made only when a listener samples it, and it never stays the ambient
/// <see cref="Activity.Current"/>: a call's span ends on whatever thread answers it (a lane's reader, an actor's), and
/// the code that ran there before must find the ambient activity it had.
/// </summary>
internal static class Tracing
{
    /// <summary>The environment variables that carry a trace context to a child process.</summary>
    public const string TraceParentVariable = "TRACEPARENT", TraceStateVariable = "TRACESTATE";

    public static readonly ActivitySource Source = new(Instruments.Name, typeof(Tracing).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Starts a span of <paramref name="kind"/> under <paramref name="parent"/> (none: a new trace) and leaves the ambient
    /// activity as it was; a CLIENT or SERVER span is a call, named and tagged by its method.
    /// </summary>
    public static Activity? Start(string name, ActivityKind kind, ActivityContext parent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var ambient = Activity.Current;
        var activity = Source.StartActivity(name, kind, parent);
        if (activity is not null)
        {
            Activity.Current = ambient;
            if (kind is ActivityKind.Client or ActivityKind.Server && activity.IsAllDataRequested)
            {
                activity.SetTag(Attributes.RpcSystem, Attributes.System);
                activity.SetTag(Attributes.RpcMethod, name);
            }
        }
        return activity;
    }

    /// <summary>Ends <paramref name="activity"/>, with an error status and the exception event when <paramref name="error"/> is set.</summary>
    public static void Stop(Activity activity, Exception? error = null, string? errorType = null)
    {
        if (error is not null || errorType is not null)
        {
            var type = errorType ?? error!.GetType().FullName;
            activity.SetTag(Attributes.ErrorType, type);
            activity.SetStatus(ActivityStatusCode.Error, error?.Message ?? type);
            if (error is not null)
            {
                activity.AddException(error);
            }
        }
        var ambient = Activity.Current;
        activity.Stop();
        Activity.Current = ambient;
    }

    /// <summary>The W3C <c>traceparent</c> of <paramref name="context"/>, for a child process's environment; null when it is none.</summary>
    public static string? TraceParent(ActivityContext context) =>
        context.TraceId == default ? null : $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(byte)context.TraceFlags:x2}";

    /// <summary>The context a child process was started in, read from its <c>TRACEPARENT</c>/<c>TRACESTATE</c>; default when none or malformed.</summary>
    public static ActivityContext Inherited(string? traceParent, string? traceState) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
}
