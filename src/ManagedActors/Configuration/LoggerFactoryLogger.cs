using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;
using AkkaLevel = Akka.Event.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace ManagedActors.Configuration;

/// <summary>Carries the application's <see cref="ILoggerFactory"/> into a library ActorSystem, for <see cref="LoggerFactoryLogger"/>.</summary>
internal sealed class LoggerFactorySetup(ILoggerFactory factory) : Setup
{
    public ILoggerFactory Factory { get; } = factory;
}

/// <summary>
/// The Akka logger of the library's ActorSystems when the application gives an <see cref="ILoggerFactory"/>
/// (<see cref="ManagerOptions.LoggerFactory"/>, the generic host's): each event goes to the logger whose category is
/// the class that logged it (<c>ManagedActors.Hosting.ManagerHost</c>, <c>Akka.Remote.EndpointWriter</c>), at the
/// matching level, with its cause as the exception and its source (the actor or the system) as a scope value. The
/// routine noise of peers going away is left out, as on standard error.
/// </summary>
internal sealed class LoggerFactoryLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    /// <summary>The logger's type name for <c>akka.loggers</c>.</summary>
    public const string TypeName = "ManagedActors.Configuration.LoggerFactoryLogger, ManagedActors";

    private readonly Dictionary<Type, ILogger> _loggers = [];

    public LoggerFactoryLogger()
    {
        var factory = Context.System.Settings.Setup.Get<LoggerFactorySetup>().Value?.Factory
            ?? throw new InvalidOperationException($"{nameof(LoggerFactoryLogger)} needs a {nameof(LoggerFactorySetup)} in its ActorSystem's setup.");
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            if (StandardErrorLogger.PeerGone.IsMatch(e.ToString()))
            {
                return;
            }
            var type = e.LogClass ?? typeof(LoggerFactoryLogger);
            if (!_loggers.TryGetValue(type, out var logger))
            {
                _loggers[type] = logger = factory.CreateLogger(type.FullName ?? type.Name);
            }
            var level = LevelOf(e.LogLevel());
            if (logger.IsEnabled(level))
            {
                Write(logger, level, e.LogSource, e.Message?.ToString(), e.Cause);
            }
        });
    }

    private static readonly Action<ILogger, string, string?, Exception?>[] Writers =
    [
        LoggerMessage.Define<string, string?>(LogLevel.Debug, default, "{Source}: {Message}"),
        LoggerMessage.Define<string, string?>(LogLevel.Information, default, "{Source}: {Message}"),
        LoggerMessage.Define<string, string?>(LogLevel.Warning, default, "{Source}: {Message}"),
        LoggerMessage.Define<string, string?>(LogLevel.Error, default, "{Source}: {Message}"),
    ];

    private static void Write(ILogger logger, LogLevel level, string source, string? message, Exception? cause) =>
        Writers[level switch { LogLevel.Debug => 0, LogLevel.Information => 1, LogLevel.Warning => 2, _ => 3 }](logger, source, message, cause);

    private static LogLevel LevelOf(AkkaLevel level) => level switch
    {
        AkkaLevel.DebugLevel => LogLevel.Debug,
        AkkaLevel.InfoLevel => LogLevel.Information,
        AkkaLevel.WarningLevel => LogLevel.Warning,
        _ => LogLevel.Error,
    };
}
