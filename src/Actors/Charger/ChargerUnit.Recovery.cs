using Akka.Actor;
using Akka.Event;
using SmartElek.Actors.Persistence;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Metering;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Unit;

namespace SmartElek.Actors.Charger;

/// <summary>The unit's journal: recovery at power-up, provisional charging while it is away, durable readings.</summary>
public sealed partial class ChargerUnit
{
    // Persistence (ChargerUnitOptions.Journal): the journal's guard, and until it answers the
    // power-up the relays stay open, no session starts and the meter child waits.
    private IActorRef _journal = ActorRefs.Nobody;
    private IReadOnlyList<FaultLogEntry> _recoveredFaults = [];

    private sealed record RecoveryWaitElapsed
    {
        public static readonly RecoveryWaitElapsed Instance = new();
    }

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
        // A cut session is news; the plug-out alone of one stopped before a controlled shutdown is not.
        var cut = recovered.ClosedAtPowerUp.Any(e => e is SessionEvents.Stopped);
        foreach (var e in recovered.ClosedAtPowerUp)
        {
            if (cut) _log.Warning("{0}", EventLines.Of(_id, e));
            else _log.Info("{0}", EventLines.Of(_id, e));
        }
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
}
