using System.Collections;
using System.Reflection;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using SmartElek.Charger.Journal;
using MelLevel = Microsoft.Extensions.Logging.LogLevel;

namespace SmartElek.Host.Console;

/// <summary>
/// An Akka logger that hands each log event to the host's <see cref="ILoggerFactory"/> as its message
/// alone (Akka's "[INFO][time][thread][path]" prefix would double the host's time and level). A charger's
/// event (<see cref="EventLine"/>) goes as its readable line, with its records kept: as properties of the
/// entry (the JSON format shows them) and, at Debug, one line per full record under it.
/// Both of a node's ActorSystems log through it (<see cref="HoconName"/>), with the factory from Akka.Hosting's
/// <see cref="LoggerFactorySetup"/>.
/// </summary>
public sealed partial class AkkaLogBridge : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    /// <summary>The type name for <c>akka.loggers</c>.</summary>
    public static readonly string HoconName = $"{typeof(AkkaLogBridge).FullName}, {typeof(AkkaLogBridge).Assembly.GetName().Name}";

    private readonly ILoggerFactory _factory;
    private readonly Dictionary<Type, ILogger> _loggers = [];

    public AkkaLogBridge()
    {
        var setup = Context.System.Settings.Setup.Get<LoggerFactorySetup>();
        if (!setup.HasValue)
            throw new ConfigurationException($"{nameof(AkkaLogBridge)} needs a {nameof(LoggerFactorySetup)} in the ActorSystem's setup.");
        _factory = setup.Value.LoggerFactory;
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent e:
                Write(e);
                return true;
            default:
                return false;
        }
    }

    private void Write(LogEvent e)
    {
        var type = e.LogClass ?? typeof(ActorSystem);
        if (!_loggers.TryGetValue(type, out var logger))
            _loggers[type] = logger = _factory.CreateLogger(type.FullName ?? "Akka");
        var level = LevelOf(e.LogLevel());
        if (!logger.IsEnabled(level)) return;
        var line = e.Message is LogMessage m ? m.Parameters().OfType<EventLine>().FirstOrDefault() : null;
        var entry = new Entry(WithSubject(e.LogSource, Text(e.Message)), e.LogSource, line);
        logger.Log(level, default, entry, e.Cause, static (s, _) => s.Message);
        if (line is null || !logger.IsEnabled(MelLevel.Debug)) return;
        foreach (var record in line.Events)
            logger.Log(MelLevel.Debug, default, new Entry($"{line.Charger.Value}: {record}", e.LogSource, null), null, static (s, _) => s.Message);
    }

    // The formatted message; a message that cannot be formatted is shown as its format, not lost.
    internal static string Text(object? message)
    {
        try
        {
            return message?.ToString() ?? "";
        }
        catch (FormatException)
        {
            return message is LogMessage m ? m.Format : "(a log message that cannot be formatted)";
        }
    }

    /// <summary>
    /// The message, after the actor it is about when it does not say so itself: without Akka's prefix a
    /// line such as "Persistent actor journal recovered" would not tell whose ("charger-6/journal-guard: ...").
    /// </summary>
    public static string WithSubject(string source, string message)
    {
        var user = source.IndexOf("/user/", StringComparison.Ordinal);
        if (user < 0) return message;
        var path = source[(user + "/user/".Length)..];
        var top = path.Split('/')[0];
        return Subject().IsMatch(message) || message.Contains(top, StringComparison.Ordinal) ? message : $"{path}: {message}";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[\w.-]+: ")]
    private static partial System.Text.RegularExpressions.Regex Subject();

    private static MelLevel LevelOf(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => MelLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => MelLevel.Information,
        Akka.Event.LogLevel.WarningLevel => MelLevel.Warning,
        _ => MelLevel.Error,
    };

    /// <summary>What an entry carries: its message, the actor it came from and, for a charger's event, the records.</summary>
    private sealed class Entry(string message, string source, EventLine? line) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly KeyValuePair<string, object?>[] _items = line is null
            ? [new("Source", source)]
            :
            [
                new("Source", source),
                new("Charger", line.Charger.Value),
                new("EventType", string.Join(",", line.Events.Select(WireName))),
                new("Event", string.Join("; ", line.Events)),
            ];

        public string Message { get; } = message;

        public KeyValuePair<string, object?> this[int index] => _items[index];

        public int Count => _items.Length;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_items).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;

        private static string WireName(IWireMessage e) => e.GetType().GetCustomAttribute<WireNameAttribute>()?.Name ?? e.GetType().Name;
    }
}
