using System.Globalization;
using System.Text.Json;
using Akka.Event;

namespace SmartElek.Host.Console;

/// <summary>
/// Akka's minimal logger (<c>akka.stdout-logger-class</c>): what an ActorSystem logs before its loggers
/// start and after they stop (remoting's last lines at shutdown) goes to stdout in the site's own form,
/// not in Akka's "[INFO][time][thread][path]" one, and as a JSON object when the log is JSON.
/// </summary>
public sealed class SiteStdoutLogger : MinimalLogger
{
    /// <summary>The type name for <c>akka.stdout-logger-class</c>.</summary>
    public static readonly string HoconName = $"{typeof(SiteStdoutLogger).FullName}, {typeof(SiteStdoutLogger).Assembly.GetName().Name}";

    // One format per process, set with the host's logging (SiteLogging); Akka creates this logger by its type name.
    private static volatile bool _json;

    internal static void UseJson(bool json) => _json = json;

    protected override void Log(object message)
    {
        if (message is not LogEvent e) return;
        var level = e.LogLevel() switch
        {
            LogLevel.DebugLevel => Microsoft.Extensions.Logging.LogLevel.Debug,
            LogLevel.InfoLevel => Microsoft.Extensions.Logging.LogLevel.Information,
            LogLevel.WarningLevel => Microsoft.Extensions.Logging.LogLevel.Warning,
            _ => Microsoft.Extensions.Logging.LogLevel.Error,
        };
        var text = AkkaLogBridge.WithSubject(e.LogSource, AkkaLogBridge.Text(e.Message)) + (e.Cause is { } cause ? $" ({cause.GetType().Name}: {cause.Message})" : "");
        System.Console.Out.WriteLine(_json
            ? JsonSerializer.Serialize(new
            {
                Timestamp = new DateTimeOffset(e.Timestamp, TimeSpan.Zero).ToLocalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
                LogLevel = level.ToString(),
                Category = e.LogClass?.FullName ?? "Akka",
                Message = text,
            })
            : $"{e.Timestamp.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {SiteLogFormatter.Level(level)} {text.ReplaceLineEndings(" ")}");
    }
}
