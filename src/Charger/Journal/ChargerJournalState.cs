using System.Collections.Immutable;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Sessions;
using static SmartElek.Charger.Journal.ChargerJournalEvents;

namespace SmartElek.Charger.Journal;

/// <summary>
/// What one charger's journal knows: the open (or last) session, the last durable energy reading,
/// the settings and the fault history. <see cref="Apply"/> folds in one journalled event and is pure,
/// so the same state comes back from the journal (or a snapshot plus its tail) after any restart.
/// Applying an event that was journalled twice (a write retried after the database had taken it)
/// changes nothing the second time.
/// </summary>
/// <param name="DurableRegisterWh">The highest register value in the journal since the last reset: the register never restarts below it.</param>
/// <param name="DurableAt">When the register was last made durable.</param>
/// <param name="LastSessionEventAt">The time of the last session event.</param>
/// <param name="Settings">The last settings journalled, or null when the unit never changed its defaults.</param>
public sealed record ChargerJournalState(
    SessionState Session,
    double DurableRegisterWh,
    DateTimeOffset? DurableAt,
    DateTimeOffset? LastSessionEventAt,
    ChargerSettings? Settings,
    ImmutableList<FaultRecorded> Faults)
{
    /// <summary>The fault history keeps as many entries as the unit's own log.</summary>
    public const int FaultCapacity = SafetyState.LogCapacity;

    public static readonly ChargerJournalState Empty = new(SessionState.Empty, 0, null, null, null, ImmutableList<FaultRecorded>.Empty);

    public IEnumerable<FaultLogEntry> FaultLog => Faults.Select(f => f.ToEntry());

    public ChargerJournalState Apply(IWireMessage e) => e switch
    {
        ISessionEvent s => ApplySession(s),
        EnergyRecorded r => Durable(r.RegisterWh, r.At),
        RegisterReset r => this with { DurableRegisterWh = 0, DurableAt = Later(DurableAt, r.At) },
        SettingsChanged s => this with { Settings = s.Settings },
        FaultRecorded f => Faults.Count > 0 && Faults[^1] == f ? this : this with { Faults = Capped(Faults.Add(f)) },
        _ => throw new ArgumentException($"A charger journal holds no {e.GetType().Name}.", nameof(e)),
    };

    public ChargerJournalState ApplyAll(IEnumerable<IWireMessage> events) => events.Aggregate(this, (s, e) => s.Apply(e));

    /// <summary>
    /// At power-up, the session that the journal still holds open was cut by a crash or power loss:
    /// these events close it with what is known for sure, the last durable reading. Charging is
    /// stopped (<see cref="StopReason.PowerLoss"/>) unless it had been already, then the vehicle
    /// counts as plugged out, both at the last known time. Empty when no session is open.
    /// </summary>
    public IReadOnlyList<ISessionEvent> PowerLossClose()
    {
        if (!Session.VehiclePresent || Session.SessionId is not { } id)
            return [];
        var at = Later(DurableAt, LastSessionEventAt) ?? Session.PluggedInAt ?? DateTimeOffset.UnixEpoch;
        var energy = Math.Max(0, DurableRegisterWh - Session.StartRegisterWh);
        if (Session.Phase == SessionPhase.Stopped)
            return [new SessionEvents.PluggedOut(id, at, DurableRegisterWh, Math.Min(energy, Session.EnergyWh(DurableRegisterWh)))];
        return
        [
            new SessionEvents.Stopped(id, at, StopReason.PowerLoss, DurableRegisterWh, energy, Session.PeakAmps),
            new SessionEvents.PluggedOut(id, at, DurableRegisterWh, energy),
        ];
    }

    public Snapshot ToSnapshot() => new(Session, DurableRegisterWh, DurableAt, LastSessionEventAt, Settings, Faults);

    public static ChargerJournalState From(Snapshot s) =>
        new(s.Session, s.DurableRegisterWh, s.DurableAt, s.LastSessionEventAt, s.Settings, Capped(s.Faults.ToImmutableList()));

    private ChargerJournalState ApplySession(ISessionEvent e)
    {
        // A session event of another session than the open one, or a second plug-in of the open one,
        // is a duplicate write: the session already moved past it.
        var duplicate = e is SessionEvents.PluggedIn
            ? Session.VehiclePresent && Session.SessionId == e.SessionId
            : !Session.VehiclePresent || Session.SessionId != e.SessionId;
        if (duplicate)
            return this;
        var next = this with { Session = Session.Apply(e), LastSessionEventAt = Later(LastSessionEventAt, e.At) };
        return e switch
        {
            SessionEvents.PluggedIn p => next.Durable(p.RegisterWh, p.At),
            SessionEvents.Stopped s => next.Durable(s.RegisterWh, s.At),
            SessionEvents.PluggedOut o => next.Durable(o.RegisterWh, o.At),
            _ => next,
        };
    }

    // The register only goes up between resets, so the highest value seen is the durable one.
    private ChargerJournalState Durable(double registerWh, DateTimeOffset at) =>
        double.IsFinite(registerWh)
            ? this with { DurableRegisterWh = Math.Max(DurableRegisterWh, registerWh), DurableAt = Later(DurableAt, at) }
            : this;

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;

    private static ImmutableList<FaultRecorded> Capped(ImmutableList<FaultRecorded> faults) =>
        faults.Count > FaultCapacity ? faults.RemoveRange(0, faults.Count - FaultCapacity) : faults;
}
