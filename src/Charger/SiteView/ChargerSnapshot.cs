using System.Text.Json.Serialization;
using SmartElek.Charger.Button;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Leds;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using SmartElek.Site.Allocation;

namespace SmartElek.Site.View;

/// <summary>One part of an LED pattern as a screen draws it: lit or dark for so many milliseconds.</summary>
public readonly record struct LedSegmentView(bool On, int Milliseconds);

/// <summary>An LED as the manual describes it: its colour, its repeating pattern, and the pattern in words.</summary>
public sealed record LedView(LedColor Color, IReadOnlyList<LedSegmentView> Segments, string Text)
{
    public static LedView Of(LedPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return new(pattern.Color, [.. pattern.Segments.Select(s => new LedSegmentView(s.On, (int)Math.Round(s.Duration.TotalMilliseconds)))], pattern.Describe());
    }

    public bool SameAs(LedView? other) =>
        other is not null && Color == other.Color && Text == other.Text && Segments.SequenceEqual(other.Segments);
}

/// <summary>An active fault: what it is, since when, and how it clears (<see cref="FaultRules"/> tells the rest).</summary>
public sealed record FaultView(FaultKind Kind, DateTimeOffset Since, string Detail, bool Latched, DateTimeOffset? RetryAt, FaultClearing Clearing);

/// <summary>
/// One charger's state as every node of the site sees it: what the live table shows, its settings,
/// and its faults, with values rounded to what is shown (amps 0.1, energy 1 Wh), so that meter
/// noise below that does not travel. Published by the charger's node, kept by every node's view.
/// </summary>
/// <param name="At">When the charger's unit produced this state (its node's clock).</param>
/// <param name="SessionSince">Start of the session's time count (At minus the session's duration), null without a session.</param>
/// <param name="LastSessionId">The charger's last finished session (plugged out), null before its first; with its energy in
/// <paramref name="LastSessionWh"/>, so that whoever counts energy sees the end of a session that finished between two looks
/// (left out of the bytes until there is one: what an older node wrote reads and writes the same).</param>
/// <param name="Settings">The owner's settings as last read from the unit; null before the first read.</param>
public sealed record ChargerSnapshot(
    ChargerId Charger,
    string Name,
    DateTimeOffset At,
    PilotState Pilot,
    bool RelaysClosed,
    bool RelaysVerified,
    LedView StatusLed,
    LedView NetworkLed,
    double GrantedAmps,
    LimitReason? GrantLimit,
    double OfferedAmps,
    double DrawnAmps,
    double Volts,
    double PowerW,
    double FrequencyHz,
    double PowerFactor,
    double RegisterWh,
    bool RegisterRecovered,
    SessionPhase Session,
    string? SessionId,
    double SessionWh,
    DateTimeOffset? SessionSince,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LastSessionId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] double LastSessionWh,
    StopReason? StopReason,
    double EvLevelPercent,
    double EvRangeKm,
    IReadOnlyList<FaultView> Faults,
    ThermalLevel Thermal,
    int GfciTrips,
    SetButtonAction? LastButtonAction,
    double? OcppLimitAmps,
    bool Operative,
    ChargerSettings? Settings)
{
    /// <summary>Same state apart from the time it was taken (lists compared by content).</summary>
    public bool SameAs(ChargerSnapshot? other) =>
        other is not null
        && this with { At = other.At, StatusLed = other.StatusLed, NetworkLed = other.NetworkLed, Faults = other.Faults } == other
        && StatusLed.SameAs(other.StatusLed) && NetworkLed.SameAs(other.NetworkLed) && Faults.SequenceEqual(other.Faults);

    /// <summary>
    /// A change a person waits for (plug-in, session, LEDs, faults, offer or grant, settings,
    /// availability) rather than the meter's drift; the publisher sends it at once and the drift
    /// at most about once a second.
    /// </summary>
    public static bool IsMajorChange(ChargerSnapshot? before, ChargerSnapshot now)
    {
        ArgumentNullException.ThrowIfNull(now);
        if (before is null) return true;
        return before.Pilot != now.Pilot || before.RelaysClosed != now.RelaysClosed || before.Session != now.Session
               || before.SessionId != now.SessionId || !before.StatusLed.SameAs(now.StatusLed) || !before.NetworkLed.SameAs(now.NetworkLed)
               || !before.Faults.SequenceEqual(now.Faults) || before.GrantedAmps != now.GrantedAmps || before.GrantLimit != now.GrantLimit
               || before.OfferedAmps != now.OfferedAmps || before.Settings != now.Settings || before.Operative != now.Operative
               || before.OcppLimitAmps != now.OcppLimitAmps || before.Name != now.Name || before.LastButtonAction != now.LastButtonAction
               || before.Thermal != now.Thermal || before.RegisterRecovered != now.RegisterRecovered;
    }

    /// <summary>Rounds amps to 0.1 A (what is shown).</summary>
    public static double Amps(double amps) => Math.Round(amps, 1, MidpointRounding.AwayFromZero);
}
