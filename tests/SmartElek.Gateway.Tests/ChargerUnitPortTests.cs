using Akka.Actor;
using Akka.TestKit;
using SmartElek.Actors.Charger;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Simulation;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Ocpp16;
using Xunit.Abstractions;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.Tests;

/// <summary>
/// The adapter over the real charger: a <see cref="ChargerUnit"/> on a <see cref="SimulatedCharger"/>,
/// on the virtual clock with the calling-thread dispatcher, so each clock step is fully processed.
/// A probe stands in for the charge point actor.
/// </summary>
[Trait("Speed", "Fast")]
public sealed class ChargerUnitPortTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Step = ChargerUnitOptions.Default.PilotPoll;
    private readonly SimulatedCharger _board;
    private readonly TestProbe _cp;
    private IActorRef _unit = ActorRefs.Nobody;
    private ChargerUnitPort _port = null!;
    private int _units;

    public ChargerUnitPortTests(ITestOutputHelper output) : base(UnitTestConfig.VirtualClock, output: output)
    {
        _board = new SimulatedCharger(ChargerClock.Of(Sys));
        _cp = CreateTestProbe();
    }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private IActorRef NewUnit(ChargerSettings settings) =>
        // Under a calling-thread parent, so a hard reset's restart completes within the clock step.
        CallingThreadParent.Spawn(Sys, ChargerUnit.Props(new ChargerId("SE-P1"), _board, settings,
            ChargerUnitOptions.Default with { Dispatcher = CallingThreadDispatcher.Id }), $"unit-{++_units}");

    private void Start(bool autoStart = false)
    {
        var settings = ChargerSettings.Factory with { AutoStart = autoStart };
        _unit = NewUnit(settings);
        _port = new ChargerUnitPort(_unit, new ChargerUnitPortOptions(LocalIdTag: "APP-TAG",
            ListenerDispatcher: CallingThreadDispatcher.Id));
        _port.Attach(_cp.Ref, Sys);
        // The first status means the unit and the listener are both up, so the clock may move.
        AwaitCondition(() => _port.LastStatus is not null, TimeSpan.FromSeconds(10));
        Run(TimeSpan.FromSeconds(1));
    }

    private void Run(TimeSpan span)
    {
        for (var t = TimeSpan.Zero; t < span; t += Step) Clock.Advance(Step);
    }

    private void RunUntil(Func<bool> condition, TimeSpan limit, string what)
    {
        var waited = TimeSpan.Zero;
        while (!condition())
        {
            if (waited > limit) Assert.Fail($"not within {limit} of virtual time: {what}; status {_port.LastStatus}");
            Clock.Advance(Step);
            waited += Step;
        }
    }

    /// <summary>Every message the charge point got so far.</summary>
    private List<object> Told()
    {
        var all = new List<object>();
        while (_cp.HasMessages) all.Add(_cp.ReceiveOne(TimeSpan.Zero)!);
        return all;
    }

    // A vehicle plugs in, the charge point starts a transaction, and current flows.
    private void PlugInAndCharge()
    {
        _board.PlugIn(new VehicleSpec());
        Run(TimeSpan.FromSeconds(1));
        Assert.True(_port.StartCharging("TAG-1"));
        RunUntil(() => _port.Read().Meter.CurrentA > 5, TimeSpan.FromSeconds(15), "charging");
    }

    [Fact]
    public void A_plugged_vehicle_charges_under_the_charge_points_start_and_its_metered_current_follows_the_composite_limit()
    {
        Start();
        Assert.Equal(VehicleConnection.None, _port.Read().Vehicle);
        Told();

        _board.PlugIn(new VehicleSpec(OnboardChargerAmps: 32));
        RunUntil(() => _port.Read().Vehicle != VehicleConnection.None, TimeSpan.FromSeconds(2), "the vehicle seen");
        Assert.Contains(Told(), m => m is ConnectorChanged);

        Assert.True(_port.StartCharging("TAG-1"));
        RunUntil(() => _port.Read().Meter.CurrentA > 25, TimeSpan.FromSeconds(15), "charging at the charger's 30 A");
        Assert.Equal(VehicleConnection.RequestingEnergy, _port.Read().Vehicle);
        Assert.DoesNotContain(Told(), m => m is LocalStartRequested); // the charge point asked: not a local start

        _port.ApplyCurrentLimit(10m);
        RunUntil(() => _port.Read().Meter.CurrentA is > 9m and < 10.5m, TimeSpan.FromSeconds(10), "the vehicle follows 10 A");
        Assert.Equal(10, _port.LastStatus!.CurrentLimitAmps);
        Assert.InRange(_port.Read().Meter.OfferedA, 9.9m, 10m); // the PWM duty's resolution
        var energy = _port.Read().Meter.EnergyWh;
        Run(TimeSpan.FromMinutes(1));
        var meter = _port.Read().Meter;
        // 10 A x ~240 V for a minute: about 40 Wh more on the register, from the simulator's physics.
        Assert.InRange(meter.EnergyWh - energy, 35, 45);
        Assert.InRange(meter.VoltageV, 235m, 245m);
        Assert.InRange(meter.FrequencyHz, 59.9m, 60.1m);
        Assert.InRange(meter.PowerFactor, 0.95m, 1m);

        // At or above the charger's maximum the cap is lifted, not set to 32 A.
        _port.ApplyCurrentLimit(32m);
        Run(TimeSpan.FromSeconds(12));
        Assert.Null(_port.LastStatus!.CurrentLimitAmps);
        Assert.True(_port.Read().Meter.CurrentA > 25, $"{_port.Read().Meter.CurrentA} A after the cap was lifted");
    }

    [Fact]
    public void A_stop_at_the_charger_is_a_local_stop_and_a_stop_the_charge_point_asked_for_is_not()
    {
        Start();
        PlugInAndCharge();
        Told();

        _unit.Tell(new ChargerProtocol.StopCharging()); // the user, in the app
        RunUntil(() => _port.Read().Meter.CurrentA == 0, TimeSpan.FromSeconds(5), "stopped");
        Assert.Equal(StopTransactionReason.Local, Assert.Single(Told().OfType<LocalStopRequested>()).Reason);

        Assert.True(_port.StartCharging("TAG-1"));
        RunUntil(() => _port.Read().Meter.CurrentA > 5, TimeSpan.FromSeconds(15), "charging again");
        _port.StopCharging(StopTransactionReason.Remote);
        RunUntil(() => _port.Read().Meter.CurrentA == 0, TimeSpan.FromSeconds(5), "stopped again");
        Assert.DoesNotContain(Told(), m => m is LocalStopRequested or LocalStartRequested);
    }

    [Fact]
    public void A_controller_that_shuts_down_ends_the_transaction_as_a_reboot_not_as_the_users_stop()
    {
        Start();
        PlugInAndCharge();
        Told();

        _unit.Tell(ChargerProtocol.ShutDown.Instance);
        RunUntil(() => _port.Read().Meter.CurrentA == 0, TimeSpan.FromSeconds(5), "stopped by the shut-down");
        Assert.Equal(StopTransactionReason.Reboot, Assert.Single(Told().OfType<LocalStopRequested>()).Reason);
    }

    [Theory]
    [InlineData(StopReason.Local, StopTransactionReason.Local)]
    [InlineData(StopReason.Shutdown, StopTransactionReason.Reboot)]
    [InlineData(StopReason.Reboot, StopTransactionReason.Reboot)]
    [InlineData(StopReason.Fault, StopTransactionReason.Other)]
    [InlineData(StopReason.Other, StopTransactionReason.Other)]
    [InlineData(StopReason.EvDisconnected, StopTransactionReason.EVDisconnected)]
    [InlineData(StopReason.PowerLoss, StopTransactionReason.PowerLoss)]
    [InlineData(StopReason.Remote, StopTransactionReason.Remote)]
    public void Every_stop_reason_of_the_charger_has_its_OCPP_reason(StopReason unit, StopTransactionReason ocpp) =>
        Assert.Equal(ocpp, ChargerUnitPort.OcppReason(unit));

    [Fact]
    public void Auto_start_on_plug_in_is_a_local_start_with_the_configured_tag_and_unplugging_is_seen()
    {
        Start(autoStart: true);
        Told();
        _board.PlugIn(new VehicleSpec());
        Run(TimeSpan.FromSeconds(2));
        Assert.Equal("APP-TAG", Assert.Single(Told().OfType<LocalStartRequested>()).IdTag);

        _board.Unplug();
        Run(TimeSpan.FromSeconds(1));
        Assert.Equal(VehicleConnection.None, _port.Read().Vehicle);
        var told = Told();
        Assert.Contains(told, m => m is ConnectorChanged);
        Assert.DoesNotContain(told, m => m is LocalStopRequested); // unplugging ends it as EVDisconnected, by the charge point
    }

    [Fact]
    public void A_ground_fault_is_faulted_with_GroundFailure_and_refuses_a_start()
    {
        Start();
        PlugInAndCharge();
        Told();

        _board.InjectLeakage(30);
        RunUntil(() => _port.Read().Fault != ConnectorFault.None, TimeSpan.FromSeconds(2), "the GFCI trip seen");
        var s = _port.Read();
        Assert.Equal(ConnectorFault.GroundFailure, s.Fault);
        Assert.Equal(ChargePointErrorCode.GroundFailure, StatusMapping.Of(s, true, false, false, false).ErrorCode);
        Assert.False(string.IsNullOrEmpty(s.FaultInfo));
        Assert.Contains(Told(), m => m is ConnectorChanged);
        Assert.False(_port.StartCharging("TAG-2"));
    }

    [Fact]
    public void Every_fault_rule_of_the_charger_maps_to_the_OCPP_errorCode_it_names()
    {
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            var rule = FaultRules.For(kind);
            var code = StatusMapping.ErrorCode(ChargerUnitPort.FaultOf(rule.OcppErrorCode));
            Assert.Equal(rule.OcppErrorCode, OcppEnumConverter<ChargePointErrorCode>.NameOf(code));
        }
    }

    [Fact]
    public void Unavailable_charger_reads_inoperative_offers_nothing_and_unlock_answers_whether_power_is_off_the_cable()
    {
        Start();
        Assert.True(_port.SetAvailability(false));
        Run(TimeSpan.FromSeconds(1));
        Assert.False(_port.Read().Operative);
        _board.PlugIn(new VehicleSpec());
        Run(TimeSpan.FromSeconds(1));
        Assert.False(_port.StartCharging("TAG-1"));
        Assert.Equal(UnlockStatus.Unlocked, _port.Unlock()); // relays open: nothing holds the cable

        Assert.True(_port.SetAvailability(true));
        Run(TimeSpan.FromSeconds(1));
        Assert.True(_port.Read().Operative);
        Assert.True(_port.StartCharging("TAG-1"));
        RunUntil(() => _port.Read().Meter.CurrentA > 5, TimeSpan.FromSeconds(15), "charging once operative");
        Assert.True(_port.Read().RelaysClosed);
        Assert.Equal(UnlockStatus.UnlockFailed, _port.Unlock()); // power still on the cable
    }

    [Fact]
    public async Task A_hard_reset_power_cycles_the_unit_in_place_on_the_same_board_and_the_port_keeps_following_it_with_its_limit()
    {
        Start();
        var watcher = CreateTestProbe();
        _unit.Tell(new ChargerProtocol.SubscribeStatus(watcher.Ref));
        _board.PlugIn(new VehicleSpec());
        Run(TimeSpan.FromSeconds(1));
        _port.ApplyCurrentLimit(12m);
        Assert.True(_port.StartCharging("TAG-1"));
        RunUntil(() => _port.Read().Meter.CurrentA > 5, TimeSpan.FromSeconds(15), "charging");
        var sessionBefore = _port.LastStatus!.SessionId;
        _port.StopCharging(StopTransactionReason.HardReset);
        Run(TimeSpan.FromSeconds(1));
        while (watcher.HasMessages) watcher.ReceiveOne(TimeSpan.Zero);

        Assert.True(_port.Reset(ResetType.Hard));
        Run(TimeSpan.FromSeconds(2));
        // It powered up under the same reference: relays driven open and verified again before anything else.
        await watcher.FishForMessageAsync<ChargerStatus>(s => !s.RelaysVerified);
        RunUntil(() => _port.LastStatus!.RelaysVerified, TimeSpan.FromSeconds(10), "the unit's relays verified again");
        Assert.NotEqual(sessionBefore, _port.LastStatus!.SessionId); // a new unit instance: the vehicle's session began again
        var status = await _unit.Ask<ChargerStatus>(ChargerProtocol.GetStatus.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal(12, status.CurrentLimitAmps); // the port sent the composite limit again, after the power-up
        RunUntil(() => _port.Read().Vehicle == VehicleConnection.Connected, TimeSpan.FromSeconds(3), "the board kept the plugged vehicle");

        Assert.True(_port.StartCharging("TAG-1"));
        RunUntil(() => _port.Read().Meter.CurrentA is > 5 and < 12.5m, TimeSpan.FromSeconds(15), "charging again at 12 A");
    }

    [Fact]
    public void A_start_at_the_charger_that_the_charge_point_never_takes_up_is_stopped_after_the_grace()
    {
        Start(autoStart: true);
        _board.PlugIn(new VehicleSpec());
        Run(TimeSpan.FromSeconds(2));
        Assert.Single(Told().OfType<LocalStartRequested>());
        RunUntil(() => _port.Read().Meter.CurrentA > 5, TimeSpan.FromSeconds(15), "auto-start charging");
        // No StartCharging from the charge point (the tag was refused): at 60 s the charger stops.
        RunUntil(() => _port.LastStatus!.Session == SmartElek.Charger.Sessions.SessionPhase.Stopped, TimeSpan.FromSeconds(60), "the stop after the grace");
        Assert.Equal(0m, _port.Read().Meter.OfferedA);
        Assert.DoesNotContain(Told(), m => m is LocalStopRequested); // not the user's stop

        // Taken up in time, the start stays.
        _unit.Tell(new ChargerProtocol.StartCharging("app"));
        Run(TimeSpan.FromSeconds(1));
        Assert.Single(Told().OfType<LocalStartRequested>());
        Assert.True(_port.StartCharging("APP-TAG"));
        Run(TimeSpan.FromSeconds(90));
        Assert.NotEqual(SmartElek.Charger.Sessions.SessionPhase.Stopped, _port.LastStatus!.Session);
        Assert.True(_port.Read().Meter.CurrentA > 5);
    }

    [Fact]
    public void An_OCPP_stop_reason_maps_to_the_chargers_own_PowerLoss_included()
    {
        Assert.Equal(SmartElek.Charger.Sessions.StopReason.PowerLoss, ChargerUnitPort.UnitReason(StopTransactionReason.PowerLoss));
        Assert.Equal(SmartElek.Charger.Sessions.StopReason.EvDisconnected, ChargerUnitPort.UnitReason(StopTransactionReason.EVDisconnected));
        Assert.Equal(SmartElek.Charger.Sessions.StopReason.Remote, ChargerUnitPort.UnitReason(StopTransactionReason.DeAuthorized));
        Assert.Equal(SmartElek.Charger.Sessions.StopReason.Other, ChargerUnitPort.UnitReason(StopTransactionReason.HardReset));
    }

    private void TapSet(int taps)
    {
        for (var i = 0; i < taps; i++)
        {
            _board.PressSetButton();
            Run(TimeSpan.FromMilliseconds(150));
            _board.ReleaseSetButton();
            Run(TimeSpan.FromMilliseconds(250));
        }
    }

    [Fact]
    public void Ten_taps_during_a_transaction_end_it_as_a_reboot()
    {
        Start();
        PlugInAndCharge();
        Told();
        TapSet(10);
        RunUntil(() => Told().OfType<LocalStopRequested>().SingleOrDefault() is { Reason: StopTransactionReason.Reboot }, TimeSpan.FromSeconds(10), "the reboot's stop told as Reboot");
    }

    [Fact]
    public void UpdateFirmware_and_six_taps_go_the_units_one_way_and_every_step_reaches_the_charge_point()
    {
        Start();
        Assert.Equal(SimulatedFirmware.FactoryVersion, _port.FirmwareVersion);
        Told();
        _port.UpdateFirmware(new Uri("https://firmware.example/4500-1.2.0.bin"), Sys.Scheduler.Now, retries: null, retryInterval: null);
        RunUntil(() => _port.FirmwareVersion == "1.2.0", TimeSpan.FromSeconds(20), "the charger runs 1.2.0");
        Assert.Equal(
            [new(FirmwareStatus.Downloading, "1.0.0"), new(FirmwareStatus.Downloaded, "1.0.0"), new(FirmwareStatus.Installing, "1.0.0"), new FirmwareStatusChanged(FirmwareStatus.Installed, "1.2.0")],
            Told().OfType<FirmwareStatusChanged>());

        TapSet(6);
        RunUntil(() => _port.FirmwareVersion == SimulatedFirmware.LatestRelease, TimeSpan.FromSeconds(20), "the charger runs the latest release");
        Assert.Equal(
            [FirmwareStatus.Idle, FirmwareStatus.Downloading, FirmwareStatus.Downloaded, FirmwareStatus.Installing, FirmwareStatus.Installed],
            Told().OfType<FirmwareStatusChanged>().Select(f => f.Status));
    }

    [Fact]
    public void Every_firmware_step_of_the_charger_has_its_OCPP_status()
    {
        foreach (var step in Enum.GetValues<SmartElek.Charger.Firmware.FirmwareStep>())
            Assert.Equal(step.ToString(), ChargerUnitPort.OcppFirmwareStatus(step).ToString());
    }
}
