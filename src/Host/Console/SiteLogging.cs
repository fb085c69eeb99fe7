using Microsoft.Extensions.Logging;
using SmartElek.Host.Configuration;

namespace SmartElek.Host.Console;

/// <summary>
/// Where the site's log goes and how it reads: under the live table on a terminal (<see cref="RecentLog"/>),
/// otherwise on stdout as one readable line per entry (<see cref="SiteLogFormatter"/>) or one JSON object
/// per line (<c>Console:LogFormat</c>). Akka's log reaches it through <see cref="AkkaLogBridge"/>, so a line
/// carries one time and one level, not Akka's own prefix as well.
/// </summary>
public static class SiteLogging
{
    public const string FormatKey = "Console:LogFormat";
    public const string LevelKey = "Console:LogLevel";

    private static readonly string[] Formats = ["text", "json"];
    private static readonly LogLevel[] Levels = [LogLevel.Debug, LogLevel.Information, LogLevel.Warning, LogLevel.Error];

    /// <summary>The level of a validated configuration.</summary>
    public static LogLevel LevelOf(ConsoleOptions options) => Levels.First(l => l.ToString().Equals(options.LogLevel.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>True for the JSON format of a validated configuration.</summary>
    public static bool IsJson(ConsoleOptions options) => options.LogFormat.Trim().Equals("json", StringComparison.OrdinalIgnoreCase);

    public static IEnumerable<ConfigError> Errors(ConsoleOptions options, string file)
    {
        if (!Formats.Contains(options.LogFormat?.Trim(), StringComparer.OrdinalIgnoreCase))
            yield return new ConfigError(file, FormatKey, $"'{options.LogFormat}' is not one of {string.Join(", ", Formats)}");
        if (!Levels.Any(l => l.ToString().Equals(options.LogLevel?.Trim(), StringComparison.OrdinalIgnoreCase)))
            yield return new ConfigError(file, LevelKey, $"'{options.LogLevel}' is not one of {string.Join(", ", Levels)}");
    }

    /// <summary>The host's log providers and level for this configuration.</summary>
    public static void AddSiteLogging(this ILoggingBuilder logging, ConsoleOptions options, RecentLog recentLog)
    {
        logging.ClearProviders();
        SiteStdoutLogger.UseJson(IsJson(options) && !LiveStatusConsole.UsesLiveTable(options));
        if (LiveStatusConsole.UsesLiveTable(options))
            logging.AddProvider(recentLog);
        else if (IsJson(options))
            logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffzzz");
        else
            logging.AddConsole(o => o.FormatterName = SiteLogFormatter.Name).AddConsoleFormatter<SiteLogFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        logging.SetMinimumLevel(LevelOf(options));
        // Debug is for the chargers' event records; the hosting framework's own debug chatter stays out.
        logging.AddFilter("Microsoft", LogLevel.Information);
        // Kestrel and routing log each request in two to four lines: a dashboard polling the API would bury the
        // chargers' events. Their warnings and errors still show; the API's own start line is the Operator's.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
    }
}
