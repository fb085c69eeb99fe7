using System.Globalization;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using static SmartElek.Charger.Journal.ChargerJournalEvents;

namespace SmartElek.Charger.Journal;

/// <summary>
/// One event of a charger as an operator reads it: its line in the words of the manual ("charger-3:
/// charging at 20.0 A"), and the records it says, kept for a debug log or a JSON log.
/// <see cref="ToString"/> is the line, so any logger prints it readably.
/// </summary>
public sealed record EventLine(ChargerId Charger, string Text, IReadOnlyList<IWireMessage> Events)
{
    public override string ToString() => Text;
}

/// <summary>
/// The readable lines of a charger's session, journal and fault events: amps to 0.1 A, energy to
/// 0.001 kWh, fault kinds with how they clear, as the manual's STATUS LED table says them. Pure.
/// </summary>
public static class EventLines
{
    /// <summary>The line of one event.</summary>
    public static EventLine Of(ChargerId charger, IWireMessage e) =>
        // A type added later still logs, by its name, until it gets words of its own (a test asks for them).
        new(charger, $"{charger.Value}: {Describe(e) ?? e.GetType().Name}", [e]);

    /// <summary>
    /// The lines of events decided together, in order. Pairs that say one thing are one line: a plug-in
    /// with its auto-start, a new peak with the charging it comes with, a stop with the unplug that caused it.
    /// </summary>
    public static IReadOnlyList<EventLine> Of(ChargerId charger, IEnumerable<IWireMessage> events)
    {
        var list = events.ToList();
        var lines = new List<EventLine>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var next = i + 1 < list.Count ? list[i + 1] : null;
            if (Together(list[i], next) is { } text)
            {
                lines.Add(new EventLine(charger, $"{charger.Value}: {text}", [list[i], next!]));
                i++;
            }
            else
            {
                lines.Add(Of(charger, list[i]));
            }
        }
        return lines;
    }

    /// <summary>What the event says, without the charger; null for a type this formatter does not know.</summary>
    public static string? Describe(IWireMessage e) => e switch
    {
        SessionEvents.PluggedIn => "vehicle plugged in, not charging",
        SessionEvents.Authorised a => a.By == "auto-start" ? "charging allowed by auto-start" : $"charging started by {a.By}",
        SessionEvents.Charging => "charging",
        SessionEvents.SuspendedByEv => "plugged in, not charging: the vehicle asks for no energy",
        SessionEvents.SuspendedByEvse => "plugged in, not charging: no current offered",
        SessionEvents.PeakCurrentRaised p => $"charging at {Amps(p.Amps)}, the session's peak so far",
        SessionEvents.Stopped s => $"charging stopped ({Why(s.Reason)}) after {Kwh(s.EnergyWh)}, peak {Amps(s.PeakAmps)}",
        SessionEvents.PluggedOut o => $"vehicle unplugged, session {Kwh(o.EnergyWh)}",
        EnergyRecorded r => $"energy register at {Kwh(r.RegisterWh)}, made durable",
        RegisterReset r => $"metering reset: the energy register starts again from 0 (was {Kwh(r.RegisterWhBefore)})",
        SettingsChanged s => $"settings changed: {Settings(s.Settings)}",
        FaultRecorded f => Fault(f.Kind, f.Type),
        Snapshot s => $"journal snapshot at register {Kwh(s.DurableRegisterWh)}",
        _ => null,
    };

    private static string? Together(IWireMessage first, IWireMessage? second) => (first, second) switch
    {
        (SessionEvents.PluggedIn, SessionEvents.Authorised { By: "auto-start" }) => "vehicle plugged in, auto-start",
        (SessionEvents.PeakCurrentRaised p, SessionEvents.Charging) => $"charging at {Amps(p.Amps)}",
        (SessionEvents.Stopped { Reason: StopReason.EvDisconnected } s, SessionEvents.PluggedOut) =>
            $"vehicle unplugged: charging stopped after {Kwh(s.EnergyWh)}, peak {Amps(s.PeakAmps)}",
        _ => null,
    };

    private static string Why(StopReason reason) => reason switch
    {
        StopReason.EvDisconnected => "vehicle unplugged",
        StopReason.Local => "stopped at the charger",
        StopReason.Remote => "stopped remotely",
        StopReason.Fault => "a fault",
        StopReason.PowerLoss => "cut by a power loss",
        StopReason.Shutdown => "the controller shut down",
        StopReason.Reboot => "the charger rebooted",
        StopReason.Other => "stopped",
        _ => "stopped",
    };

    /// <summary>A fault in the words of its rule, and how it clears (the manual: "Fault—Unplug to reset").</summary>
    public static string Fault(FaultKind kind, FaultEntryType type)
    {
        var rule = FaultRules.For(kind);
        return type switch
        {
            FaultEntryType.Raised => $"{rule.Text} — {HowItClears(rule)}",
            FaultEntryType.Latched => $"{rule.Text} — retries used up, unplug to reset",
            FaultEntryType.Retried => $"{rule.Text} — retrying",
            FaultEntryType.Cleared => $"{rule.Text} — cleared",
            _ => rule.Text,
        };
    }

    private static string HowItClears(FaultRule rule) => rule.Clearing switch
    {
        FaultClearing.OnUnplug => "unplug to reset",
        FaultClearing.WithSetButton => "press SET to reset",
        FaultClearing.AutoRetry => $"retries by itself in {Duration(rule.RetryAfter)}, up to {rule.MaxRetries} times",
        _ => "clears when the condition ends",
    };

    private static string Settings(ChargerSettings s) =>
        $"name \"{s.Name}\", auto-start {(s.AutoStart ? "on" : "off")}, current {Number(s.MinCurrent, "0.0")}–{Amps(s.MaxCurrent)}, " +
        $"battery {Number(s.EvBatteryCapacityKwh, "0.0")} kWh at {Number(s.EvStartingLevelPercent, "0")} %";

    private static string Duration(TimeSpan t) => t.TotalMinutes >= 1 ? Number(t.TotalMinutes, "0") + " min" : Number(t.TotalSeconds, "0") + " s";

    /// <summary>Amps as the live table shows them: to 0.1 A.</summary>
    public static string Amps(double amps) => Number(amps, "0.0") + " A";

    /// <summary>Energy in kWh to the watt-hour.</summary>
    public static string Kwh(double wh) => Number(wh / 1000, "0.000") + " kWh";

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
