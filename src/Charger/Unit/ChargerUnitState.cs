using SmartElek.Charger.J1772;
using SmartElek.Charger.Leds;
using SmartElek.Charger.Relays;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using SmartElek.Site;
using SmartElek.Site.Allocation;

namespace SmartElek.Charger.Unit;

/// <summary>What the unit learnt: from its children, the site, the charge point, the user or its own lifecycle.</summary>
public abstract record ChargerUnitFact
{
    private ChargerUnitFact() { }

    /// <summary>The pilot settled in a new state (the vehicle is no longer leaving C).</summary>
    public sealed record PilotChanged(PilotState State) : ChargerUnitFact;

    /// <summary>The pilot is on its way out of C: treated as B for the relays before it settles.</summary>
    public sealed record LeavingC : ChargerUnitFact
    {
        public static readonly LeavingC Instance = new();
    }

    /// <summary>The pilot went back to C before leaving it.</summary>
    public sealed record StayedInC : ChargerUnitFact
    {
        public static readonly StayedInC Instance = new();
    }

    /// <summary>The pilot now carries this offer.</summary>
    public sealed record OfferApplied(double Amps) : ChargerUnitFact;

    public sealed record RelaysVerified : ChargerUnitFact
    {
        public static readonly RelaysVerified Instance = new();
    }

    /// <summary>Where the relays are now.</summary>
    public sealed record RelaysMoved(bool Closed) : ChargerUnitFact;

    public sealed record SafetyChanged(SafetyState Safety, ThermalLevel Thermal) : ChargerUnitFact;

    public sealed record SessionChanged(SessionState Session) : ChargerUnitFact;

    /// <summary>Amps granted without a site lease (a lone unit's allocator or a test); 0 A or more. Not taken off the site link.</summary>
    public sealed record GrantedWithoutLease(double Amps) : ChargerUnitFact;

    /// <summary>A site grant, replacing whatever was granted before; its amps are 0 or more.</summary>
    public sealed record Granted(SiteProtocol.CurrentGrant Grant) : ChargerUnitFact;

    /// <summary>The charge point's limit (OCPP), or none; 0 A or more.</summary>
    public sealed record CurrentLimitSet(double? Amps) : ChargerUnitFact;

    public sealed record AvailabilitySet(bool Operative) : ChargerUnitFact;

    /// <summary>The user's (or the factory's) new settings, already valid.</summary>
    public sealed record SettingsChanged(ChargerSettings Settings) : ChargerUnitFact;

    /// <summary>Valid settings recovered from the journal: without a site grant, the initial grant follows them.</summary>
    public sealed record SettingsRecovered(ChargerSettings Settings) : ChargerUnitFact;

    /// <summary>The journal is (or is no longer) being waited for; until it answers the relays stay open.</summary>
    public sealed record AwaitingRecovery(bool Awaiting) : ChargerUnitFact;

    /// <summary>Whether any child that has a say over the relays restarted and has not reported again.</summary>
    public sealed record ChildrenRestarting(bool Any) : ChargerUnitFact;

    /// <summary>
    /// A power-down (reboot, shut-down) began with a controlled stop: 0 A offered, closed contacts
    /// left closed while the vehicle's current falls, nothing new closes or starts.
    /// </summary>
    public sealed record ControlledStopStarted(TimeSpan At) : ChargerUnitFact;

    /// <summary>The power-down opens the relays: nothing offered until the unit powers up again.</summary>
    public sealed record PowerDownStarted(TimeSpan At) : ChargerUnitFact;

    /// <summary>
    /// The unit is (or is no longer) on its site's network: off it (Wi-Fi mode, or it left the site)
    /// it takes no site grant and offers at most its initial grant, the fail-safe current.
    /// </summary>
    public sealed record SiteLinkChanged(bool On) : ChargerUnitFact;
}

/// <summary>What the unit does after a <see cref="ChargerUnitState.Reconcile"/>.</summary>
/// <param name="State">The state with what was commanded noted.</param>
/// <param name="SetOffer">The offer to put on the pilot, when it changed.</param>
/// <param name="OpenRelays">The relays must open now (invariant 5) and may be closed or commanded closed.</param>
/// <param name="SelfTestBeforeClose">The attempt number of a GFCI self-test to run before closing.</param>
/// <param name="ShowStatus">The STATUS LED's new indication, when it changed.</param>
public sealed record ChargerUnitActions(
    ChargerUnitState State, double? SetOffer, bool OpenRelays, long? SelfTestBeforeClose, StatusIndication? ShowStatus);

/// <summary>What to do with a GFCI self-test's answer.</summary>
public enum SelfTestOutcome
{
    /// <summary>An answer to an attempt that is no longer pending: nothing to do.</summary>
    Stale,
    /// <summary>Passed and everything still allows closing: close the relays.</summary>
    CloseRelays,
    /// <summary>Failed, or something changed meanwhile: reconcile again.</summary>
    Reconcile,
}

/// <summary>
/// The decision state of one SmartElek #4500: what the unit knows of its pilot, relays, safety,
/// session, grants, limits and settings, and what it has commanded. Pure: <see cref="Apply"/> folds
/// in a fact, <see cref="TargetOffer"/> and <see cref="MustOpen"/> are the offer and relay rules,
/// <see cref="Reconcile"/> decides what to command. The actor holds one value and carries out what
/// it decides.
/// <para>
/// Invariant 5: the relays are open whenever the pilot is not in C, a fault is active or the offer
/// is 0 A. Opening is immediate; closing also needs the session authorised, the relays verified,
/// every child reporting, the journal recovered, no power-down under way, and a passed GFCI self-test.
/// One bounded exception to "0 A offered": a power-down's controlled stop offers 0 A and leaves
/// closed contacts closed while the vehicle's current falls (at most the vehicle's 5 s window, which
/// the unit's power-down enforces), so a reboot does not open them under load.
/// </para>
/// </summary>
public sealed record ChargerUnitState
{
    /// <summary>The #4500's continuous output rating.</summary>
    public const double RatedAmps = 30;

    private ChargerUnitState(ChargerSettings settings, double? initialGrantAmps)
    {
        Settings = settings;
        InitialGrantAmps = initialGrantAmps;
        GrantedAmps = initialGrantAmps ?? settings.MaxCurrent;
    }

    /// <summary>The state at power-up: nothing plugged in, relays open and unverified, the initial grant (or the user's maximum).</summary>
    public static ChargerUnitState PowerUp(ChargerSettings settings, double? initialGrantAmps = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (initialGrantAmps is { } a && (double.IsNaN(a) || a < 0))
            throw new ArgumentOutOfRangeException(nameof(initialGrantAmps), a, "An initial grant must be 0 A or more.");
        return new ChargerUnitState(settings, initialGrantAmps);
    }

    public ChargerSettings Settings { get; init; }

    /// <summary>What is granted before any grant arrives; null: the user's maximum.</summary>
    public double? InitialGrantAmps { get; }

    public PilotState Pilot { get; init; } = PilotState.A;

    public bool LeavingC { get; init; }

    /// <summary>The amps the site (or an offer) allows before limits, settings and derating.</summary>
    public double GrantedAmps { get; init; }

    public SiteProtocol.CurrentGrant? Grant { get; init; }

    /// <summary>The last grant whose amps the pilot's offer is at or under (invariant 2).</summary>
    public (long Epoch, long Seq) AppliedGrant { get; init; }

    public double? CurrentLimitAmps { get; init; }

    public bool Operative { get; init; } = true;

    /// <summary>What the pilot carries now.</summary>
    public double AppliedOfferAmps { get; init; }

    public bool RelaysClosed { get; init; }

    public bool RelaysVerified { get; init; }

    public SafetyState Safety { get; init; } = SafetyState.Initial;

    public ThermalLevel Thermal { get; init; } = ThermalLevel.Normal;

    public SessionState Session { get; init; } = SessionState.Empty;

    public bool AwaitingRecovery { get; init; }

    public bool ChildRestarting { get; init; }

    /// <summary>When the power-down's controlled stop began; null when none is under way.</summary>
    public TimeSpan? ControlledStopSince { get; init; }

    /// <summary>When the power-down opened the relays (after its controlled stop).</summary>
    public TimeSpan? PoweringDownSince { get; init; }

    /// <summary>False while the unit is off its site's network: site grants are ignored.</summary>
    public bool OnSiteLink { get; init; } = true;

    /// <summary>The offer last sent to the pilot; null before the first.</summary>
    public double? CommandedOffer { get; init; }

    /// <summary>How many GFCI self-tests before a close were asked for.</summary>
    public long CloseAttempts { get; init; }

    /// <summary>The self-test whose answer decides the next close, if one is out.</summary>
    public long? SelfTestPending { get; init; }

    /// <summary>The STATUS LED's indication last shown; null before the first.</summary>
    public StatusIndication? StatusShown { get; init; }

    /// <summary>A power-down is under way (its controlled stop or after): nothing is offered, closed or started.</summary>
    public bool PoweringDown => ControlledStopSince is not null || PoweringDownSince is not null;

    /// <summary>What the unit offers without a site grant: its initial grant (a site charger's fail-safe current) or the user's maximum.</summary>
    public double FailSafeAmps => InitialGrantAmps ?? Settings.MaxCurrent;

    /// <summary>A vehicle on the pilot (B, C or D), whatever the session says.</summary>
    public bool VehiclePresent => Pilot is PilotState.B or PilotState.C or PilotState.D;

    /// <summary>
    /// The current to offer on the pilot: 0 A unless the relays are verified, no fault is active, a
    /// vehicle is present, the session is authorised, the unit is operative and not powering down;
    /// else the grant derated for temperature, under the user's maximum, the rating and the charge
    /// point's limit, rounded down to what the pilot expresses, and 0 A when under the user's minimum.
    /// </summary>
    public double TargetOffer()
    {
        if (!RelaysVerified || Safety.Faulted || !VehiclePresent || !Session.Authorised || !Operative || PoweringDown)
            return 0;
        var cap = Math.Min(Math.Min(Settings.MaxCurrent, RatedAmps), CurrentLimitAmps ?? double.MaxValue);
        var amps = PilotOffer.Clamp(GrantedAmps * ThermalDerating.Factor(Thermal), cap);
        // Amps on their way from chargers that must first lower theirs arrive in steps, one per
        // vehicle that follows. The pilot changes at most once per 5 s: a step taken at the pacing
        // slot would hold the whole share back another 5 s. A running offer waits for the last step
        // (the grant stops saying WaitingForDecrease then, at most one vehicle window later).
        if (Grant is { LimitReason.Kind: LimitKind.WaitingForDecrease } && AppliedOfferAmps > 0)
            amps = Math.Min(amps, AppliedOfferAmps);
        return amps < Settings.MinCurrent ? 0 : amps;
    }

    // A stop that is not a fault (user stop, allocator pause) still opens at once: invariant 5 ranks
    // above contact wear. The wear is limited instead by the 5 s offer pacing and by closing only
    // after the vehicle asks (C), so a close never happens under load. The offer that counts is the
    // lower of the one applied and the one wanted: a decrease opens before the pilot carries it.
    /// <summary>Whether the relays must be open now.</summary>
    public bool MustOpen() =>
        RelayPolicy.MustBeOpen(LeavingC ? PilotState.B : Pilot, Safety.Faulted, HoldsForControlledStop ? double.PositiveInfinity : Math.Min(AppliedOfferAmps, TargetOffer()))
        || !Session.Authorised || !RelaysVerified || ChildRestarting || AwaitingRecovery || PoweringDownSince is not null;

    // During a controlled stop the "0 A offered" rule waits for contacts that are closed (reported
    // so): the pilot, a fault and every other condition still open them at once, and nothing closes.
    private bool HoldsForControlledStop => ControlledStopSince is not null && PoweringDownSince is null && RelaysClosed;

    /// <summary>The STATUS LED's indication for this state.</summary>
    public StatusIndication Indication() =>
        Safety.Faulted ? StatusIndication.Fault
        : !VehiclePresent ? StatusIndication.NoVehicle
        : RelaysClosed && Session.Phase == SessionPhase.Charging ? StatusIndication.Charging
        : StatusIndication.PluggedNotCharging;

    public ChargerUnitState Apply(ChargerUnitFact fact) => fact switch
    {
        ChargerUnitFact.PilotChanged p => this with { Pilot = p.State, LeavingC = false },
        ChargerUnitFact.LeavingC => this with { LeavingC = true },
        ChargerUnitFact.StayedInC => this with { LeavingC = false },
        ChargerUnitFact.OfferApplied o => (this with { AppliedOfferAmps = Amps(o.Amps, "An applied offer") }).NoteGrantApplied(),
        ChargerUnitFact.RelaysVerified => this with { RelaysVerified = true },
        ChargerUnitFact.RelaysMoved m => this with { RelaysClosed = m.Closed },
        ChargerUnitFact.SafetyChanged s => this with { Safety = s.Safety, Thermal = s.Thermal },
        ChargerUnitFact.SessionChanged s => this with { Session = s.Session },
        ChargerUnitFact.GrantedWithoutLease g => Amps(g.Amps, "A grant") is var granted && OnSiteLink ? this with { GrantedAmps = granted } : this,
        // Off the site's network a grant cannot arrive: one that does (the simulation's in-process link) is not taken.
        ChargerUnitFact.Granted g => Amps(g.Grant.Amps, "A grant") is var amps && OnSiteLink
            ? (this with { Grant = g.Grant, GrantedAmps = amps }).NoteGrantApplied()
            : this,
        ChargerUnitFact.CurrentLimitSet l => this with { CurrentLimitAmps = l.Amps is { } a ? Amps(a, "A current limit") : null },
        ChargerUnitFact.AvailabilitySet a => this with { Operative = a.Operative },
        ChargerUnitFact.SettingsChanged s => this with { Settings = s.Settings },
        ChargerUnitFact.SettingsRecovered s => this with
        {
            Settings = s.Settings,
            GrantedAmps = Grant is null ? InitialGrantAmps ?? s.Settings.MaxCurrent : GrantedAmps,
        },
        ChargerUnitFact.AwaitingRecovery r => this with { AwaitingRecovery = r.Awaiting },
        ChargerUnitFact.ChildrenRestarting c => this with { ChildRestarting = c.Any },
        ChargerUnitFact.ControlledStopStarted c => this with { ControlledStopSince = ControlledStopSince ?? c.At },
        ChargerUnitFact.PowerDownStarted p => this with { ControlledStopSince = ControlledStopSince ?? p.At, PoweringDownSince = PoweringDownSince ?? p.At },
        // Off the site's network no grant can be renewed: the unit falls back at once rather than at
        // the lease's end, and the allocator has counted the fail-safe current all along (invariant 3).
        ChargerUnitFact.SiteLinkChanged { On: false } when OnSiteLink => this with { OnSiteLink = false, Grant = null, GrantedAmps = FailSafeAmps, AppliedGrant = (0, 0) },
        ChargerUnitFact.SiteLinkChanged l => this with { OnSiteLink = l.On },
        null => throw new ArgumentNullException(nameof(fact)),
        _ => throw new ArgumentException($"Unknown charger unit fact {fact.GetType().Name}.", nameof(fact)),
    };

    /// <summary>
    /// What to command now: the offer when it changed; open the relays when they must be open and
    /// are (or may be) closed; otherwise, with the relays open and no self-test out, a GFCI self-test
    /// before closing; the STATUS LED when its indication changed.
    /// </summary>
    /// <param name="anyRelayCommandedClosed">Whether the hardware has a relay commanded closed (a close may be in flight).</param>
    public ChargerUnitActions Reconcile(bool anyRelayCommandedClosed)
    {
        var target = TargetOffer();
        double? setOffer = target != CommandedOffer ? target : null;

        var open = false;
        long? selfTest = null;
        var pending = SelfTestPending;
        if (MustOpen())
        {
            pending = null;
            open = RelaysClosed || anyRelayCommandedClosed;
        }
        else if (!RelaysClosed && SelfTestPending is null)
            pending = selfTest = CloseAttempts + 1;

        var indication = Indication();
        StatusIndication? show = indication != StatusShown ? indication : null;

        var next = setOffer is null && selfTest is null && show is null && pending == SelfTestPending
            ? this
            : this with { CommandedOffer = target, CloseAttempts = selfTest ?? CloseAttempts, SelfTestPending = pending, StatusShown = indication };
        return new ChargerUnitActions(next, setOffer, open, selfTest, show);
    }

    /// <summary>
    /// The answer to a GFCI self-test: only the pending attempt counts; a pass closes the relays if
    /// nothing now requires them open, anything else reconciles again.
    /// </summary>
    public (ChargerUnitState State, SelfTestOutcome Outcome) SelfTestAnswered(long attempt, bool passed)
    {
        if (attempt != SelfTestPending)
            return (this, SelfTestOutcome.Stale);
        var next = this with { SelfTestPending = null };
        return (next, passed && !next.MustOpen() && !next.RelaysClosed ? SelfTestOutcome.CloseRelays : SelfTestOutcome.Reconcile);
    }

    // A grant counts as applied once the pilot's offer is at or under it; the allocator relies on
    // that before it gives freed amps to others (invariant 2).
    private ChargerUnitState NoteGrantApplied() =>
        Grant is { } g && AppliedOfferAmps <= g.Amps ? this with { AppliedGrant = (g.AllocatorEpoch, g.GrantSeq) } : this;

    private static double Amps(double amps, string what) =>
        double.IsNaN(amps) || amps < 0
            ? throw new ArgumentOutOfRangeException(nameof(amps), amps, $"{what} must be 0 A or more.")
            : amps;
}
