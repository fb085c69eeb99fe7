using Akka.Actor;
using Akka.Event;
using SmartElek.Actors.Persistence;
using SmartElek.Charger.Button;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Leds;
using SmartElek.Charger.Metering;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Unit;
using SmartElek.Site;

namespace SmartElek.Actors.Charger;

/// <summary>
/// The supervisor of one SmartElek #4500: pilot, relay, meter, safety, session, button and LED
/// children. It holds the unit's view (<see cref="ChargerUnitState"/>), routes between the children
/// and carries out what that state decides about the offer and the relays. The same subtree is the
/// whole actor system of one unit, or one of many on a node.
///
/// Invariant 5: the relays are open whenever the pilot is not in C, a fault is active, or the
/// offer is 0 A. Each input change re-runs <see cref="Reconcile"/>; opening is immediate, closing
/// waits for a passed GFCI self-test. The safety child opens the relays on the hardware itself on
/// every fault, and any child failure opens them before the child restarts.
/// </summary>
public sealed class ChargerUnit : ReceiveActor, IWithTimers, IWithUnboundedStash
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
    // Shown to subscribers only: no decision depends on these.
    private NetworkIndication _network = NetworkIndication.Searching;
    private SetButtonAction? _lastButtonAction;
    private ChargerStatus? _published;

    // Persistence (ChargerUnitOptions.Journal): the journal's guard, and until it answers the
    // power-up the relays stay open, no session starts and the meter child waits.
    private IActorRef _journal = ActorRefs.Nobody;
    private IReadOnlyList<FaultLogEntry> _recoveredFaults = [];

    private sealed record RecoveryWaitElapsed
    {
        public static readonly RecoveryWaitElapsed Instance = new();
    }

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

        Receive<ChargerProtocol.OfferCurrent>(OnOffer);
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
        Receive<ChargerProtocol.SetNetworkIndication>(n => ShowNetwork(n.Indication));
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
    // restarted child reports again (a meter that keeps failing keeps them open). The button and
    // LED actors have no say over the relays.
    private void OnChildFailure(IActorRef child)
    {
        _hardware.OpenBothRelays();
        _relayActor.Tell(new RelayProtocol.Open("a child actor failed"));
        if (!child.Equals(_ledActor) && !child.Equals(_buttonActor))
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
        _buttonActor = Context.ActorOf(ButtonActor.Props(_hardware.SetButton, _options), "button");
        ShowNetwork(_network);
        Reconcile();
    }

    // The mailbox outlives the instance: what was held for the next power-up goes back in front of
    // it, and the subscribers are handed to the next instance, which greets each with its fresh
    // status, so they follow a restart (a power cycle or a bug) unchanged.
    protected override void PreRestart(Exception reason, object message)
    {
        _hardware.OpenBothRelays();
        Stash.UnstashAll();
        foreach (var subscriber in _subscribers)
            Self.Tell(new ChargerProtocol.SubscribeStatus(subscriber));
        base.PreRestart(reason, message);
    }

    protected override bool AroundReceive(Receive receive, object message)
    {
        // While powering down, what the user or the charge point asks is for the next power-up.
        if (_state.PoweringDown && message is ChargerProtocol.SetCurrentLimit or ChargerProtocol.SetAvailability
                or ChargerProtocol.StartCharging or ChargerProtocol.StopCharging or ChargerProtocol.UpdateSettings)
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

    private void OnOffer(ChargerProtocol.OfferCurrent offer)
    {
        if (offer.ChargerId != _id)
        {
            _log.Warning("Charger {0}: ignored an offer meant for {1}", _id, offer.ChargerId);
            return;
        }
        if (double.IsNaN(offer.Amps) || offer.Amps < 0)
        {
            _log.Warning("Charger {0}: ignored an invalid offer of {1} A (must be 0 A or more)", _id, offer.Amps);
            return;
        }
        Apply(new ChargerUnitFact.Offered(offer.Amps));
        Reconcile();
    }

    // A site grant (or the site member's fail-safe one) replaces whatever was granted before. It
    // counts as applied once the pilot's offer is at or under it; the allocator relies on that
    // before it gives freed amps to others (invariant 2).
    private void OnGrant(SiteProtocol.CurrentGrant grant)
    {
        if (grant.Charger != _id)
        {
            _log.Warning("Charger {0}: ignored a grant meant for {1}", _id, grant.Charger);
            return;
        }
        if (double.IsNaN(grant.Amps) || grant.Amps < 0)
        {
            _log.Warning("Charger {0}: ignored an invalid grant of {1} A (must be 0 A or more)", _id, grant.Amps);
            return;
        }
        Apply(new ChargerUnitFact.Granted(grant));
        Reconcile();
    }

    private void OnCurrentLimit(ChargerProtocol.SetCurrentLimit limit)
    {
        if (limit.Amps is { } a && (double.IsNaN(a) || a < 0))
        {
            Sender.Tell(new ChargerProtocol.CommandResult(false, $"a current limit of {a} A is impossible (must be 0 A or more, or none)"));
            return;
        }
        Apply(new ChargerUnitFact.CurrentLimitSet(limit.Amps));
        Sender.Tell(ChargerProtocol.CommandResult.Ok);
        Reconcile();
    }

    private void OnSettings(ChargerProtocol.UpdateSettings update)
    {
        var errors = update.Settings.Validate();
        if (errors.Count > 0)
        {
            Sender.Tell(new ChargerProtocol.SettingsRejected(errors));
            return;
        }
        Apply(new ChargerUnitFact.SettingsChanged(update.Settings));
        Journal(new ChargerJournalEvents.SettingsChanged(_id, Context.System.Scheduler.Now, update.Settings));
        Sender.Tell(new ChargerProtocol.SettingsUpdated(update.Settings));
        Reconcile();
    }

    private void OnButtonAction(ButtonProtocol.ActionTriggered triggered)
    {
        _lastButtonAction = triggered.Action;
        var published = new ChargerProtocol.ButtonActionTriggered(_id, triggered.Action, ChargerClock.ToDateTime(triggered.At));
        foreach (var s in _subscribers)
            s.Tell(published);
        switch (triggered.Action)
        {
            case SetButtonAction.RestoreFactorySettings:
            case SetButtonAction.FactoryResetAndLeaveNetwork:
            case SetButtonAction.FactoryResetAtPowerUp:
                Apply(new ChargerUnitFact.SettingsChanged(ChargerSettings.Factory));
                Journal(new ChargerJournalEvents.SettingsChanged(_id, Context.System.Scheduler.Now, ChargerSettings.Factory));
                // Metering resets only between sessions, so a running session's energy stays whole.
                if (!_state.Session.VehiclePresent)
                {
                    _meterActor.Tell(MeterProtocol.ResetRegister.Instance);
                    _recording = _recording.RegisterReset();
                    Journal(new ChargerJournalEvents.RegisterReset(_id, Context.System.Scheduler.Now, _recording.RegisterWh));
                }
                else
                    _log.Warning("Charger {0}: metering reset skipped while a vehicle is plugged in", _id);
                if (triggered.Action != SetButtonAction.RestoreFactorySettings)
                    ShowNetwork(NetworkIndication.Searching);
                break;
            case SetButtonAction.ClosePermitJoin when _network == NetworkIndication.PermitJoinOpen:
                ShowNetwork(NetworkIndication.Connected);
                break;
        }
        Reconcile();
    }

    private void Command(SessionCommand command)
    {
        var decision = _state.Session.Decide(command);
        if (decision.Rejected is { } why)
        {
            Sender.Tell(new ChargerProtocol.CommandResult(false, why));
            return;
        }
        _sessionActor.Tell(command);
        Sender.Tell(ChargerProtocol.CommandResult.Ok);
    }

    private void StartMeter() =>
        _meterActor = Context.ActorOf(MeterActor.Props(_hardware.Meter, _register, _options), "meter");

    // The journal runs on the default dispatcher whatever the unit's: persistence is real I/O.
    private void StartJournal(ChargerJournalSettings journal)
    {
        Apply(new ChargerUnitFact.AwaitingRecovery(true));
        _journal = Context.ActorOf(ChargerJournal.GuardProps(_id, journal), "journal-guard");
        _journal.Tell(new ChargerJournalProtocol.PowerUp(Context.System.Scheduler.Now));
        if (journal.RecoveryWait is { } wait)
            Timers.StartSingleTimer(nameof(RecoveryWaitElapsed), RecoveryWaitElapsed.Instance, wait);
    }

    // The database must not stop charging: past the wait the unit charges on the settings it was
    // started with, its register counting from 0 Wh, and sends what it records to the guard marked
    // provisional, behind the PowerUp the guard still holds. Safety is unchanged: the relays still
    // close only through Reconcile (vehicle asking, authorised, verified, no fault, offer > 0).
    private void ChargeProvisionally()
    {
        if (!_state.AwaitingRecovery || _options.Journal is not { } journal)
            return;
        _log.Warning("Charger {0}: charging provisionally, its journal is unavailable (no recovery within {1}); energy counts from 0 Wh until the journal returns",
            _id, journal.RecoveryWait);
        Apply(new ChargerUnitFact.AwaitingRecovery(false));
        _recording = _recording.ChargingProvisionally();
        StartMeter();
        if (_state.VehiclePresent)
        {
            var at = Context.System.Scheduler.Now;
            _sessionActor.Tell(new SessionCommand.PlugIn(at, $"{_id}-{at.ToUnixTimeMilliseconds()}", _recording.RegisterWh, _state.Settings.AutoStart));
        }
        Reconcile();
    }

    // The journal is back after the unit went provisional: the register moves forward by the
    // recovered R (R + what was counted since power-up), the running session keeps running with the
    // same energy, and the recovered settings apply unless the user changed them meanwhile.
    private void EndProvisional(ChargerJournalProtocol.Recovered recovered)
    {
        var state = TakeRecovered(recovered);
        _recording = _recording.ProvisionalEnded(state.DurableRegisterWh);
        var offsetWh = _recording.OffsetWh;
        Apply(new ChargerUnitFact.SessionChanged(ProvisionalRebase.Rebase(_state.Session, offsetWh)));
        _sessionActor.Tell(new SessionProtocol.Rebase(offsetWh));
        _log.Warning("Charger {0}: journal recovered; provisional energy moved onto the register at {1:0.###} Wh", _id, offsetWh);
        Reconcile();
    }

    // What every recovery takes from the journal: its settings (a change made while the journal was
    // still recovering is newer than what it recovered) and the fault history.
    private ChargerJournalState TakeRecovered(ChargerJournalProtocol.Recovered recovered)
    {
        var state = recovered.State;
        foreach (var e in recovered.ClosedAtPowerUp)
            _log.Warning("{0}", EventLines.Of(_id, e));
        if (state.Settings is { } settings && settings.Validate().Count == 0 && !_recording.SettingsChangedBeforeRecovery)
            Apply(new ChargerUnitFact.SettingsRecovered(settings));
        _recoveredFaults = [.. state.FaultLog];
        return state;
    }

    private void OnRecovered(ChargerJournalProtocol.Recovered recovered)
    {
        if (_recording.Provisional)
        {
            EndProvisional(recovered);
            return;
        }
        if (!_state.AwaitingRecovery)
            return;
        Timers.Cancel(nameof(RecoveryWaitElapsed));
        Apply(new ChargerUnitFact.AwaitingRecovery(false));
        var state = TakeRecovered(recovered);
        // Never below the last durable value: what the meter counted since is lost with the power.
        _recording = _recording.Recovered(state.DurableRegisterWh);
        _register = new EnergyRegister(_recording.RegisterWh);
        StartMeter();
        _sessionActor.Tell(new SessionProtocol.Restore(state.Session));
        // A vehicle still plugged in starts a new session, as a plug-in would.
        if (_state.VehiclePresent)
        {
            var at = Context.System.Scheduler.Now;
            _sessionActor.Tell(new SessionCommand.PlugIn(at, $"{_id}-{at.ToUnixTimeMilliseconds()}", _recording.RegisterWh, _state.Settings.AutoStart));
        }
        Reconcile();
    }

    private void Journal(params IWireMessage[] events) => JournalAs(_recording.Provisional, events);

    private void JournalAs(bool provisional, IWireMessage[] events)
    {
        if (_options.Journal is null || events.Length == 0)
            return;
        _recording = _recording.Journaled(events, beforeRecovery: _state.AwaitingRecovery);
        _journal.Tell(provisional ? new ChargerJournalProtocol.RecordProvisional(events) : new ChargerJournalProtocol.Record(events));
    }

    // While a vehicle is plugged in, the register becomes durable once per interval when it moved.
    // Not without a vehicle: no energy flows then, and a reading in flight across a factory reset
    // could otherwise land after the reset event. Readings come with the meter's samples, so the
    // one that would pass the interval is taken a sample early: no gap exceeds the interval, and
    // the energy a crash can leave unrecorded is at most one interval of charging.
    private void RecordEnergyIfDue()
    {
        if (_options.Journal is not { } journal || _state.AwaitingRecovery || !_state.Session.VehiclePresent)
            return;
        var now = Now;
        (_recording, var record) = _recording.TakeReadingIfDue(now, _options.MeterPoll, journal.DurableReadingInterval);
        if (record)
            Journal(new ChargerJournalEvents.EnergyRecorded(_id, ChargerClock.ToDateTime(now), _recording.RegisterWh, _state.Session.SessionId));
    }

    private sealed record PowerDownTick
    {
        public static readonly PowerDownTick Instance = new();
    }

    private static readonly TimeSpan PowerDownPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>The restart that a power cycle asks of the unit's supervisor.</summary>
    public sealed class PowerCycled(ChargerId id, string by) : Exception($"Charger {id}: power cycle ({by})");

    // Relays open and nothing offered at once; the register's last value becomes durable; the
    // session's last changes (an OCPP stop just before the reset) reach the journal; then restart.
    private void OnPowerCycle(ChargerProtocol.PowerCycle cycle)
    {
        if (_state.PoweringDown)
            return;
        _log.Warning("Charger {0}: power cycle ({1}): relays open, journal flushed, then the unit powers up again", _id, cycle.By);
        PowerDown();
    }

    // Who asked for a shut-down (answered once the journal is flushed); empty for a power cycle.
    private readonly List<IActorRef> _shutDownBy = [];

    private void OnShutDown()
    {
        if (_state.PoweringDown)
        {
            // A second ask waits for the same flush; one during a power cycle is answered at once.
            if (_shutDownBy.Count > 0) _shutDownBy.Add(Sender);
            else Sender.Tell(new ChargerProtocol.ShutDownDone(_id, Flushed: false));
            return;
        }
        _shutDownBy.Add(Sender);
        if (_state.Session.Authorised)
        {
            _log.Info("Charger {0}: the controller stops: session {1} ends (Shutdown), relays open", _id, _state.Session.SessionId);
            // Not Command(): the answer to this ask is ShutDownDone, not a command result.
            var stop = new SessionCommand.Stop(Context.System.Scheduler.Now, StopReason.Shutdown, _recording.RegisterWh);
            if (_state.Session.Decide(stop).Rejected is null)
                _sessionActor.Tell(stop);
        }
        PowerDown();
    }

    private void PowerDown()
    {
        Apply(new ChargerUnitFact.PowerDownStarted(Now));
        _hardware.OpenBothRelays();
        Reconcile();
        if (_options.Journal is not null && !_state.AwaitingRecovery && _state.Session.VehiclePresent)
        {
            var now = Now;
            (_recording, var record) = _recording.TakeReadingAtPowerDown(now);
            if (record)
                Journal(new ChargerJournalEvents.EnergyRecorded(_id, ChargerClock.ToDateTime(now), _recording.RegisterWh, _state.Session.SessionId));
        }
        Timers.StartSingleTimer(nameof(PowerDownTick), PowerDownTick.Instance, PowerDownPoll);
    }

    private void OnPowerDownTick()
    {
        if (!_state.PoweringDown)
            return;
        if (_options.Journal is null)
        {
            PoweredDown("no journal to flush", flushed: true);
            return;
        }
        _journal.Tell(PersistenceGuardProtocol.GetStatus.Instance);
    }

    // A power cycle restarts the unit; a shut-down answers and stays down.
    private void PoweredDown(string how, bool flushed)
    {
        if (_shutDownBy.Count == 0)
            throw new PowerCycled(_id, how);
        foreach (var asker in _shutDownBy)
            asker.Tell(new ChargerProtocol.ShutDownDone(_id, flushed));
        _log.Info("Charger {0}: shut down ({1})", _id, how);
    }

    private void OnJournalStatusAtPowerDown(PersistenceGuardProtocol.Status status)
    {
        if (_state.PoweringDownSince is not { } since || _options.Journal is not { } journal)
            return;
        // A shut-down's session stop must have come back from the session actor and gone to the journal too.
        var stopPending = _shutDownBy.Count > 0 && _state.Session.Authorised;
        if (status.Pending == 0 && !stopPending)
        {
            PoweredDown("journal flushed", flushed: true);
            return;
        }
        if (Now - since >= journal.PowerCycleFlushWait)
        {
            _log.Error("Charger {0}: {1} with the journal unavailable for {2}: {3} events it held are lost with the power",
                _id, _shutDownBy.Count == 0 ? "power cycle" : "shut-down", journal.PowerCycleFlushWait, status.Pending);
            PoweredDown("journal unavailable", flushed: false);
            return;
        }
        Timers.StartSingleTimer(nameof(PowerDownTick), PowerDownTick.Instance, PowerDownPoll);
    }

    private void ShowNetwork(NetworkIndication indication)
    {
        _network = indication;
        _ledActor.Tell(new LedProtocol.ShowNetwork(indication));
    }

    // Carries out what the state decides: the pilot's offer, opening the relays (also when a close
    // may be in flight on the hardware), a self-test before closing, the STATUS LED.
    private void Reconcile()
    {
        var actions = _state.Reconcile(
            _hardware.RelayL1.Commanded == RelayPosition.Closed || _hardware.RelayL2.Commanded == RelayPosition.Closed);
        _state = actions.State;
        if (actions.SetOffer is { } offer)
            _pilotActor.Tell(new PilotProtocol.SetOffer(offer));
        if (actions.OpenRelays)
            _relayActor.Tell(new RelayProtocol.Open("invariant 5"));
        if (actions.SelfTestBeforeClose is { } attempt)
            _safetyActor.Tell(new SafetyProtocol.SelfTestBeforeClose(attempt));
        if (actions.ShowStatus is { } indication)
            _ledActor.Tell(new LedProtocol.ShowStatus(indication));
        Observe();
    }

    private void Observe()
    {
        var state = _state;
        if (state.Session.Authorised)
            _sessionActor.Tell(new SessionCommand.Observe(Context.System.Scheduler.Now, state.RelaysClosed, state.Pilot == PilotState.C, state.AppliedOfferAmps, _reading.Amps, _recording.RegisterWh));
    }

    private ChargerStatus Status()
    {
        var now = Context.System.Scheduler.Now;
        var state = _state;
        var session = state.Session;
        var faults = state.Safety.Active.Values
            .OrderBy(f => f.Since)
            .Select(f => new FaultInfo(f.Kind, ChargerClock.ToDateTime(f.Since), f.Detail, f.Latched,
                f.RetryAt is { } r ? ChargerClock.ToDateTime(r) : null, f.Rule.OcppErrorCode, f.Rule.Clearing))
            .ToList();
        var sessionKwh = session.EnergyWh(_recording.RegisterWh) / 1000;
        var (evLevel, evRange) = BatteryEstimate.After(state.Settings, sessionKwh);
        return new ChargerStatus(
            _id, state.Settings.Name, now, state.Pilot,
            _hardware.RelayL1.Commanded, _hardware.RelayL2.Commanded, state.RelaysVerified,
            StatusLed.For(state.StatusShown ?? StatusIndication.NoVehicle), NetworkLed.For(_network),
            state.GrantedAmps, state.AppliedOfferAmps, _reading.Amps, _reading.Volts, _reading.ActivePowerW, _recording.RegisterWh,
            session.Phase, session.SessionId, sessionKwh,
            session.PluggedInAt is { } p ? now - p : TimeSpan.Zero, evLevel, evRange, session.LastCompleted,
            faults, state.Thermal, state.Safety.TripCount(FaultKind.GfciTrip), _lastButtonAction)
        {
            AppliedGrantEpoch = state.AppliedGrant.Epoch,
            AppliedGrantSeq = state.AppliedGrant.Seq,
            GrantLimit = state.Grant?.LimitReason,
            CurrentLimitAmps = state.CurrentLimitAmps,
            Operative = state.Operative,
            FrequencyHz = _reading.FrequencyHz,
            PowerFactor = _reading.PowerFactor,
            StopReason = session.Phase == SessionPhase.Stopped ? session.StopReason : null,
            RegisterRecovered = !state.AwaitingRecovery && !_recording.Provisional,
        };
    }

    private void PublishIfChanged()
    {
        if (_subscribers.Count == 0)
            return;
        var status = Status();
        if (status.SameAs(_published))
            return;
        _published = status;
        foreach (var s in _subscribers)
            s.Tell(status);
    }
}
