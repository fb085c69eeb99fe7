using Akka.Actor;
using SmartElek.Actors.Charger;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Leds;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Simulation;
using Xunit.Abstractions;

namespace SmartElek.Actors.Tests.Charger;

[Trait("Speed", "Fast")]
public sealed class SafetyTests(ITestOutputHelper output) : ChargerUnitHarness(output)
{
    private bool HasFault(FaultKind kind) => Status().Faults.Any(f => f.Kind == kind);

    [Fact]
    public void Gfci_trip_mid_charge_opens_both_relays_within_100_ms_shows_red_flashing_and_clears_on_unplug()
    {
        PowerUp();
        PlugInAndCharge();
        Assert.True(Board.Energised);
        Assert.True(Status().DrawnAmps > 25);

        var tripAt = Elapsed;
        Board.InjectLeakage(25);
        var toOpen = RunUntil(() => !Board.Energised && !RelaysCommandedClosed, TimeSpan.FromMilliseconds(100), "both relays open after the GFCI trip");
        Assert.True(toOpen <= TimeSpan.FromMilliseconds(100), $"opened after {toOpen}");
        Assert.Equal(RelayPosition.Open, Board.RelayL1.Commanded);
        Assert.Equal(RelayPosition.Open, Board.RelayL2.Commanded);

        Run(TimeSpan.FromSeconds(1));
        var status = Status();
        var fault = Assert.Single(status.Faults);
        Assert.Equal(FaultKind.GfciTrip, fault.Kind);
        Assert.Equal("GroundFailure", fault.OcppErrorCode);
        Assert.Equal(StatusLed.For(StatusIndication.Fault), Board.StatusLedSim.Showing);
        Assert.Equal(StatusLed.For(StatusIndication.Fault), status.StatusLed);
        Assert.Equal(0, status.OfferedAmps);
        Assert.Equal(1, status.GfciTrips);
        Assert.True(Elapsed - tripAt < TimeSpan.FromMinutes(1));

        Board.InjectLeakage(0);
        Board.Unplug();
        RunUntil(() => Status().Faults.Count == 0, TimeSpan.FromSeconds(1), "unplug clears the GFCI fault");
        Assert.Equal(StatusLed.For(StatusIndication.NoVehicle), Board.StatusLedSim.Showing);
    }

    [Fact]
    public void Gfci_auto_retry_waits_15_minutes_retries_three_times_then_stays_latched_until_unplug()
    {
        PowerUp();
        PlugInAndCharge();
        Board.InjectLeakage(30); // a persistent leak: every retry closes and trips again at once
        Run(TimeSpan.FromMinutes(14));
        Assert.Equal(1, Status().GfciTrips);
        Assert.Equal(1, Board.RelayCloseCount);

        Run(TimeSpan.FromMinutes(2));
        Assert.Equal(2, Status().GfciTrips);
        Assert.Equal(2, Board.RelayCloseCount);

        Run(TimeSpan.FromMinutes(90), () => Assert.False(Board.Energised));
        var status = Status();
        Assert.Equal(4, status.GfciTrips);
        Assert.Equal(4, Board.RelayCloseCount);
        var fault = Assert.Single(status.Faults);
        Assert.Equal(FaultKind.GfciTrip, fault.Kind);
        Assert.True(fault.Latched);
        Assert.Null(fault.RetryAt);
        Assert.False(RelaysCommandedClosed);

        Board.InjectLeakage(0);
        Board.Unplug();
        RunUntil(() => Status().Faults.Count == 0, TimeSpan.FromSeconds(1), "unplug clears the latched GFCI fault");
        Board.PlugIn(new VehicleSpec());
        RunUntil(() => RelaysCommandedClosed, TimeSpan.FromSeconds(10), "a new vehicle charges after the latch was cleared");
    }

    [Fact]
    public void Ground_loss_refuses_to_close_the_relays()
    {
        PowerUp();
        Board.LoseGround(true);
        Board.PlugIn(new VehicleSpec());
        Run(TimeSpan.FromSeconds(30), () => Assert.False(RelaysCommandedClosed));
        Assert.True(HasFault(FaultKind.GroundLoss));
        Assert.Equal(0, Status().OfferedAmps);
        Assert.Equal(StatusLed.For(StatusIndication.Fault), Board.StatusLedSim.Showing);

        Board.LoseGround(false);
        RunUntil(() => RelaysCommandedClosed, TimeSpan.FromMinutes(2), "charging once ground is back and the retry came");
    }

    [Fact]
    public void A_welded_relay_is_detected_after_open_and_reported_as_a_power_switch_failure()
    {
        PowerUp();
        PlugInAndCharge();
        Board.WeldRelay(RelayLine.L2);
        Assert.True(AskUnit<ChargerProtocol.CommandResult>(new ChargerProtocol.StopCharging()).Accepted);
        RunUntil(() => HasFault(FaultKind.RelayWelded), TimeSpan.FromSeconds(1), "weld detected after the open");
        Assert.False(RelaysCommandedClosed);
        var fault = Status().Faults.Single(f => f.Kind == FaultKind.RelayWelded);
        Assert.Equal("PowerSwitchFailure", fault.OcppErrorCode);
        Assert.Contains("L2", fault.Detail);
        Assert.Equal(FaultClearing.WithSetButton, fault.Clearing);

        // Unplug does not clear a weld; it needs a person (SET) and a passing re-check.
        Board.Unplug();
        Run(TimeSpan.FromSeconds(2));
        Assert.True(HasFault(FaultKind.RelayWelded));
        Board.WeldRelay(RelayLine.L2, welded: false);
        TapSet(1);
        Run(TimeSpan.FromSeconds(1));
        Assert.False(HasFault(FaultKind.RelayWelded));
    }

    [Fact]
    public void A_weld_present_at_power_up_is_found_before_anything_else()
    {
        Board.WeldRelay(RelayLine.L1);
        PowerUp();
        Assert.True(HasFault(FaultKind.RelayWelded));
        Board.PlugIn(new VehicleSpec());
        Run(TimeSpan.FromSeconds(10));
        Assert.Equal(0, Status().OfferedAmps);
        Assert.Equal(RelayPosition.Open, Board.RelayL2.Commanded);
    }

    [Fact]
    public void A_vehicle_in_state_D_is_refused_and_the_fault_clears_on_unplug()
    {
        PowerUp();
        var vehicle = Board.PlugIn(new VehicleSpec());
        vehicle.NeedsVentilation = true;
        Run(TimeSpan.FromSeconds(30), () => Assert.False(RelaysCommandedClosed));
        var status = Status();
        Assert.True(HasFault(FaultKind.VentilationRequired));
        Assert.Equal(0, status.OfferedAmps);
        Assert.Equal(StatusLed.For(StatusIndication.Fault), Board.StatusLedSim.Showing);

        Board.Unplug();
        RunUntil(() => Status().Faults.Count == 0, TimeSpan.FromSeconds(1), "unplug clears the state-D fault");
    }

    [Fact]
    public void A_vehicle_that_ignores_a_lower_offer_for_more_than_its_window_is_faulted_for_over_current()
    {
        PowerUp();
        var vehicle = PlugInAndCharge();
        vehicle.IgnoresLowerOffers = true;
        Unit.Tell(new ChargerProtocol.GrantAmps(Id, 10));
        Run(TimeSpan.FromMilliseconds(200));
        Assert.InRange(Status().OfferedAmps, 9.9, 10);

        Run(TimeSpan.FromSeconds(5));
        Assert.False(HasFault(FaultKind.OverCurrent));
        Assert.True(RelaysCommandedClosed, "within the vehicle's 5 s window nothing is wrong yet");

        RunUntil(() => HasFault(FaultKind.OverCurrent), TimeSpan.FromSeconds(5), "over-current fault");
        Assert.False(RelaysCommandedClosed);
        Assert.Equal("OverCurrentFailure", Status().Faults.Single().OcppErrorCode);
    }

    [Fact]
    public void A_vehicle_that_follows_a_lower_offer_within_its_window_is_not_faulted()
    {
        PowerUp();
        PlugInAndCharge(new VehicleSpec(ResponseDelay: TimeSpan.FromSeconds(5)));
        Unit.Tell(new ChargerProtocol.GrantAmps(Id, 10));
        Run(TimeSpan.FromSeconds(30));
        var status = Status();
        Assert.Empty(status.Faults);
        Assert.True(RelaysCommandedClosed);
        Assert.InRange(status.DrawnAmps, 9, 11);
    }

    [Fact]
    public void Over_temperature_derates_to_half_then_a_quarter_then_stops_and_resumes_below_the_lower_threshold()
    {
        PowerUp();
        PlugInAndCharge();
        Board.SetTemperature(72);
        Run(TimeSpan.FromSeconds(1));
        Assert.Equal(ThermalLevel.Half, Status().Thermal);
        Assert.Equal(15, Status().OfferedAmps);
        Board.SetTemperature(82);
        Run(TimeSpan.FromSeconds(1));
        Assert.Equal(7.5, Status().OfferedAmps);
        Board.SetTemperature(91);
        Run(TimeSpan.FromSeconds(1));
        Assert.True(HasFault(FaultKind.OverTemperature));
        Assert.False(RelaysCommandedClosed);
        Board.SetTemperature(87); // below 90 but not below 85: still stopped
        Run(TimeSpan.FromSeconds(10));
        Assert.True(HasFault(FaultKind.OverTemperature));
        Board.SetTemperature(40);
        RunUntil(() => RelaysCommandedClosed, TimeSpan.FromSeconds(20), "charging resumes once cool");
        Assert.Empty(Status().Faults);
    }

    [Fact]
    public void Over_voltage_stops_charging_and_retries_after_a_minute_once_the_supply_is_back()
    {
        PowerUp();
        PlugInAndCharge();
        Board.SetGrid(275, 60);
        RunUntil(() => HasFault(FaultKind.OverVoltage), TimeSpan.FromSeconds(2), "over-voltage fault");
        Assert.False(RelaysCommandedClosed);
        Assert.Equal("OverVoltage", Status().Faults.Single().OcppErrorCode);
        Board.SetGrid(240, 60);
        Run(TimeSpan.FromSeconds(50));
        Assert.False(RelaysCommandedClosed);
        RunUntil(() => RelaysCommandedClosed, TimeSpan.FromSeconds(20), "charging after the retry");
        Assert.Empty(Status().Faults);
    }

    [Fact]
    public void A_missing_vehicle_diode_is_a_fault_that_clears_on_unplug()
    {
        PowerUp();
        Board.FailDiode(true);
        Board.PlugIn(new VehicleSpec());
        Run(TimeSpan.FromSeconds(10), () => Assert.False(RelaysCommandedClosed));
        Assert.True(HasFault(FaultKind.DiodeCheckFailed));
        Board.Unplug();
        Board.FailDiode(false);
        RunUntil(() => Status().Faults.Count == 0, TimeSpan.FromSeconds(1), "unplug clears the diode fault");
    }

    [Fact]
    public void A_vehicle_that_over_draws_its_offer_is_faulted_and_the_fault_log_has_the_times()
    {
        PowerUp();
        var vehicle = PlugInAndCharge();
        var from = ChargerClock.Now(Clock);
        vehicle.OverDrawAmps = 5; // 35 A on a 30 A offer: above 30 x 1.1 + 0.5 = 33.5 A
        var after = RunUntil(() => HasFault(FaultKind.OverCurrent), TimeSpan.FromSeconds(10), "over-current fault");
        Assert.InRange(after, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(9));
        Assert.False(Board.Energised);
        var log = AskUnit<ChargerProtocol.FaultLog>(ChargerProtocol.GetFaultLog.Instance).Entries;
        var raised = Assert.Single(log, e => e.Kind == FaultKind.OverCurrent);
        Assert.Equal(FaultEntryType.Raised, raised.Type);
        Assert.InRange(raised.At - from, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(9));
    }
}
