using Akka.Actor;
using Akka.Event;
using SmartElek.Actors.Persistence;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Unit;

namespace SmartElek.Actors.Charger;

/// <summary>
/// The unit's power-down (<see cref="PowerDown"/> decides each step): a power cycle (10 SET taps,
/// an OCPP hard reset, a firmware install) stops under control, ends the session as a reboot, opens
/// the relays, flushes the journal and restarts in place; the controller's shut-down ends the session
/// at once and stays down once flushed.
/// </summary>
public sealed partial class ChargerUnit
{
    private sealed record PowerDownTick
    {
        public static readonly PowerDownTick Instance = new();
    }

    private static readonly TimeSpan PowerDownPoll = TimeSpan.FromMilliseconds(100);

    // Without a journal only the session's stop is waited for, at most this long.
    private static readonly TimeSpan StopWaitWithoutJournal = new ChargerJournalSettings().PowerCycleFlushWait;

    /// <summary>The restart that a power cycle asks of the unit's supervisor.</summary>
    public sealed class PowerCycled(ChargerId id, string by) : Exception($"Charger {id}: power cycle ({by})");

    private PowerDown? _powerDown;

    // Who asked for a shut-down (answered once the journal is flushed); empty for a power cycle.
    private readonly List<IActorRef> _shutDownBy = [];

    private void OnPowerCycle(ChargerProtocol.PowerCycle cycle)
    {
        if (_powerDown is not null)
            return;
        _log.Warning("Charger {0}: power cycle ({1}): controlled stop, session ended (Reboot), relays open, journal flushed, then the unit powers up again", _id, cycle.By);
        BeginPowerDown(new PowerDown(PowerDownKind.PowerCycle, StopReason.Reboot, cycle.By, Now), controlledStop: true);
    }

    private void OnShutDown()
    {
        if (_powerDown is not null)
        {
            // A second ask waits for the same flush; one during a power cycle is answered at once.
            if (_shutDownBy.Count > 0) _shutDownBy.Add(Sender);
            else Sender.Tell(new ChargerProtocol.ShutDownDone(_id, Flushed: false));
            return;
        }
        _shutDownBy.Add(Sender);
        // The Host's stop phase is bounded by the flush wait: the session ends at once, no controlled stop.
        BeginPowerDown(new PowerDown(PowerDownKind.ShutDown, StopReason.Shutdown, "the controller stops", Now), controlledStop: false);
    }

    private void BeginPowerDown(PowerDown down, bool controlledStop)
    {
        _powerDown = down;
        if (controlledStop)
        {
            // 0 A on the pilot now; the contacts stay closed until the vehicle's current has fallen.
            Apply(new ChargerUnitFact.ControlledStopStarted(down.StartedAt));
            Reconcile();
        }
        else
            OpenForPowerDown();
        Timers.StartSingleTimer(nameof(PowerDownTick), PowerDownTick.Instance, PowerDownPoll);
    }

    // The controlled stop is over (or skipped): the running session ends with the power-down's
    // reason, the relays open, the register's last value becomes durable.
    private void OpenForPowerDown()
    {
        var down = _powerDown!;
        var now = Now;
        var stopAsked = false;
        if (_state.Session.Authorised)
        {
            // Not Command(): a shut-down's answer is ShutDownDone, and a button has no one to answer.
            var stop = new SessionCommand.Stop(Context.System.Scheduler.Now, down.SessionEndReason, _recording.RegisterWh);
            if (_state.Session.Decide(stop).Rejected is null)
            {
                _log.Info("Charger {0}: session {1} ends ({2}: {3}), relays open", _id, _state.Session.SessionId, down.SessionEndReason, down.By);
                _sessionActor.Tell(stop);
                stopAsked = true;
            }
        }
        _powerDown = down.RelaysOpened(now, stopAsked);
        Apply(new ChargerUnitFact.PowerDownStarted(now));
        _hardware.OpenBothRelays();
        Reconcile();
        if (_options.Journal is not null && !_state.AwaitingRecovery && _state.Session.VehiclePresent)
        {
            (_recording, var record) = _recording.TakeReadingAtPowerDown(now);
            if (record)
                Journal(new ChargerJournalEvents.EnergyRecorded(_id, ChargerClock.ToDateTime(now), _recording.RegisterWh, _state.Session.SessionId));
        }
    }

    private void OnPowerDownTick()
    {
        if (_powerDown is not { } down)
            return;
        if (down.Stopping)
        {
            if (down.StopOver(Now, _state.RelaysClosed || RelaysCommandedClosed(), _reading.Amps))
                OpenForPowerDown();
        }
        else if (_options.Journal is null)
        {
            var outcome = down.Flush(Now, 0, _state.Session.Authorised, StopWaitWithoutJournal);
            if (outcome != FlushOutcome.Waiting)
            {
                PoweredDown("no journal to flush", flushed: true);
                return;
            }
        }
        else
        {
            _journal.Tell(PersistenceGuardProtocol.GetStatus.Instance);
            return;
        }
        Timers.StartSingleTimer(nameof(PowerDownTick), PowerDownTick.Instance, PowerDownPoll);
    }

    private void OnJournalStatusAtPowerDown(PersistenceGuardProtocol.Status status)
    {
        if (_powerDown is not { Stopping: false } down || _options.Journal is not { } journal)
            return;
        switch (down.Flush(Now, status.Pending, _state.Session.Authorised, journal.PowerCycleFlushWait))
        {
            case FlushOutcome.Flushed:
                PoweredDown("journal flushed", flushed: true);
                break;
            case FlushOutcome.GaveUp:
                _log.Error("Charger {0}: {1} with the journal unavailable for {2}: {3} events it held are lost with the power",
                    _id, down.Kind == PowerDownKind.PowerCycle ? "power cycle" : "shut-down", journal.PowerCycleFlushWait, status.Pending);
                PoweredDown("journal unavailable", flushed: false);
                break;
            default:
                Timers.StartSingleTimer(nameof(PowerDownTick), PowerDownTick.Instance, PowerDownPoll);
                break;
        }
    }

    // A power cycle restarts the unit; a shut-down answers and stays down.
    private void PoweredDown(string how, bool flushed)
    {
        if (_powerDown!.Kind == PowerDownKind.PowerCycle)
            throw new PowerCycled(_id, $"{_powerDown.By}; {how}");
        foreach (var asker in _shutDownBy)
            asker.Tell(new ChargerProtocol.ShutDownDone(_id, flushed));
        _log.Info("Charger {0}: shut down ({1})", _id, how);
    }

    private bool RelaysCommandedClosed() =>
        _hardware.RelayL1.Commanded == RelayPosition.Closed || _hardware.RelayL2.Commanded == RelayPosition.Closed;
}
