using SmartElek.Charger.Safety;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Sessions;

namespace SmartElek.Charger.Journal;

/// <summary>
/// The charger's own journal events beside the session events: durable energy readings, register
/// resets, settings and the fault history. Persisted and read back; never change meaning once written.
/// </summary>
public static class ChargerJournalEvents
{
    /// <summary>
    /// The energy register is durable at this value. Written once per durable-reading interval while
    /// a vehicle is plugged in and the register moved: after a crash or power loss at most one interval
    /// of charging is unrecorded.
    /// </summary>
    /// <param name="SessionId">The session the energy went to, or null when none was open.</param>
    [WireName("charger.energy-recorded.v1")]
    public sealed record EnergyRecorded(ChargerId Charger, DateTimeOffset At, double RegisterWh, string? SessionId) : IWireMessage;

    /// <summary>"Restore factory settings" reset metering: the register counts from 0 again.</summary>
    [WireName("charger.register-reset.v1")]
    public sealed record RegisterReset(ChargerId Charger, DateTimeOffset At, double RegisterWhBefore) : IWireMessage;

    /// <summary>The owner's settings as a whole, after an accepted update or a factory restore.</summary>
    [WireName("settings.changed.v1")]
    public sealed record SettingsChanged(ChargerId Charger, DateTimeOffset At, ChargerSettings Settings) : IWireMessage;

    /// <summary>One line of the fault log (<see cref="FaultLogEntry"/>) at its wall-clock time.</summary>
    [WireName("fault.recorded.v1")]
    public sealed record FaultRecorded(ChargerId Charger, DateTimeOffset At, FaultKind Kind, FaultEntryType Type, string Detail) : IWireMessage
    {
        /// <param name="entry">Its time is the charger clock: a span since the Unix epoch.</param>
        public static FaultRecorded Of(ChargerId charger, FaultLogEntry entry) =>
            new(charger, DateTimeOffset.UnixEpoch + entry.At, entry.Kind, entry.Type, entry.Detail);

        public FaultLogEntry ToEntry() => new(At - DateTimeOffset.UnixEpoch, Kind, Type, Detail);
    }

    /// <summary>
    /// The whole <see cref="ChargerJournalState"/>, saved every few events so that recovery reads one
    /// snapshot and a short tail instead of the charger's whole history.
    /// </summary>
    [WireName("charger.journal-snapshot.v1")]
    public sealed record Snapshot(
        SessionState Session,
        double DurableRegisterWh,
        DateTimeOffset? DurableAt,
        DateTimeOffset? LastSessionEventAt,
        ChargerSettings? Settings,
        IReadOnlyList<FaultRecorded> Faults) : IWireMessage;
}
