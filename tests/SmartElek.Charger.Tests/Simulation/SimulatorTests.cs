using SmartElek.Charger.Hardware;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Simulation;

namespace SmartElek.Charger.Tests.Simulation;

public class SimulatorTests
{
    private TimeSpan _now = TimeSpan.FromDays(1);

    private SimulatedCharger NewBoard(GridSpec? grid = null) => new(() => _now, grid);

    private static void CloseBoth(SimulatedCharger board)
    {
        board.RelayL1.Command(RelayPosition.Closed);
        board.RelayL2.Command(RelayPosition.Closed);
    }

    [Fact]
    public void The_vehicle_follows_a_new_offer_only_after_its_response_delay()
    {
        var board = NewBoard();
        var vehicle = board.PlugIn(new VehicleSpec(ResponseDelay: TimeSpan.FromSeconds(3)));
        Assert.Equal(PilotState.B, vehicle.State);
        Assert.InRange(board.Pilot.Read().HighVolts, 8.9, 9.1);

        board.Pilot.Drive(new PilotOutput.Pwm(DutyCycle.FromAmps(30)));
        _now += TimeSpan.FromSeconds(2.9);
        Assert.Equal(PilotState.B, board.Pilot.Read() is var _ ? vehicle.State : default);
        _now += TimeSpan.FromSeconds(0.2);
        Assert.InRange(board.Pilot.Read().HighVolts, 5.9, 6.1);
        Assert.Equal(PilotState.C, vehicle.State);

        CloseBoth(board);
        _now += TimeSpan.FromSeconds(1);
        Assert.Equal(30, board.TrueAmps, 1e-6);
        board.Pilot.Drive(new PilotOutput.Pwm(DutyCycle.FromAmps(10)));
        _now += TimeSpan.FromSeconds(2);
        Assert.Equal(30, board.TrueAmps, 1e-6);
        _now += TimeSpan.FromSeconds(1.5);
        Assert.Equal(10, board.TrueAmps, 1e-1);
    }

    [Fact]
    public void The_exact_energy_count_is_volts_times_amps_times_power_factor_over_time_and_the_battery_gets_it()
    {
        var board = NewBoard(GridSpec.Default with { NominalVolts = 240 });
        var vehicle = board.PlugIn(new VehicleSpec(BatteryKwh: 100, StartSocPercent: 10, ResponseDelay: TimeSpan.Zero, PowerFactor: 1.0));
        board.Pilot.Drive(new PilotOutput.Pwm(DutyCycle.FromAmps(24)));
        _now += TimeSpan.FromMilliseconds(1);
        CloseBoth(board);
        var before = board.DeliveredWh;
        _now += TimeSpan.FromHours(1);
        Assert.Equal(240 * 24, board.DeliveredWh - before, 1e-6);
        Assert.Equal(board.DeliveredWh / 1000, vehicle.BatteryGainKwh, 1e-9);
        Assert.Equal(10 + 5.76, vehicle.SocPercent, 1e-6);
    }

    [Fact]
    public void Near_full_the_current_tapers_and_a_full_vehicle_stops_asking()
    {
        var board = NewBoard();
        var vehicle = board.PlugIn(new VehicleSpec(BatteryKwh: 5, StartSocPercent: 79, ResponseDelay: TimeSpan.Zero));
        board.Pilot.Drive(new PilotOutput.Pwm(DutyCycle.FromAmps(30)));
        _now += TimeSpan.FromMilliseconds(1);
        CloseBoth(board);
        _now += TimeSpan.FromSeconds(1);
        Assert.Equal(30, board.TrueAmps, 1e-6);
        _now += TimeSpan.FromMinutes(10);
        Assert.InRange(board.TrueAmps, 2, 29);
        _now += TimeSpan.FromHours(3);
        Assert.True(vehicle.Full);
        Assert.Equal(PilotState.B, vehicle.State);
        Assert.Equal(0, board.TrueAmps);
        Assert.Equal(5 * 0.21, vehicle.BatteryGainKwh, 1e-6);
    }

    [Fact]
    public void A_welded_relay_conducts_when_commanded_open()
    {
        var board = NewBoard();
        Assert.Equal(0, board.RelayL2.SenseVolts());
        board.WeldRelay(RelayLine.L2);
        Assert.Equal(RelayPosition.Open, board.RelayL2.Commanded);
        Assert.InRange(board.RelayL2.SenseVolts(), 230, 250);
        Assert.Equal(0, board.RelayL1.SenseVolts());
    }

    [Fact]
    public void The_gfci_trips_at_20_mA_only_with_closed_contacts_and_raises_its_interrupt()
    {
        var board = NewBoard();
        var trips = 0;
        board.Gfci.Trip += () => trips++;
        board.InjectLeakage(25);
        Assert.False(board.Gfci.Tripped);
        board.RelayL1.Command(RelayPosition.Closed);
        Assert.True(board.Gfci.Tripped);
        Assert.Equal(1, trips);
        board.Gfci.Rearm();
        Assert.True(board.Gfci.Tripped); // still leaking with the contacts closed: trips again at once
        Assert.Equal(2, trips);
        board.InjectLeakage(19);
        board.Gfci.Rearm();
        Assert.False(board.Gfci.Tripped);
        board.RelayL1.Command(RelayPosition.Open);
        board.RelayL1.Command(RelayPosition.Closed);
        Assert.False(board.Gfci.Tripped);
        Assert.True(board.Gfci.SelfTest());
        board.BreakGfciSelfTest(true);
        Assert.False(board.Gfci.SelfTest());
    }

    [Fact]
    public void A_failed_diode_shows_on_the_low_level_only_while_pwm_runs()
    {
        var board = NewBoard();
        board.PlugIn(new VehicleSpec());
        board.FailDiode(true);
        Assert.InRange(board.Pilot.Read().LowVolts, 8, 10); // steady +12 V: no negative half at all
        board.Pilot.Drive(new PilotOutput.Pwm(50));
        Assert.False(DiodeCheck.LowLevelOk(board.Pilot.Read().LowVolts));
        board.FailDiode(false);
        Assert.True(DiodeCheck.LowLevelOk(board.Pilot.Read().LowVolts));
    }

    [Fact]
    public void Button_edges_and_scenario_errors()
    {
        var board = NewBoard();
        var edges = new List<bool>();
        board.SetButton.Changed += edges.Add;
        board.PressSetButton();
        board.PressSetButton();
        board.ReleaseSetButton();
        Assert.Equal([true, false], edges);

        board.PlugIn(new VehicleSpec());
        Assert.Throws<InvalidOperationException>(() => board.PlugIn(new VehicleSpec()));
        var slow = Assert.Throws<ArgumentOutOfRangeException>(() => new VehicleSpec(ResponseDelay: TimeSpan.FromSeconds(6)).Validate());
        Assert.Contains("0-5 s", slow.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => board.Pilot.Drive(new PilotOutput.Pwm(120)));
    }

    [Fact]
    public void Measured_values_are_noisy_but_reproducible_with_the_same_seed()
    {
        double[] Sample(int seed)
        {
            _now = TimeSpan.FromDays(1);
            var board = NewBoard(GridSpec.Default with { Seed = seed });
            return Enumerable.Range(0, 5).Select(_ => { _now += TimeSpan.FromSeconds(1); return board.Meter.Read().Volts; }).ToArray();
        }
        var a = Sample(7);
        Assert.Equal(a, Sample(7));
        Assert.NotEqual(a, Sample(8));
        Assert.All(a, v => Assert.InRange(v, 240 * 0.997, 240 * 1.003));
    }
}
