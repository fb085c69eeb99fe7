using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Event;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Sessions;
using SmartElek.Host.Configuration;
using SmartElek.Host.Console;

namespace SmartElek.Host.Tests;

/// <summary>
/// The site's log: Akka's events reach the host's loggers as their messages alone, a charger's event as
/// its readable line with its records kept for Debug and JSON, and Console:LogFormat/LogLevel checked at start.
/// </summary>
public sealed partial class SiteLoggingTests : IDisposable
{
    private static readonly ChargerId Charger3 = new("charger-3");
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 3, 14, 15, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("smartelek-log-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>What reached the host's loggers.</summary>
    private sealed class Captured : ILoggerProvider
    {
        public sealed record Entry(LogLevel Level, string Category, string Message, IReadOnlyDictionary<string, object?> Properties);

        private readonly List<Entry> _entries = [];

        public IReadOnlyList<Entry> Entries { get { lock (_entries) return [.. _entries]; } }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() { }

        private sealed class Logger(Captured owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var properties = state is IReadOnlyList<KeyValuePair<string, object?>> list ? list.ToDictionary(p => p.Key, p => p.Value) : [];
                lock (owner._entries) owner._entries.Add(new Entry(logLevel, category, formatter(state, exception), properties));
            }
        }
    }

    private static async Task<T> Eventually<T>(Func<T> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var value = read();
            if (done(value)) return value;
            await Task.Delay(20);
        }
        throw new Xunit.Sdk.XunitException($"not within 20 s: {what}");
    }

    private static ActorSystem SystemLoggingTo(ILoggerFactory factory) =>
        ActorSystem.Create("log-bridge", BootstrapSetup.Create()
            .WithConfig(ConfigurationFactory.ParseString($"""
                akka.loggers = ["{AkkaLogBridge.HoconName}"]
                akka.stdout-loglevel = OFF
                akka.loglevel = INFO
                """))
            .And(new LoggerFactorySetup(factory)));

    [Fact]
    public async Task A_charger_event_logged_through_akka_reaches_the_events_pane_as_its_line_and_keeps_its_records_for_debug_and_json()
    {
        var captured = new Captured();
        var pane = new RecentLog(capacity: 20);
        using var factory = LoggerFactory.Create(b => b.AddProvider(captured).AddProvider(pane).SetMinimumLevel(LogLevel.Debug));
        using var system = SystemLoggingTo(factory);
        var peak = new SessionEvents.PeakCurrentRaised("s-1", T0, 19.97937460326264);
        var charging = new SessionEvents.Charging("s-1", T0);
        // As ChargerUnit logs the events its session decided.
        var log = Akka.Event.Logging.GetLogger(system, "charger-3");
        foreach (var line in EventLines.Of(Charger3, [peak, charging])) log.Info("{0}", line);

        var entries = await Eventually(() => captured.Entries, e => e.Any(x => x.Level == LogLevel.Debug && x.Message.Contains("Charging")), "the event and its records");
        var info = Assert.Single(entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("charger-3", StringComparison.Ordinal));
        Assert.Equal("charger-3: charging at 20.0 A", info.Message);
        Assert.Equal("charger-3", info.Properties["Charger"]);
        Assert.Equal("session.peak-current.v1,session.charging.v1", info.Properties["EventType"]);
        Assert.Contains("Amps = 19.97937460326264", (string)info.Properties["Event"]!);
        // At Debug, the full records under the line.
        Assert.Equal([$"charger-3: {peak}", $"charger-3: {charging}"], entries.Where(e => e.Level == LogLevel.Debug).Select(e => e.Message));
        // The live table's events pane shows the line only: one time, one level, the words.
        var shown = await Eventually(() => pane.Lines, l => l.Any(x => x.Contains("charger-3", StringComparison.Ordinal)), "the events pane");
        Assert.Matches(@"^\d\d:\d\d:\d\d INF charger-3: charging at 20\.0 A$", Assert.Single(shown, x => x.Contains("charger-3", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Akkas_own_messages_come_without_its_prefix_and_say_whose_they_are()
    {
        var captured = new Captured();
        using var factory = LoggerFactory.Create(b => b.AddProvider(captured).SetMinimumLevel(LogLevel.Information));
        using var system = SystemLoggingTo(factory);
        var fault = ChargerJournalEvents.FaultRecorded.Of(Charger3, new FaultLogEntry(TimeSpan.FromHours(1), FaultKind.OverCurrent, FaultEntryType.Raised, "32.4 A"));
        system.ActorOf(Props.Create(() => new Talker(fault)), "charger-3");

        static bool Ours(Captured.Entry e) => e.Category.StartsWith(typeof(SiteLoggingTests).FullName!, StringComparison.Ordinal);
        var entries = await Eventually(() => captured.Entries, e => e.Count(Ours) >= 2, "the actors' lines");
        var talker = entries.Where(Ours).ToList();
        Assert.Contains(talker, e => e is { Level: LogLevel.Warning, Message: "charger-3: Vehicle draws more than offered — unplug to reset" });
        Assert.Contains(talker, e => e.Message == "charger-3/journal-guard: Persistent actor journal recovered");
        Assert.All(entries, e => Assert.DoesNotContain("[INFO]", e.Message));
        Assert.All(entries, e => Assert.DoesNotMatch(@"\[Thread \d+\]", e.Message));
    }

    private sealed class Talker : ReceiveActor
    {
        public Talker(ChargerJournalEvents.FaultRecorded fault)
        {
            Context.GetLogger().Warning("{0}", EventLines.Of(Charger3, fault));
            Context.ActorOf(Props.Create(() => new Quiet()), "journal-guard");
        }
    }

    private sealed class Quiet : ReceiveActor
    {
        // An Akka-style message that names no one: whose it is comes from the actor's path.
        public Quiet() => Context.GetLogger().Info("Persistent actor journal recovered");
    }

    [Theory]
    [InlineData("akka://smartelek-unit/user/charger-6/journal-guard", "Persistent actor journal recovered", "charger-6/journal-guard: Persistent actor journal recovered")]
    [InlineData("akka://smartelek-unit/user/charger-1", "Charger charger-1: shut down (journal flushed)", "Charger charger-1: shut down (journal flushed)")]
    [InlineData("akka://smartelek-unit/user/vehicle-traffic", "charger-1: vehicle arrives", "charger-1: vehicle arrives")]
    [InlineData("Cluster (akka://smartelek-site)", "Cluster Node [akka.tcp://smartelek-site@127.0.0.1:1] - Started up successfully", "Cluster Node [akka.tcp://smartelek-site@127.0.0.1:1] - Started up successfully")]
    public void A_message_gets_its_actor_only_when_it_does_not_say_whose_it_is(string source, string message, string expected) =>
        Assert.Equal(expected, AkkaLogBridge.WithSubject(source, message));

    [Fact]
    public void The_text_format_is_one_line_per_entry_with_one_time_and_one_level()
    {
        var writer = new StringWriter();
        new SiteLogFormatter().Write(new LogEntry<string>(LogLevel.Warning, "SmartElek.Actors.Charger.ChargerUnit", default, "charger-2: GFCI\nself-test failed", null, (s, _) => s), null, writer);
        Assert.Matches(@"^\d\d:\d\d:\d\d WRN charger-2: GFCI self-test failed\r?\n$", writer.ToString());
    }

    private string Write(string json)
    {
        var path = Path.Combine(_folder, "host.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void The_log_format_and_level_are_checked_at_start_naming_the_key()
    {
        var e = Assert.Throws<ConfigException>(() => HostConfiguration.Load(Write("""{ "Console": { "LogFormat": "xml", "LogLevel": "Chatty" } }""")));
        Assert.Contains(e.Errors, x => x.Key == SiteLogging.FormatKey && x.Reason.Contains("'xml'") && x.Reason.Contains("text, json"));
        Assert.Contains(e.Errors, x => x.Key == SiteLogging.LevelKey && x.Reason.Contains("'Chatty'") && x.Reason.Contains("Debug"));
        var json = HostConfiguration.Load(Write("""{ "Console": { "LogFormat": "JSON", "LogLevel": "debug" } }"""));
        Assert.True(SiteLogging.IsJson(json.Console));
        Assert.Equal(LogLevel.Debug, SiteLogging.LevelOf(json.Console));
        var defaults = HostConfiguration.Load(Repository.Config("host.json"));
        Assert.False(SiteLogging.IsJson(defaults.Console));
        Assert.Equal(LogLevel.Information, SiteLogging.LevelOf(defaults.Console));
    }
}
