using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace SmartElek.Host.Console;

/// <summary>
/// The text log on stdout: "HH:mm:ss INF message", one line per entry, the same shape as the live
/// table's events pane; an exception is told on the same line by its types and messages (the JSON
/// format carries its stack trace). The category is left out: the site's messages name what they are
/// about ("charger-3: charging at 20.0 A").
/// </summary>
public sealed class SiteLogFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "site";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null) return;
        textWriter.Write(DateTime.Now.ToString("HH:mm:ss ", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(' ');
        // One entry, one line: a message with line breaks in it would look like several entries.
        textWriter.Write(message?.ReplaceLineEndings(" ") ?? "");
        if (logEntry.Exception is { } e)
        {
            if (!string.IsNullOrEmpty(message)) textWriter.Write(" | ");
            textWriter.Write(Summary(e));
        }
        textWriter.WriteLine();
    }

    /// <summary>An exception and its inner ones as "Type: message ← Type: message", on one line.</summary>
    public static string Summary(Exception e)
    {
        var parts = new List<string>();
        for (Exception? x = e; x is not null && parts.Count < 5; x = x.InnerException)
            parts.Add($"{x.GetType().Name}: {x.Message.ReplaceLineEndings(" ")}");
        return string.Join(" ← ", parts);
    }

    /// <summary>The three letters of a level, as the events pane shows them.</summary>
    public static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRC",
        LogLevel.Debug => "DBG",
        LogLevel.Information => "INF",
        LogLevel.Warning => "WRN",
        LogLevel.Error => "ERR",
        _ => "CRT",
    };
}
