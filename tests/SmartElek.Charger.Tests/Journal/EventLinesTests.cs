using System.Text.RegularExpressions;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using static SmartElek.Charger.Journal.ChargerJournalEvents;

namespace SmartElek.Charger.Tests.Journal;

/// <summary>
/// Every event of a charger (sessions, journal, safety) has a line an operator can read: no record
/// braces, no 14-decimal numbers, amps to 0.1 A and kWh to 0.001, in the manual's words.
/// </summary>
public partial class EventLinesTests
{
    private static readonly ChargerId Charger3 = new("charger-3");
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 3, 14, 15, TimeSpan.Zero);

    // An awkward measured value, as the meter gives it.
    private const double Measured = 19.97937460326264;

    /// <summary>Every concrete event type of the charger's sessions, journal and safety, found by reflection.</summary>
    public static readonly Type[] EventTypes = typeof(IWireMessage).Assembly.GetTypes()
        .Where(t => typeof(IWireMessage).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
        .Where(t => t.Namespace is "SmartElek.Charger.Sessions" or "SmartElek.Charger.Journal" or "SmartElek.Charger.Safety")
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToArray();

    public static TheoryData<string> EventTypeNames() => [.. EventTypes.Select(t => t.FullName!)];

    [GeneratedRegex(@"\d\.\d{4,}")]
    private static partial Regex LongDecimal();

    [Fact]
    public void The_events_are_found()
    {
        // Sessions' eight, the journal's five: a reflection that finds nothing would pass the theory below vacuously.
        Assert.True(EventTypes.Length >= 13, string.Join(", ", EventTypes.Select(t => t.Name)));
        Assert.Contains(typeof(SessionEvents.PeakCurrentRaised), EventTypes);
        Assert.Contains(typeof(FaultRecorded), EventTypes);
    }

    [Theory]
    [MemberData(nameof(EventTypeNames))]
    public void Every_event_type_has_a_readable_line_for_every_value_of_its_enums(string typeName)
    {
        var type = EventTypes.Single(t => t.FullName == typeName);
        foreach (var e in Samples(type))
        {
            var words = EventLines.Describe(e);
            Assert.True(words is not null, $"{type.Name} has no readable line: add it to EventLines.Describe");
            var line = EventLines.Of(Charger3, e);
            Assert.StartsWith("charger-3: ", line.Text);
            Assert.Equal(line.Text, line.ToString());
            Assert.DoesNotContain("{", line.Text);
            Assert.DoesNotContain("}", line.Text);
            Assert.DoesNotContain(type.Name + " ", line.Text);
            Assert.DoesNotMatch(LongDecimal(), line.Text);
            Assert.Equal([e], line.Events);
        }
    }

    [Fact]
    public void The_issues_examples_read_as_the_manual_says()
    {
        var session = "charger-3-1796445170019";
        Assert.Equal("charger-3: charging at 20.0 A",
            Assert.Single(EventLines.Of(Charger3, [new SessionEvents.PeakCurrentRaised(session, T0, Measured), new SessionEvents.Charging(session, T0)])).Text);
        Assert.Equal("charger-1: vehicle plugged in, auto-start",
            Assert.Single(EventLines.Of(new ChargerId("charger-1"), [new SessionEvents.PluggedIn(session, T0, 0), new SessionEvents.Authorised(session, T0, "auto-start")])).Text);
        // A fault that waits for an unplug, and GFCI once its retries are spent: "Fault—Unplug to reset".
        Assert.Equal("charger-2: Vehicle draws more than offered — unplug to reset",
            EventLines.Of(new ChargerId("charger-2"), new FaultRecorded(new ChargerId("charger-2"), T0, FaultKind.OverCurrent, FaultEntryType.Raised, "32.4 A")).Text);
        Assert.Equal("charger-2: Ground fault (GFCI) trip — retries used up, unplug to reset",
            EventLines.Of(new ChargerId("charger-2"), new FaultRecorded(new ChargerId("charger-2"), T0, FaultKind.GfciTrip, FaultEntryType.Latched, "")).Text);
        Assert.Equal("charger-2: Ground fault (GFCI) trip — retries by itself in 15 min, up to 3 times",
            EventLines.Of(new ChargerId("charger-2"), new FaultRecorded(new ChargerId("charger-2"), T0, FaultKind.GfciTrip, FaultEntryType.Raised, "")).Text);
    }

    [Fact]
    public void Amps_are_shown_to_a_tenth_and_energy_to_the_watt_hour()
    {
        Assert.Equal("charger-3: charging at 20.0 A, the session's peak so far", EventLines.Of(Charger3, new SessionEvents.PeakCurrentRaised("s", T0, Measured)).Text);
        Assert.Equal("charger-3: vehicle unplugged, session 12.346 kWh", EventLines.Of(Charger3, new SessionEvents.PluggedOut("s", T0, 20_000, 12_345.678)).Text);
        Assert.Equal("charger-3: charging stopped (cut by a power loss) after 0.700 kWh, peak 16.0 A",
            EventLines.Of(Charger3, new SessionEvents.Stopped("s", T0, StopReason.PowerLoss, 1000, 700.0004, 15.96)).Text);
        Assert.Equal("charger-3: energy register at 1234.568 kWh, made durable", EventLines.Of(Charger3, new EnergyRecorded(Charger3, T0, 1_234_567.891, "s")).Text);
    }

    [Fact]
    public void Events_decided_together_read_as_one_line_where_they_say_one_thing_and_keep_every_record()
    {
        var events = new IWireMessage[]
        {
            new SessionEvents.PluggedIn("s", T0, 500),
            new SessionEvents.Authorised("s", T0, "auto-start"),
            new SessionEvents.SuspendedByEvse("s", T0),
            new SessionEvents.PeakCurrentRaised("s", T0, 12.04),
            new SessionEvents.Charging("s", T0),
            new SessionEvents.Stopped("s", T0, StopReason.EvDisconnected, 4500, 4000, 12.04),
            new SessionEvents.PluggedOut("s", T0, 4500, 4000),
        };
        var lines = EventLines.Of(Charger3, events);
        Assert.Equal(
        [
            "charger-3: vehicle plugged in, auto-start",
            "charger-3: plugged in, not charging: no current offered",
            "charger-3: charging at 12.0 A",
            "charger-3: vehicle unplugged: charging stopped after 4.000 kWh, peak 12.0 A",
        ], lines.Select(l => l.Text));
        Assert.Equal(events, lines.SelectMany(l => l.Events));
        // Started by someone, not auto-start: two things happened, two lines.
        Assert.Equal(
            ["charger-3: vehicle plugged in, not charging", "charger-3: charging started by TAG-7"],
            EventLines.Of(Charger3, [new SessionEvents.PluggedIn("s", T0, 0), new SessionEvents.Authorised("s", T0, "TAG-7")]).Select(l => l.Text));
    }

    [Fact]
    public void A_fault_says_how_it_clears_as_its_rule_does()
    {
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            var rule = FaultRules.For(kind);
            var raised = EventLines.Fault(kind, FaultEntryType.Raised);
            Assert.StartsWith(rule.Text + " — ", raised);
            Assert.EndsWith(rule.Clearing switch
            {
                FaultClearing.OnUnplug => "unplug to reset",
                FaultClearing.WithSetButton => "press SET to reset",
                FaultClearing.AutoRetry => $"up to {rule.MaxRetries} times",
                _ => "clears when the condition ends",
            }, raised);
            Assert.EndsWith("cleared", EventLines.Fault(kind, FaultEntryType.Cleared));
        }
    }

    /// <summary>
    /// Instances of an event type through its widest constructor: a measured double, a session id, the
    /// charger; one instance per value of each enum parameter. A parameter type it cannot make fails by name.
    /// </summary>
    private static IEnumerable<IWireMessage> Samples(Type type)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var parameters = constructor.GetParameters();
        var enumParameters = parameters.Where(p => p.ParameterType.IsEnum).ToList();
        var combinations = enumParameters.Aggregate(
            (IEnumerable<Dictionary<string, object>>)[new Dictionary<string, object>()],
            (sets, p) => sets.SelectMany(set => Enum.GetValues(p.ParameterType).Cast<object>().Select(v => new Dictionary<string, object>(set) { [p.Name!] = v })));
        foreach (var enums in combinations)
            yield return (IWireMessage)constructor.Invoke([.. parameters.Select(p => enums.TryGetValue(p.Name!, out var v) ? v : Value(type, p.ParameterType))]);
    }

    private static object? Value(Type owner, Type type) => type switch
    {
        _ when type == typeof(double) => Measured * 1000,
        _ when type == typeof(string) => "s-1",
        _ when type == typeof(DateTimeOffset) => T0,
        _ when type == typeof(DateTimeOffset?) => T0,
        _ when type == typeof(ChargerId) => Charger3,
        _ when type == typeof(ChargerSettings) => ChargerSettings.Factory with { MaxCurrent = Measured },
        _ when type == typeof(SessionState) => SessionState.Empty,
        _ when type == typeof(IReadOnlyList<FaultRecorded>) => Array.Empty<FaultRecorded>(),
        _ => throw new InvalidOperationException($"{owner.Name} has a parameter of type {type.Name}: teach EventLinesTests.Value to make one"),
    };
}
