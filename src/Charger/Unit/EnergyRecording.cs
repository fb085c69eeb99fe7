using SmartElek.Charger.Journal;
using SmartElek.Charger.Sessions;

namespace SmartElek.Charger.Unit;

/// <summary>
/// The unit's energy register and what of it the journal holds (invariant 4: the register never
/// goes backwards, and a crash loses at most one interval of charging). Pure: the actor holds one
/// value, and journals a reading when <see cref="TakeReadingIfDue"/> says so.
/// <para>
/// Charging provisionally (the journal did not recover in time), the meter counts from 0 Wh at
/// power-up and what is recorded is marked so. Once the journal recovers the register R, the unit's
/// register is the meter's plus R (<see cref="OffsetWh"/>); the session's events count on it from
/// the session's rebase on, those before it are still provisional.
/// </para>
/// </summary>
public sealed record EnergyRecording
{
    public static readonly EnergyRecording PowerUp = new();

    private EnergyRecording() { }

    /// <summary>The unit's register: the meter's count plus <see cref="OffsetWh"/>.</summary>
    public double RegisterWh { get; init; }

    /// <summary>What the journal recovered after the unit had started counting provisionally from 0 Wh.</summary>
    public double OffsetWh { get; init; }

    /// <summary>The last register value made durable, none since power-up or a register reset.</summary>
    public double? LastDurableWh { get; init; }

    public TimeSpan? LastDurableAt { get; init; }

    /// <summary>Charging without a recovered journal: what is recorded is marked provisional.</summary>
    public bool Provisional { get; init; }

    /// <summary>The session's events are provisional until the session actor answers the rebase.</summary>
    public bool SessionProvisional { get; init; }

    /// <summary>The user changed the settings before the journal recovered: those recovered are older.</summary>
    public bool SettingsChangedBeforeRecovery { get; init; }

    /// <summary>The register was reset before the journal recovered: the recovered register no longer counts.</summary>
    public bool RegisterResetBeforeRecovery { get; init; }

    /// <summary>A meter sample: the meter's register moved by the offset.</summary>
    public EnergyRecording Sampled(double meterWh) => this with { RegisterWh = meterWh + OffsetWh };

    // Readings come with the meter's samples, so the one that would pass the interval is taken a
    // sample early: no gap exceeds the interval.
    /// <summary>
    /// While energy may flow (the caller checks a vehicle is plugged in and the journal recovered), a
    /// reading becomes durable once per interval when the register moved; Record says to journal
    /// <see cref="RegisterWh"/> now.
    /// </summary>
    public (EnergyRecording State, bool Record) TakeReadingIfDue(TimeSpan now, TimeSpan meterPoll, TimeSpan interval)
    {
        if (!MovedSinceDurable || LastDurableAt is { } last && now - last + meterPoll <= interval)
            return (this, false);
        return (Taken(now), true);
    }

    /// <summary>At a power cycle the register's last value becomes durable if it moved, whatever the interval.</summary>
    public (EnergyRecording State, bool Record) TakeReadingAtPowerDown(TimeSpan now) =>
        MovedSinceDurable ? (Taken(now), true) : (this, false);

    /// <summary>Events sent to the journal; those sent before it recovered decide what the recovery may overwrite.</summary>
    public EnergyRecording Journaled(IEnumerable<IWireMessage> events, bool beforeRecovery)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (!beforeRecovery && !Provisional)
            return this;
        var list = events as IReadOnlyCollection<IWireMessage> ?? [.. events];
        return this with
        {
            SettingsChangedBeforeRecovery = SettingsChangedBeforeRecovery || list.Any(e => e is ChargerJournalEvents.SettingsChanged),
            RegisterResetBeforeRecovery = RegisterResetBeforeRecovery || list.Any(e => e is ChargerJournalEvents.RegisterReset),
        };
    }

    /// <summary>The meter is told to reset: the register starts from 0 Wh for real, and no reading is durable yet.</summary>
    public EnergyRecording RegisterReset() => this with { OffsetWh = 0, LastDurableWh = null };

    /// <summary>No journal within the wait: the register counts from 0 Wh and what is recorded is provisional.</summary>
    public EnergyRecording ChargingProvisionally() => this with { Provisional = true, SessionProvisional = true, RegisterWh = 0 };

    /// <summary>The journal answered at last with its durable register: the provisional count moves onto it.</summary>
    public EnergyRecording ProvisionalEnded(double durableRegisterWh)
    {
        var offset = RegisterResetBeforeRecovery ? 0 : Wh(durableRegisterWh);
        return this with
        {
            Provisional = false,
            OffsetWh = offset,
            RegisterWh = RegisterWh + offset,
            LastDurableWh = LastDurableWh + offset,
        };
    }

    /// <summary>The session actor counts on the real register from now on.</summary>
    public EnergyRecording SessionRebased() => this with { SessionProvisional = false };

    /// <summary>
    /// The journal recovered in time: the register carries on from its durable value (what the meter
    /// counted after it is lost with the power), or from 0 Wh after a reset made meanwhile.
    /// </summary>
    public EnergyRecording Recovered(double durableRegisterWh)
    {
        var durable = RegisterResetBeforeRecovery ? 0 : Wh(durableRegisterWh);
        return this with { RegisterWh = durable, LastDurableWh = durable };
    }

    /// <summary>A session as the session actor reports it, on the unit's register.</summary>
    public SessionState OnRegister(SessionState session) =>
        SessionProvisional ? ProvisionalRebase.Rebase(session, OffsetWh) : session;

    private bool MovedSinceDurable => LastDurableWh is not { } d || RegisterWh > d;

    private EnergyRecording Taken(TimeSpan now) => this with { LastDurableAt = now, LastDurableWh = RegisterWh };

    // As the register itself requires (EnergyRegister): the journal never holds less.
    private static double Wh(double wh) =>
        !(wh >= 0) || double.IsInfinity(wh) ? throw new ArgumentOutOfRangeException(nameof(wh), wh, "A durable register must be 0 Wh or more.") : wh;
}
