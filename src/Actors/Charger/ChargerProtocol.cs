using Akka.Actor;
using SmartElek.Charger.Button;
using SmartElek.Charger.Firmware;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Leds;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using SmartElek.Site.Allocation;

namespace SmartElek.Actors.Charger;

/// <summary>What the outside world (site allocator, Gateway, Host) says to one charger unit.</summary>
public static class ChargerProtocol
{
    /// <summary>Amps this charger may offer, granted without a site lease (a lone unit's allocator, tests); on a site the allocator sends <see cref="SiteProtocol.CurrentGrant"/>. Until either arrives the charger offers its own maximum.</summary>
    [WireName("charger.offer-current.v1")]
    public sealed record GrantAmps(ChargerId ChargerId, double Amps) : IWireMessage;

    /// <summary>
    /// The central system's composite smart-charging limit in A per line (OCPP), or null when no
    /// profile applies. It caps the offer whatever the site grants. Replies <see cref="CommandResult"/>.
    /// </summary>
    public sealed record SetCurrentLimit(double? Amps);

    /// <summary>
    /// Operative or not (OCPP ChangeAvailability, or the operator). An inoperative charger offers
    /// 0 A and starts no session; a running session is stopped by whoever asked (the charge point
    /// schedules the change until its transaction ends). Replies <see cref="CommandResult"/>.
    /// </summary>
    public sealed record SetAvailability(bool Operative);

    /// <summary>Replies with a <see cref="ChargerStatus"/>.</summary>
    public sealed record GetStatus
    {
        public static readonly GetStatus Instance = new();
    }

    /// <summary>The subscriber receives the status now and each time it changes, and every <see cref="ButtonActionTriggered"/>.</summary>
    public sealed record SubscribeStatus(IActorRef Subscriber);

    public sealed record UnsubscribeStatus(IActorRef Subscriber);

    /// <summary>
    /// Power-cycles the unit, as an OCPP hard reset asks: the relays open, the journal is flushed
    /// (<see cref="ChargerJournalSettings.PowerCycleFlushWait"/>), and the unit restarts in place:
    /// every child stops and the unit powers up again as after a power cut (relays verified, a cut
    /// session closed by the journal, fail-safe current until a grant). The actor reference and the
    /// status subscribers stay, so the site link, the OCPP port and the console follow it unchanged.
    /// The unit's parent must restart it on failure (the default of <c>/user</c>).
    /// </summary>
    public sealed record PowerCycle(string By);

    /// <summary>
    /// The controller is stopping (the Host's graceful stop), which is no power cut: a charging session
    /// ends with <see cref="StopReason.Shutdown"/> while the unit still supervises it, the relays open,
    /// the register becomes durable and the journal is flushed (at most
    /// <see cref="ChargerJournalSettings.PowerCycleFlushWait"/>). Answered <see cref="ShutDownDone"/>; the
    /// unit then stays powered down until its system ends.
    /// </summary>
    public sealed record ShutDown
    {
        public static readonly ShutDown Instance = new();
        private ShutDown() { }
    }

    /// <param name="Flushed">False when the journal still held events at the end of the wait (the database is away).</param>
    public sealed record ShutDownDone(ChargerId Charger, bool Flushed);

    /// <summary>Allows charging of the plugged-in vehicle (when auto-start is off, or after a stop). Replies <see cref="CommandResult"/>.</summary>
    public sealed record StartCharging(string By = "user");

    /// <summary>Ends charging; the vehicle stays plugged in. Replies <see cref="CommandResult"/>.</summary>
    public sealed record StopCharging(StopReason Reason = StopReason.Local);

    public sealed record CommandResult(bool Accepted, string? Reason)
    {
        public static readonly CommandResult Ok = new(true, null);
    }

    /// <summary>Replaces the settings; replies <see cref="SettingsUpdated"/> or <see cref="SettingsRejected"/> (nothing changes then).</summary>
    public sealed record UpdateSettings(ChargerSettings Settings);

    public sealed record SettingsUpdated(ChargerSettings Settings);

    public sealed record SettingsRejected(IReadOnlyList<SettingError> Errors);

    /// <summary>Replies the current <see cref="ChargerSettings"/>.</summary>
    public sealed record GetSettings
    {
        public static readonly GetSettings Instance = new();
    }

    /// <summary>Replies <see cref="FaultLog"/>: every fault raised, retried, latched and cleared, with its time (newest last).</summary>
    public sealed record GetFaultLog
    {
        public static readonly GetFaultLog Instance = new();
    }

    public sealed record FaultLog(IReadOnlyList<FaultLogEntry> Entries);

    /// <summary>What the NETWORK LED shows; the network side of the unit (Zigbee/Wi-Fi/cluster) tells it.</summary>
    public sealed record SetNetworkIndication(NetworkIndication Indication);

    /// <summary>
    /// From the unit's node once the operator has placed it: the site's coordinator admits its radio to
    /// the network (after a factory reset and leave, grants are taken again). A joined radio stays joined.
    /// </summary>
    public sealed record JoinSite
    {
        public static JoinSite Instance { get; } = new();
    }

    /// <summary>
    /// Updates the firmware (OCPP UpdateFirmware; the SET button's 6 taps ask the same way): the image
    /// is downloaded from the request's time on, installed once no vehicle is plugged in, and the unit
    /// reboots into it; its status shows each step and, after the reboot, the new version. Replies
    /// <see cref="CommandResult"/>: refused while another update is under way or for a bad request.
    /// </summary>
    public sealed record UpdateFirmware(FirmwareRequest Request);

    /// <summary>Published to status subscribers when SET taps or a hold decode to an action.</summary>
    public sealed record ButtonActionTriggered(ChargerId ChargerId, SetButtonAction Action, DateTimeOffset At);
}

/// <summary>One active fault as the status shows it.</summary>
public sealed record FaultInfo(FaultKind Kind, DateTimeOffset Since, string Detail, bool Latched, DateTimeOffset? RetryAt, string OcppErrorCode, FaultClearing Clearing);

/// <summary>Everything the Host's dashboard and the Gateway show about one charger.</summary>
/// <param name="GrantedAmps">What the site allocator (or the default) allows.</param>
/// <param name="OfferedAmps">What the pilot PWM offers the vehicle now.</param>
/// <param name="DrawnAmps">What the meter reads.</param>
/// <param name="EvLevelPercent">The app's estimate from the user's battery settings and the session's energy (approximate).</param>
public sealed record ChargerStatus(
    ChargerId ChargerId,
    string Name,
    DateTimeOffset At,
    PilotState Pilot,
    RelayPosition RelayL1,
    RelayPosition RelayL2,
    bool RelaysVerified,
    LedPattern StatusLed,
    LedPattern NetworkLed,
    double GrantedAmps,
    double OfferedAmps,
    double DrawnAmps,
    double Volts,
    double PowerW,
    double RegisterWh,
    SessionPhase Session,
    string? SessionId,
    double SessionKwh,
    TimeSpan SessionDuration,
    double EvLevelPercent,
    double EvRangeKm,
    SessionSummary? LastSession,
    IReadOnlyList<FaultInfo> Faults,
    ThermalLevel Thermal,
    int GfciTrips,
    SetButtonAction? LastButtonAction)
{
    /// <summary>The site grant the pilot's offer stays within: epoch/seq of the last <c>CurrentGrant</c> whose amps the applied offer does not exceed (0/0: none, or a fail-safe one).</summary>
    public long AppliedGrantEpoch { get; init; }

    public long AppliedGrantSeq { get; init; }

    /// <summary>Why the site grant is what it is (which circuit, line, cap); null before the first grant.</summary>
    public LimitReason? GrantLimit { get; init; }

    /// <summary>The OCPP composite limit in force (A per line), null when none.</summary>
    public double? CurrentLimitAmps { get; init; }

    public bool Operative { get; init; } = true;

    /// <summary>The metrology's last supply frequency and power factor (OCPP MeterValues carry them).</summary>
    public double FrequencyHz { get; init; }

    public double PowerFactor { get; init; }

    /// <summary>
    /// False while the unit waits for its journal or counts provisionally from 0 Wh (the journal did
    /// not answer in time): <see cref="RegisterWh"/> is not yet the charger's lifetime register.
    /// </summary>
    public bool RegisterRecovered { get; init; } = true;

    /// <summary>Why the session in progress stopped; null unless it is <see cref="SessionPhase.Stopped"/>.</summary>
    public StopReason? StopReason { get; init; }

    /// <summary>
    /// While a power-down's controlled stop runs (a reboot: 10 SET taps, an OCPP hard reset, a firmware
    /// install): when it began. 0 A is offered and closed contacts may stay closed while the current
    /// falls, for at most <see cref="SmartElek.Charger.Unit.PowerDown.ControlledStopWindow"/>.
    /// </summary>
    public DateTimeOffset? ControlledStopSince { get; init; }

    /// <summary>The radio's mode (7 SET taps toggle it): Wi-Fi takes the unit off its site's network.</summary>
    public NetworkMode Network { get; init; } = NetworkMode.SiteLink;

    /// <summary>False after a factory reset and leave (13 SET taps), until the unit is commissioned again.</summary>
    public bool SiteJoined { get; init; } = true;

    /// <summary>Joined and on the site link: site grants are taken. Off it the unit offers at most its fail-safe current.</summary>
    public bool OnSiteLink { get; init; } = true;

    /// <summary>The version of the firmware running (BootNotification's firmwareVersion under OCPP).</summary>
    public string FirmwareVersion { get; init; } = "";

    /// <summary>Where a firmware update stands; <see cref="FirmwareStep.Installed"/> after the reboot into a new image.</summary>
    public FirmwareStep Firmware { get; init; } = FirmwareStep.Idle;

    /// <summary>Why the last firmware step failed, or what the last install replaced.</summary>
    public string? FirmwareDetail { get; init; }

    public bool RelaysClosed => RelayL1 == RelayPosition.Closed || RelayL2 == RelayPosition.Closed;

    public bool Faulted => Faults.Count > 0;

    /// <summary>Same status apart from its timestamp.</summary>
    public bool SameAs(ChargerStatus? other) => other is not null && this with { At = other.At, Faults = other.Faults } == other && Faults.SequenceEqual(other.Faults);
}
