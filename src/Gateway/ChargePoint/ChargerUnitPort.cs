using Akka.Actor;
using Akka.Event;
using SmartElek.Actors.Charger;
using SmartElek.Charger.Firmware;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Sessions;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// A port that tells its charge point about changes by itself. The charge point actor attaches
/// itself in PreStart, so the port's helpers live and die with it.
/// </summary>
public interface IObservableConnectorPort
{
    /// <param name="chargePoint">where <see cref="ChargePointProtocol.ConnectorChanged"/> and local start/stop go</param>
    /// <param name="context">creates the port's helper actors (the charge point's context: they stop with it)</param>
    void Attach(IActorRef chargePoint, IActorRefFactory context);
}

/// <param name="MaxAmps">the charger's own maximum: a composite limit at or above it is "no limit"</param>
/// <param name="LocalIdTag">the idTag of a start the user makes at the charger (auto-start on plug-in, the app)</param>
/// <param name="ListenerDispatcher">dispatcher of the status listener (tests: the calling-thread one)</param>
/// <param name="LocalStartGrace">
/// How long a start made at the charger may charge before the charge point has started its
/// transaction (authorised the tag). After that the charger is stopped: under OCPP nothing is
/// charged outside a transaction. Null: the charge point's default of 60 s.
/// </param>
public sealed record ChargerUnitPortOptions(
    double MaxAmps = ChargerUnit.RatedAmps,
    string LocalIdTag = "LOCAL",
    string? ListenerDispatcher = null,
    TimeSpan? LocalStartGrace = null);

/// <summary>
/// The OCPP charge point's view of one real charger (<see cref="ChargerUnit"/>). A listener actor
/// subscribes to the unit's <see cref="ChargerStatus"/>; <see cref="Read"/> answers from the last
/// one (an immutable snapshot behind a volatile field, so the charge point's thread reads it
/// safely); commands are Told to the unit. What the user does at the charger (a session authorised
/// or stopped that the charge point did not ask for) becomes LocalStartRequested / LocalStopRequested.
/// Firmware: UpdateFirmware goes to the unit's one firmware path (<see cref="ChargerProtocol.UpdateFirmware"/>,
/// as its SET button's 6 taps), and each step the unit's status shows becomes FirmwareStatusChanged.
/// </summary>
public sealed class ChargerUnitPort : IConnectorPort, IObservableConnectorPort, IFirmwarePort
{
    private static readonly ConnectorSnapshot Unknown = new(VehicleConnection.None, ConnectorFault.None, true,
        new MeterSnapshot(DateTimeOffset.UnixEpoch, 0, 0, 0, 0, 0, 0, 1));

    private readonly ChargerUnitPortOptions _options;
    private readonly Lock _gate = new();
    private readonly IActorRef _unit;
    private volatile ConnectorSnapshot _snapshot = Unknown;
    private volatile ChargerStatus? _status;
    private IActorRef _listener = ActorRefs.Nobody;
    private bool _startAsked;
    private bool _stopAsked;
    private long _localStart;      // counts local starts; the grace check names the one it is for
    private long _confirmedStart;  // the last local start the charge point took up with StartCharging
    private double? _limit;
    private bool _operative = true;

    public ChargerUnitPort(IActorRef unit, ChargerUnitPortOptions? options = null)
    {
        _unit = unit;
        _options = options ?? new ChargerUnitPortOptions();
    }

    /// <summary>The last status the unit published; null before the first.</summary>
    public ChargerStatus? LastStatus => _status;

    public void Attach(IActorRef chargePoint, IActorRefFactory context)
    {
        var props = Props.Create(() => new Listener(this, chargePoint));
        if (_options.ListenerDispatcher is { } d) props = props.WithDispatcher(d);
        _listener = context.ActorOf(props, "charger-unit-port");
    }

    public ConnectorSnapshot Read() => _snapshot;

    public bool StartCharging(string idTag)
    {
        var s = _snapshot;
        if (s.Vehicle == VehicleConnection.None || s.Fault != ConnectorFault.None || !s.Operative) return false;
        lock (_gate)
        {
            // Already authorised (the user started at the charger): no transition will come to consume the flag.
            _startAsked = !(_status is { } st && Authorised(st.Session));
            _confirmedStart = _localStart;
        }
        _unit.Tell(new ChargerProtocol.StartCharging($"ocpp:{idTag}"), _listener);
        return true;
    }

    public void StopCharging(StopTransactionReason reason)
    {
        lock (_gate) _stopAsked = _status is { } st && Authorised(st.Session);
        _unit.Tell(new ChargerProtocol.StopCharging(UnitReason(reason)), _listener);
    }

    public void ApplyCurrentLimit(decimal amps)
    {
        // The unit caps at its own maximum anyway; "none" keeps its status honest (no OCPP cap in force).
        double? limit = (double)amps >= _options.MaxAmps ? null : (double)amps;
        lock (_gate) _limit = limit;
        _unit.Tell(new ChargerProtocol.SetCurrentLimit(limit), _listener);
    }

    /// <summary>
    /// The #4500's J1772 handle has no lock actuator: the latch is on the plug and the driver
    /// presses it. What the charger controls is the power on the cable: once the transaction has
    /// ended (the charge point does that first) and both relays are open, nothing holds the cable
    /// and it is Unlocked; while a relay is still closed (not opened yet, or welded) the unlock failed.
    /// </summary>
    public UnlockStatus Unlock() => _snapshot.RelaysClosed ? UnlockStatus.UnlockFailed : UnlockStatus.Unlocked;

    public bool SetAvailability(bool operative)
    {
        lock (_gate) _operative = operative;
        _unit.Tell(new ChargerProtocol.SetAvailability(operative), _listener);
        return true;
    }

    /// <summary>
    /// Soft: the charge point's software restarts (the actor boots again); the unit's safety loop
    /// (pilot, relays, GFCI) is deliberately not restarted, since restarting it buys nothing and
    /// would drop a verified relay state. Hard: the unit is power-cycled in place
    /// (<see cref="ChargerProtocol.PowerCycle"/>: relays open, journal flushed, the unit powers up
    /// again under the same reference, relays verified first; the simulator's board keeps its
    /// latched relays and the plugged vehicle, as a real power cycle does). Either way the port then
    /// sends the unit the limit and availability again, as a freshly started application would; the
    /// unit takes them after its restart, since they queue behind the power cycle.
    /// </summary>
    public bool Reset(ResetType type)
    {
        if (type == ResetType.Hard)
            _unit.Tell(new ChargerProtocol.PowerCycle("OCPP hard reset"), _listener);
        else
            _listener.Tell(Resubscribe.Instance);
        double? limit;
        bool operative;
        lock (_gate)
        {
            limit = _limit;
            operative = _operative;
            _startAsked = false;
        }
        _unit.Tell(new ChargerProtocol.SetCurrentLimit(limit), _listener);
        _unit.Tell(new ChargerProtocol.SetAvailability(operative), _listener);
        return true;
    }

    public string? FirmwareVersion => _status is { FirmwareVersion: { Length: > 0 } version } ? version : null;

    /// <summary>What the charger decides when OCPP leaves it open: three downloads, 30 s apart.</summary>
    public const int DefaultFirmwareAttempts = 3;

    public static readonly TimeSpan DefaultFirmwareRetryInterval = TimeSpan.FromSeconds(30);

    public void UpdateFirmware(Uri location, DateTimeOffset retrieveDate, int? retries, TimeSpan? retryInterval) =>
        _unit.Tell(new ChargerProtocol.UpdateFirmware(new FirmwareRequest(location, retrieveDate,
            Math.Max(1, retries ?? DefaultFirmwareAttempts), retryInterval ?? DefaultFirmwareRetryInterval, "OCPP UpdateFirmware")), _listener);

    /// <summary>The OCPP FirmwareStatus of the charger's firmware step. Pure.</summary>
    public static FirmwareStatus OcppFirmwareStatus(FirmwareStep step) => step switch
    {
        FirmwareStep.Idle => FirmwareStatus.Idle,
        FirmwareStep.Downloading => FirmwareStatus.Downloading,
        FirmwareStep.Downloaded => FirmwareStatus.Downloaded,
        FirmwareStep.DownloadFailed => FirmwareStatus.DownloadFailed,
        FirmwareStep.Installing => FirmwareStatus.Installing,
        FirmwareStep.Installed => FirmwareStatus.Installed,
        FirmwareStep.InstallationFailed => FirmwareStatus.InstallationFailed,
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "Unknown firmware step."),
    };

    /// <summary>The OCPP errorCode the charger's fault rule names, as the charge point's fault.</summary>
    public static ConnectorFault FaultOf(string ocppErrorCode) => ocppErrorCode switch
    {
        "GroundFailure" => ConnectorFault.GroundFailure,
        "OverCurrentFailure" => ConnectorFault.OverCurrent,
        "HighTemperature" => ConnectorFault.HighTemperature,
        "PowerSwitchFailure" => ConnectorFault.PowerSwitchFailure,
        "EVCommunicationError" => ConnectorFault.EVCommunicationError,
        "OverVoltage" => ConnectorFault.OverVoltage,
        "UnderVoltage" => ConnectorFault.UnderVoltage,
        "PowerMeterFailure" => ConnectorFault.PowerMeterFailure,
        "InternalError" => ConnectorFault.InternalError,
        "NoError" => ConnectorFault.None,
        _ => ConnectorFault.Other,
    };

    /// <summary>The charge point's snapshot of a unit status. Pure.</summary>
    public static ConnectorSnapshot SnapshotOf(ChargerStatus s)
    {
        var vehicle = s.Pilot switch
        {
            PilotState.A => VehicleConnection.None,
            PilotState.B => VehicleConnection.Connected,
            PilotState.C or PilotState.D => VehicleConnection.RequestingEnergy,
            // E/F: the pilot cannot tell; the session knows whether a vehicle was plugged in.
            _ => s.Session == SessionPhase.NoVehicle ? VehicleConnection.None : VehicleConnection.Connected,
        };
        var fault = s.Faults.Count == 0 ? null : s.Faults[0];
        static decimal D(double v) => double.IsFinite(v) ? Math.Round((decimal)v, 3) : 0m;
        var meter = new MeterSnapshot(s.At, (long)Math.Floor(s.RegisterWh), D(s.PowerW), D(s.DrawnAmps), D(s.OfferedAmps),
            D(s.Volts), D(s.FrequencyHz), D(s.PowerFactor), s.Session == SessionPhase.NoVehicle ? null : D(s.EvLevelPercent), s.RegisterRecovered);
        return new ConnectorSnapshot(vehicle, fault is null ? ConnectorFault.None : FaultOf(fault.OcppErrorCode), s.Operative, meter,
            fault?.Detail, s.RelaysClosed);
    }

    private static bool Authorised(SessionPhase p) =>
        p is SessionPhase.Authorised or SessionPhase.Charging or SessionPhase.SuspendedByEv or SessionPhase.SuspendedByEvse;

    /// <summary>The charger's reason for an OCPP stop reason. Pure.</summary>
    public static StopReason UnitReason(StopTransactionReason reason) => reason switch
    {
        StopTransactionReason.EVDisconnected => StopReason.EvDisconnected,
        StopTransactionReason.Local => StopReason.Local,
        StopTransactionReason.Remote or StopTransactionReason.DeAuthorized or StopTransactionReason.UnlockCommand => StopReason.Remote,
        StopTransactionReason.PowerLoss => StopReason.PowerLoss,
        _ => StopReason.Other,
    };

    /// <summary>
    /// The OCPP reason for a stop the charger made by itself. Pure. A controller that shuts down
    /// ends its sessions as a reboot of the charge point would (OCPP 1.6 has no "shutdown"), and so
    /// does the unit's own reboot (10 SET taps, a firmware install); any other reason is Other.
    /// </summary>
    public static StopTransactionReason OcppReason(StopReason? reason) => reason switch
    {
        StopReason.EvDisconnected => StopTransactionReason.EVDisconnected,
        StopReason.Local or null => StopTransactionReason.Local,
        StopReason.Remote => StopTransactionReason.Remote,
        StopReason.PowerLoss => StopTransactionReason.PowerLoss,
        StopReason.Shutdown or StopReason.Reboot => StopTransactionReason.Reboot,
        _ => StopTransactionReason.Other,
    };

    // What the charge point's status depends on: a change of any of these is worth a ConnectorChanged.
    // The register becoming known too: a transaction cut by a power loss is stopped then; and the
    // relays: an UnlockConnector answer waits for them to open.
    private static (VehicleConnection, ConnectorFault, bool, string?, bool, bool, SessionPhase, bool, bool) Shape(ChargerStatus s, ConnectorSnapshot c) =>
        (c.Vehicle, c.Fault, c.Operative, c.FaultInfo, c.Meter.OfferedA > 0, c.Meter.CurrentA >= StatusMapping.DrawingThresholdA, s.Session,
            c.Meter.RegisterKnown, c.RelaysClosed);

    /// <summary>Takes a new status in; returns what to tell the charge point, in order.</summary>
    private List<object> Observe(ChargerStatus status)
    {
        var tell = new List<object>(2);
        var previous = _status;
        var snapshot = SnapshotOf(status);
        lock (_gate)
        {
            _snapshot = snapshot;
            _status = status;
            if (previous is null || Shape(previous, SnapshotOf(previous)) != Shape(status, snapshot))
                tell.Add(ChargePointProtocol.ConnectorChanged.Instance);
            var was = previous is not null && Authorised(previous.Session);
            var now = Authorised(status.Session);
            if (now && !was)
            {
                if (!_startAsked)
                {
                    tell.Add(new ChargePointProtocol.LocalStartRequested(_options.LocalIdTag));
                    tell.Add(new LocalStartGraceDue(++_localStart));
                }
                _startAsked = false;
            }
            else if (was && !now)
            {
                if (!_stopAsked && status.Session == SessionPhase.Stopped) tell.Add(new ChargePointProtocol.LocalStopRequested(OcppReason(status.StopReason)));
                _stopAsked = false;
            }
            // Every step after the first status (a step the port did not see happen is not reported).
            if (previous is not null && previous.Firmware != status.Firmware)
                tell.Add(new ChargePointProtocol.FirmwareStatusChanged(OcppFirmwareStatus(status.Firmware), FirmwareVersion));
        }
        return tell;
    }

    private sealed record Resubscribe
    {
        public static readonly Resubscribe Instance = new();
    }

    private sealed record LocalStartGraceDue(long Start);

    private sealed record LocalStartGraceOver(long Start);

    // The charge point did not take up a local start in time (tag refused, or offline and unknown):
    // the charger stops, and that stop is not the user's.
    private void OnGraceOver(long start)
    {
        lock (_gate)
        {
            if (_confirmedStart >= start || start != _localStart || _status is not { } st || !Authorised(st.Session)) return;
            _stopAsked = true;
        }
        _unit.Tell(new ChargerProtocol.StopCharging(StopReason.Other), _listener);
    }

    /// <summary>Subscribes to the unit's status and hands every status to the port.</summary>
    private sealed class Listener : ReceiveActor, IWithTimers
    {
        public ITimerScheduler Timers { get; set; } = null!;

        private readonly ILoggingAdapter _log = Context.GetLogger();
        private readonly IActorRef _unit;

        public Listener(ChargerUnitPort port, IActorRef chargePoint)
        {
            _unit = port._unit;
            Receive<ChargerStatus>(s =>
            {
                foreach (var m in port.Observe(s))
                {
                    if (m is LocalStartGraceDue due)
                        Timers.StartSingleTimer("local-start-grace", new LocalStartGraceOver(due.Start),
                            port._options.LocalStartGrace ?? TimeSpan.FromSeconds(60));
                    else
                        chargePoint.Tell(m);
                }
            });
            Receive<LocalStartGraceOver>(o => port.OnGraceOver(o.Start));
            Receive<ChargerProtocol.ButtonActionTriggered>(_ => { });
            Receive<ChargerProtocol.CommandResult>(r =>
            {
                if (!r.Accepted) _log.Info("{0}: the charger refused a command: {1}", Self.Path.Parent.Name, r.Reason);
            });
            // A soft reset: a fresh status, as a freshly started application asks for.
            Receive<Resubscribe>(_ => _unit.Tell(new ChargerProtocol.SubscribeStatus(Self)));
        }

        protected override void PreStart() => _unit.Tell(new ChargerProtocol.SubscribeStatus(Self));

        protected override void PostStop() => _unit.Tell(new ChargerProtocol.UnsubscribeStatus(Self));
    }
}
