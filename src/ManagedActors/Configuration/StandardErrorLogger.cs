using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace ManagedActors.Configuration;

/// <summary>
/// The Akka logger of the library's ActorSystems: one line per event on standard error, in the level names of .NET's
/// console logger (<c>warn: source: message</c>), so that standard output carries only what a program prints itself
/// (the host's addresses, a command's JSON). A cause follows on the same line as its type and message; its stack trace
/// only at the debug level.
/// </summary>
internal sealed class StandardErrorLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    /// <summary>The logger's type name for <c>akka.loggers</c>.</summary>
    public const string TypeName = "ManagedActors.Configuration.StandardErrorLogger, ManagedActors";

    /// <summary>
    /// Routine noise of a peer going away, left out of every library system's log (matched against the whole line,
    /// cause included): clients come and go, and a host really gone is an error at the caller.
    /// </summary>
    public static readonly Regex PeerGone = new(
        "EndpointDisassociatedException|address is now gated for|Association with remote system .* has failed|Shutdown finished, but flushing might not have been successful|Unable to REMOVE channel",
        RegexOptions.Compiled);

    private static readonly Lock Writing = new();

    public StandardErrorLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    /// <summary>One event as the line this logger writes.</summary>
    public static string Format(LogEvent e)
    {
        var level = e.LogLevel() switch
        {
            LogLevel.DebugLevel => "dbug",
            LogLevel.InfoLevel => "info",
            LogLevel.WarningLevel => "warn",
            _ => "fail",
        };
        var cause = e.Cause is null ? "" : e.LogLevel() == LogLevel.DebugLevel ? $" ({e.Cause})" : $" ({e.Cause.GetType().Name}: {e.Cause.Message})";
        return $"{level}: {e.LogSource}: {e.Message}{cause}";
    }

    private static void Write(LogEvent e)
    {
        if (PeerGone.IsMatch(e.ToString()))
        {
            return;
        }
        var line = Format(e);
        lock (Writing)
        {
            Console.Error.WriteLine(line);
        }
    }
}
