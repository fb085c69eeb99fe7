using Akka.Actor;
using SmartElek.Charger.Leds;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Unit;

namespace SmartElek.Actors.Charger;

/// <summary>What the unit shows: its <see cref="ChargerStatus"/>, asked for or published to subscribers on every change.</summary>
public sealed partial class ChargerUnit
{
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
            StatusLed.For(state.StatusShown ?? StatusIndication.NoVehicle), NetworkLed.For(_network.Indication),
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
            ControlledStopSince = state.ControlledStopSince is { } stop && state.PoweringDownSince is null ? ChargerClock.ToDateTime(stop) : null,
            Network = _network.Mode,
            SiteJoined = _network.Joined,
            OnSiteLink = state.OnSiteLink,
            FirmwareVersion = _firmware.RunningVersion,
            Firmware = _firmware.Step,
            FirmwareDetail = _firmware.Detail,
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
