using Akka.Actor;
using Akka.Event;
using SmartElek.Actors.Persistence;
using SmartElek.Charger.Firmware;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Metering;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Unit;
using SmartElek.Site;

namespace SmartElek.Actors.Charger;

/// <summary>
/// The supervisor of one SmartElek #4500: pilot, relay, meter, safety, session, button, LED and
/// firmware children. It holds the unit's view (<see cref="ChargerUnitState"/>), routes between the
/// children and carries out what that state decides about the offer and the relays. The same subtree
/// is the whole actor system of one unit, or one of many on a node. One concern per file: this one
/// (children, lifecycle, the offer and the relays), <c>.Requests</c> (grants, limits, settings,
/// session commands), <c>.Recovery</c> (the journal), <c>.PowerDown</c> (power cycle, shut-down),
/// <c>.SetButton</c> (the button's actions, network, firmware), <c>.Status</c>.
///
/// Invariant 5: the relays are open whenever the pilot is not in C, a fault is active, or the
/// offer is 0 A. Each input change re-runs <see cref="Reconcile"/>; opening is immediate, closing
/// waits for a passed GFCI self-test. The safety child opens the relays on the hardware itself on
/// every fault, and any child failure opens them before the child restarts.
/// </summary>
public sealed partial class ChargerUnit : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    /// <summary>The #4500's continuous output rating.</summary>
    public const double RatedAmps = ChargerUnitState.RatedAmps;

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    private readonly ChargerId _id;
    private readonly IChargerHardware _hardware;
    private readonly ChargerUnitOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly HashSet<IActorRef> _recovering = [];

    // Created here and handed to the meter child, which alone changes it: a restarted meter actor
    // carries on from the same count, so the register never goes backwards. With a journal it is
    // created again from the last durable value before the meter child starts.
    private EnergyRegister _register = new();

    // What the unit knows and has commanded; its pure rules decide the offer and the relays.
    private ChargerUnitState _state;
    private IActorRef _pilotActor = ActorRefs.Nobody;
    private IActorRef _relayActor = ActorRefs.Nobody;
    private IActorRef _meterActor = ActorRefs.Nobody;
    private IActorRef _safetyActor = ActorRefs.Nobody;
    private IActorRef _sessionActor = ActorRefs.Nobody;
    private IActorRef _ledActor = ActorRefs.Nobody;
    private IActorRef _buttonActor = ActorRefs.Nobody;

    private MeterReading _reading;
    // The register and what of it the journal holds; its pure rules decide when a reading is due.
    private EnergyRecording _recording = EnergyRecording.PowerUp;
    private ChargerStatus? _published;

    public static Props Props(ChargerId id, IChargerHardware hardware, ChargerSettings settings, ChargerUnitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        var valid = settings.ValidOrThrow();
        var o = options ?? ChargerUnitOptions.Default;
        return o.On(Akka.Actor.Props.Create(() => new ChargerUnit(id, hardware, valid, o)));
    }

    public ChargerUnit(ChargerId id, IChargerHardware hardware, ChargerSettings settings, ChargerUnitOptions options)
    {
        _id = id;
        _hardware = hardware;
        _options = options;
        _state = ChargerUnitState.PowerUp(settings, options.InitialGrantAmps);

        Receive<PilotProtocol.StateChanged>(OnPilot);
        Receive<PilotProtocol.OfferApplied>(o =>
        {
            Apply(new ChargerUnitFact.OfferApplied(o.Amps));
            _safetyActor.Tell(new SafetyProtocol.OfferApplied(o.Amps));
            Reconcile();
        });
        Receive<PilotProtocol.LeavingC>(_ =>
        {
            Apply(ChargerUnitFact.LeavingC.Instance);
            Reconcile();
        });
        Receive<PilotProtocol.StayedInC>(_ =>
        {
            Apply(ChargerUnitFact.StayedInC.Instance);
            Reconcile();
        });
        Receive<PilotProtocol.DiodeFault>(d => _safetyActor.Tell(new SafetyProtocol.DiodeFailed(d.At, d.LowVolts)));
        Receive<RelayProtocol.Verified>(_ =>
        {
            Apply(ChargerUnitFact.RelaysVerified.Instance);
            Reconcile();
        });
        Receive<RelayProtocol.WeldDetected>(w => _safetyActor.Tell(new SafetyProtocol.Welded(string.Join(",", w.Lines), w.At)));
        Receive<RelayProtocol.PositionChanged>(p =>
        {
            Apply(new ChargerUnitFact.RelaysMoved(p.Closed));
            Reconcile();
        });
        Receive<MeterProtocol.Sample>(OnSample);
        Receive<SafetyProtocol.Changed>(OnSafety);
        Receive<SafetyProtocol.SelfTestResult>(OnSelfTest);
        Receive<SessionProtocol.Changed>(c =>
        {
            var provisional = _recording.SessionProvisional;
            Apply(new ChargerUnitFact.SessionChanged(_recording.OnRegister(c.State)));
            foreach (var line in EventLines.Of(_id, c.Events))
                _log.Info("{0}", line);
            JournalAs(provisional, [.. c.Events]);
            Reconcile();
        });
        Receive<SessionProtocol.Rebased>(r =>
        {
            _recording = _recording.SessionRebased();
            Apply(new ChargerUnitFact.SessionChanged(r.State));
        });
        Receive<RecoveryWaitElapsed>(_ => ChargeProvisionally());
        Receive<SessionProtocol.Refused>(r => _log.Warning("Charger {0}: session refused {1}: {2}", _id, r.Command.GetType().Name, r.Reason));
        Receive<ButtonProtocol.Pressed>(p => _safetyActor.Tell(new SafetyProtocol.SetButtonPressed(p.At)));
        Receive<ButtonProtocol.ActionTriggered>(OnButtonAction);

        Receive<ChargerProtocol.GrantAmps>(OnGrantAmps);
        Receive<SiteProtocol.CurrentGrant>(OnGrant);
        Receive<ChargerProtocol.SetCurrentLimit>(OnCurrentLimit);
        Receive<ChargerProtocol.SetAvailability>(a =>
        {
            Apply(new ChargerUnitFact.AvailabilitySet(a.Operative));
            Sender.Tell(ChargerProtocol.CommandResult.Ok);
            Reconcile();
        });
        Receive<ChargerProtocol.GetStatus>(_ => Sender.Tell(Status()));
        Receive<ChargerProtocol.SubscribeStatus>(s =>
        {
            _subscribers.Add(s.Subscriber);
            Context.Watch(s.Subscriber);
            s.Subscriber.Tell(Status());
        });
        Receive<ChargerProtocol.UnsubscribeStatus>(s =>
        {
            _subscribers.Remove(s.Subscriber);
            Context.Unwatch(s.Subscriber);
        });
        Receive<Terminated>(t => _subscribers.Remove(t.ActorRef));
        Receive<ChargerProtocol.StartCharging>(s => Command(new SessionCommand.Authorise(Context.System.Scheduler.Now, s.By)));
        Receive<ChargerProtocol.StopCharging>(s => Command(new SessionCommand.Stop(Context.System.Scheduler.Now, s.Reason, _recording.RegisterWh)));
        Receive<ChargerProtocol.UpdateSettings>(OnSettings);
        Receive<ChargerProtocol.GetFaultLog>(_ => Sender.Tell(new ChargerProtocol.FaultLog([.. _recoveredFaults, .. _state.Safety.Log])));
        Receive<ChargerJournalProtocol.Recovered>(OnRecovered);
        Receive<PersistenceGuardProtocol.Overflowed>(o => _log.Error("Charger {0}: journal full ({1} held during a database outage); not recorded: {2}", _id, o.Capacity, o.Command));
        Receive<ChargerProtocol.GetSettings>(_ => Sender.Tell(_state.Settings));
        Receive<ChargerProtocol.SetNetworkIndication>(OnSiteIndication);
        Receive<LightsBackDue>(_ => ChangeNetwork(_network.LightsBack()));
        Receive<ChargerProtocol.JoinSite>(_ => OnJoinSite());
        Receive<ChargerProtocol.UpdateFirmware>(u => _firmwareActor.Forward(new FirmwareProtocol.Request(u.Request)));
        Receive<FirmwareProtocol.Changed>(OnFirmwareChanged);
        Receive<ChargerProtocol.CommandResult>(r => _log.Warning("Charger {0}: {1} refused: {2}", _id, Sender.Path.Name, r.Reason));
        Receive<ChargerProtocol.PowerCycle>(OnPowerCycle);
        Receive<ChargerProtocol.ShutDown>(_ => OnShutDown());
        Receive<PowerDownTick>(_ => OnPowerDownTick());
        Receive<PersistenceGuardProtocol.Status>(OnJournalStatusAtPowerDown);
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OpenRelaysFirst(OnChildFailure);

    /// <summary>Restarts a failed child, after the contacts are open.</summary>
    private sealed class OpenRelaysFirst(Action<IActorRef> onFailure) : OneForOneStrategy(Akka.Actor.Decider.From(Directive.Restart))
    {
        public override void ProcessFailure(IActorContext context, bool restart, IActorRef child, Exception cause,
            Akka.Actor.Internal.ChildRestartStats stats, IReadOnlyCollection<Akka.Actor.Internal.ChildRestartStats> children)
        {
            onFailure(child);
            base.ProcessFailure(context, restart, child, cause, stats, children);
        }
    }

    // Whatever failed, the contacts open before anything restarts, and stay open until the
    // restarted child reports again (a meter that keeps failing keeps them open). The button, LED
    // and firmware actors have no say over the relays.
    private void OnChildFailure(IActorRef child)
    {
        _hardware.OpenBothRelays();
        _relayActor.Tell(new RelayProtocol.Open("a child actor failed"));
        if (!child.Equals(_ledActor) && !child.Equals(_buttonActor) && !child.Equals(_firmwareActor))
        {
            _recovering.Add(child);
            Apply(new ChargerUnitFact.ChildrenRestarting(true));
        }
    }

    protected override void PreStart()
    {
        _hardware.OpenBothRelays();
        _ledActor = Context.ActorOf(LedActor.Props(_hardware.StatusLed, _hardware.NetworkLed, _options), "leds");
        _relayActor = Context.ActorOf(RelayActor.Props(_hardware, _options), "relays");
        _safetyActor = Context.ActorOf(SafetyActor.Props(_hardware, _options), "safety");
        _sessionActor = Context.ActorOf(SessionActor.Props(_options), "session");
        if (_options.Journal is { } journal)
            StartJournal(journal);
        else
            StartMeter();
        _pilotActor = Context.ActorOf(PilotActor.Props(_hardware.Pilot, _options), "pilot");
        // The boot loader runs once per power-up: a power cycle after an install starts the new image.
        var boot = _hardware.Firmware.Boot();
        _firmware = FirmwareUpdate.PoweredUp(boot.Version, boot.Replaced);
        if (boot.Installed)
            _log.Info("Charger {0}: firmware {1} installed, replacing {2}", _id, boot.Version, boot.Replaced);
        _firmwareActor = Context.ActorOf(FirmwareActor.Props(_hardware.Firmware, _firmware, _options), "firmware");
        ChangeNetwork(UnitNetwork.PowerUp(_hardware.Radio.Mode, _hardware.Radio.Joined));
        _buttonActor = Context.ActorOf(ButtonActor.Props(_hardware.SetButton, _options), "button");
        Reconcile();
    }

    // The mailbox outlives the instance: what was held for the next power-up goes back in front of
    // it, and the subscribers are handed to the next instance, which greets each with its fresh
    // status, so they follow a restart (a power cycle or a bug) unchanged. The site link did not go
    // away with the unit: what it last said is told to the next instance too.
    protected override void PreRestart(Exception reason, object message)
    {
        _hardware.OpenBothRelays();
        Stash.UnstashAll();
        foreach (var subscriber in _subscribers)
            Self.Tell(new ChargerProtocol.SubscribeStatus(subscriber));
        Self.Tell(new ChargerProtocol.SetNetworkIndication(_network.SiteSays));
        base.PreRestart(reason, message);
    }

    protected override bool AroundReceive(Receive receive, object message)
    {
        // While powering down, what the user or the charge point asks is for the next power-up.
        if (_state.PoweringDown && message is ChargerProtocol.SetCurrentLimit or ChargerProtocol.SetAvailability
                or ChargerProtocol.StartCharging or ChargerProtocol.StopCharging or ChargerProtocol.UpdateSettings or ChargerProtocol.UpdateFirmware)
        {
            Stash.Stash();
            return true;
        }
        var recovered = _recovering.Count > 0 && _recovering.Remove(Sender);
        if (recovered)
        {
            Apply(new ChargerUnitFact.ChildrenRestarting(_recovering.Count > 0));
            _log.Warning("Charger {0}: {1} reports again after its restart", _id, Sender.Path.Name);
        }
        var handled = base.AroundReceive(receive, message);
        if (recovered)
            Reconcile();
        PublishIfChanged();
        return handled;
    }

    private TimeSpan Now => ChargerClock.Now(Context.System.Scheduler);

    private void Apply(ChargerUnitFact fact) => _state = _state.Apply(fact);

    private void OnPilot(PilotProtocol.StateChanged changed)
    {
        var wasPresent = _state.VehiclePresent;
        Apply(new ChargerUnitFact.PilotChanged(changed.State));
        _safetyActor.Tell(new SafetyProtocol.PilotChanged(changed.State, changed.At));
        var at = ChargerClock.ToDateTime(changed.At);
        if (!wasPresent && _state.VehiclePresent && !_state.AwaitingRecovery)
            _sessionActor.Tell(new SessionCommand.PlugIn(at, $"{_id}-{at.ToUnixTimeMilliseconds()}", _recording.RegisterWh, _state.Settings.AutoStart));
        else if (changed.State == PilotState.A && _state.Session.VehiclePresent)
            _sessionActor.Tell(new SessionCommand.PlugOut(at, _recording.RegisterWh));
        Reconcile();
    }

    private void OnSample(MeterProtocol.Sample sample)
    {
        _reading = sample.Reading;
        _recording = _recording.Sampled(sample.RegisterWh);
        _safetyActor.Tell(new SafetyProtocol.Metered(sample.Reading));
        RecordEnergyIfDue();
        Observe();
    }

    private void OnSafety(SafetyProtocol.Changed changed)
    {
        var safety = _state.Safety;
        var weldCleared = safety.Active.ContainsKey(FaultKind.RelayWelded) && !changed.State.Active.ContainsKey(FaultKind.RelayWelded);
        var newEntries = changed.State.Log.Except(safety.Log).ToList();
        foreach (var entry in newEntries)
            _log.Warning("{0}", EventLines.Of(_id, ChargerJournalEvents.FaultRecorded.Of(_id, entry)));
        Journal([.. newEntries.Select(e => ChargerJournalEvents.FaultRecorded.Of(_id, e))]);
        Apply(new ChargerUnitFact.SafetyChanged(changed.State, changed.Thermal));
        if (weldCleared)
            _relayActor.Tell(RelayProtocol.Verify.Instance);
        Reconcile();
    }

    private void OnSelfTest(SafetyProtocol.SelfTestResult result)
    {
        (_state, var outcome) = _state.SelfTestAnswered(result.Attempt, result.Passed);
        if (outcome == SelfTestOutcome.CloseRelays)
            _relayActor.Tell(RelayProtocol.Close.Instance);
        else if (outcome == SelfTestOutcome.Reconcile)
            Reconcile();
    }

    private void StartMeter() =>
        _meterActor = Context.ActorOf(MeterActor.Props(_hardware.Meter, _register, _options), "meter");

    // Carries out what the state decides: the pilot's offer, opening the relays (also when a close
    // may be in flight on the hardware), a self-test before closing, the STATUS LED.
    private void Reconcile()
    {
        var actions = _state.Reconcile(RelaysCommandedClosed());
        _state = actions.State;
        if (actions.SetOffer is { } offer)
            _pilotActor.Tell(new PilotProtocol.SetOffer(offer));
        if (actions.OpenRelays)
            _relayActor.Tell(new RelayProtocol.Open("invariant 5"));
        if (actions.SelfTestBeforeClose is { } attempt)
            _safetyActor.Tell(new SafetyProtocol.SelfTestBeforeClose(attempt));
        if (actions.ShowStatus is { } indication)
            _ledActor.Tell(new LedProtocol.ShowStatus(indication));
        TellFirmwareWhetherSessionOpen();
        Observe();
    }

    private void Observe()
    {
        var state = _state;
        if (state.Session.Authorised)
            _sessionActor.Tell(new SessionCommand.Observe(Context.System.Scheduler.Now, state.RelaysClosed, state.Pilot == PilotState.C, state.AppliedOfferAmps, _reading.Amps, _recording.RegisterWh));
    }
}
