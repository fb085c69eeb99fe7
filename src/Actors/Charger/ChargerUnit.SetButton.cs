using Akka.Actor;
using Akka.Event;
using SmartElek.Charger.Button;
using SmartElek.Charger.Firmware;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Leds;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Unit;

namespace SmartElek.Actors.Charger;

/// <summary>
/// What the SET button does (the manual's table), and the two concerns it reaches beyond the
/// charging rules: the network side (<see cref="UnitNetwork"/>: Wi-Fi mode, leaving the site, the
/// NETWORK LED) and the firmware (<see cref="FirmwareActor"/>, the same path as OCPP UpdateFirmware).
/// </summary>
public sealed partial class ChargerUnit
{
    private sealed record LightsBackDue
    {
        public static readonly LightsBackDue Instance = new();
    }

    // What the radio keeps and what the site link said: the NETWORK LED, and whether grants are taken.
    private UnitNetwork _network = UnitNetwork.PowerUp(NetworkMode.SiteLink, joined: true);
    private SetButtonAction? _lastButtonAction;

    // The firmware child's last report; the version the boot loader started at this power-up.
    private FirmwareUpdate _firmware = FirmwareUpdate.PoweredUp("unknown", null);
    private IActorRef _firmwareActor = ActorRefs.Nobody;
    private bool? _firmwareToldSessionOpen;

    private void OnButtonAction(ButtonProtocol.ActionTriggered triggered)
    {
        _lastButtonAction = triggered.Action;
        var published = new ChargerProtocol.ButtonActionTriggered(_id, triggered.Action, ChargerClock.ToDateTime(triggered.At));
        foreach (var s in _subscribers)
            s.Tell(published);
        switch (triggered.Action)
        {
            case SetButtonAction.RestoreFactorySettings:
                RestoreFactorySettings();
                break;
            case SetButtonAction.FactoryResetAndLeaveNetwork:
            case SetButtonAction.FactoryResetAtPowerUp:
                RestoreFactorySettings();
                LeaveSite();
                break;
            case SetButtonAction.ClosePermitJoin:
                ChangeNetwork(_network.PermitJoinClosed());
                break;
            case SetButtonAction.ToggleWifi:
                var toggled = _network.Toggled();
                _hardware.Radio.Select(toggled.Mode);
                _log.Warning("Charger {0}: 7 SET taps: network mode {1}; {2}", _id, toggled.Mode,
                    toggled.OnSiteLink ? "back on the site link, granted again from the site's next grant" : $"off the site link, no site grants taken, offering at most its fail-safe {_state.FailSafeAmps:0.#} A");
                ChangeNetwork(toggled);
                break;
            case SetButtonAction.Reboot:
                OnPowerCycle(new ChargerProtocol.PowerCycle("10 SET taps"));
                break;
            case SetButtonAction.RequestFirmwareUpdate:
                RequestFirmware(FirmwareRequest.Ota(Context.System.Scheduler.Now, "6 SET taps"));
                break;
        }
        Reconcile();
    }

    private void RestoreFactorySettings()
    {
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
    }

    // The radio forgets the site: no grant is taken until the unit is commissioned again, so it
    // holds its fail-safe current, which the site has counted all along (invariants 1-3).
    private void LeaveSite()
    {
        _hardware.Radio.Leave();
        ChangeNetwork(_network.Left());
        Timers.StartSingleTimer(nameof(LightsBackDue), LightsBackDue.Instance, NetworkLed.ResettingOffTime);
        _log.Warning("Charger {0}: factory reset: left the site's network; no site grants taken, offering at most its fail-safe {1:0.#} A until it is commissioned again",
            _id, _state.FailSafeAmps);
    }

    // Commissioned again after leaving: the radio keeps the membership; grants are taken from the next one.
    private void OnJoinSite()
    {
        if (_network.Joined) return;
        _hardware.Radio.Join();
        ChangeNetwork(_network.Commissioned());
        _log.Info("Charger {0}: commissioned: joined the site's network again{1}", _id,
            _network.OnSiteLink ? "; granted from the site's next grant" : $" (in {_network.Mode} mode: off the site link until 7 SET taps)");
    }

    private void OnSiteIndication(ChargerProtocol.SetNetworkIndication indication)
    {
        if (indication.Indication == NetworkIndication.ResettingOff)
        {
            _log.Warning("Charger {0}: ignored a site link indication {1}: only the unit itself goes dark, for a factory reset", _id, indication.Indication);
            return;
        }
        ChangeNetwork(_network.SiteIndicated(indication.Indication));
    }

    private void ChangeNetwork(UnitNetwork next)
    {
        _network = next;
        if (_state.OnSiteLink != next.OnSiteLink)
        {
            Apply(new ChargerUnitFact.SiteLinkChanged(next.OnSiteLink));
            Reconcile();
        }
        _ledActor.Tell(new LedProtocol.ShowNetwork(next.Indication));
    }

    private void RequestFirmware(FirmwareRequest request)
    {
        if (_firmware.Refusal(request) is { } why)
            _log.Warning("Charger {0}: firmware update ({1}) refused: {2}", _id, request.By, why);
        else
            _firmwareActor.Tell(new FirmwareProtocol.Request(request));
    }

    private void OnFirmwareChanged(FirmwareProtocol.Changed changed)
    {
        var before = _firmware;
        _firmware = changed.Update;
        if (before.Step != _firmware.Step || before.RunningVersion != _firmware.RunningVersion)
            _log.Info("Charger {0}: firmware {1}: {2}{3}{4}", _id, _firmware.RunningVersion, _firmware.Step,
                _firmware.ImageVersion is { } image && _firmware.Step is FirmwareStep.Downloaded or FirmwareStep.Installing ? $" {image}" : "",
                _firmware.Detail is { } detail ? $" ({detail})" : "");
        // A restarted firmware child starts over: tell it again whether a session is open.
        _firmwareToldSessionOpen = null;
        TellFirmwareWhetherSessionOpen();
        // The install ends with a reboot into the new image; the boot loader's result reports it.
        if (_firmware.Step == FirmwareStep.Installing)
            OnPowerCycle(new ChargerProtocol.PowerCycle($"firmware {_firmware.ImageVersion} install"));
    }

    // A downloaded image installs (and reboots the unit) only while no vehicle is plugged in.
    private void TellFirmwareWhetherSessionOpen()
    {
        var open = _state.Session.VehiclePresent || _state.VehiclePresent;
        if (open == _firmwareToldSessionOpen)
            return;
        _firmwareToldSessionOpen = open;
        _firmwareActor.Tell(new FirmwareProtocol.SessionOpen(open));
    }
}
