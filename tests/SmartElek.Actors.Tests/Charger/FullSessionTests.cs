using SmartElek.Actors.Charger;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Leds;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Simulation;
using Xunit.Abstractions;

namespace SmartElek.Actors.Tests.Charger;

[Trait("Speed", "Fast")]
public sealed class FullSessionTests(ITestOutputHelper output) : ChargerUnitHarness(output)
{
    [Fact]
    public void Auto_start_session_charges_to_full_suspends_by_ev_and_ends_at_unplug_with_metered_energy_matching_the_battery()
    {
        PowerUp(AutoStart);
        Assert.True(Status().RelaysVerified);
        Assert.False(RelaysCommandedClosed);

        var vehicle = Board.PlugIn(new VehicleSpec(BatteryKwh: 10, StartSocPercent: 85, TaperFromSocPercent: 90, MinTaperAmps: 3));
        var toClose = RunUntil(() => RelaysCommandedClosed, TimeSpan.FromSeconds(10), "relays close after plug-in");
        var charging = Status();
        Assert.Equal(PilotState.C, charging.Pilot);
        Assert.Equal(SessionPhase.Charging, charging.Session);
        Assert.Equal(30, charging.OfferedAmps);
        Assert.Equal(StatusLed.For(StatusIndication.Charging), Board.StatusLedSim.Showing);

        RunUntil(() => vehicle.Full && Status().Session == SessionPhase.SuspendedByEv, TimeSpan.FromHours(2), "vehicle full and session SuspendedByEv");
        Run(TimeSpan.FromSeconds(2));
        var full = Status();
        Assert.False(RelaysCommandedClosed);
        Assert.Equal(PilotState.B, full.Pilot);
        Assert.True(full.OfferedAmps > 0, "SuspendedByEv means current is still offered");

        var meteredKwh = full.SessionKwh;
        Assert.True(full.EvLevelPercent > AutoStart.EvStartingLevelPercent);
        var gainKwh = vehicle.BatteryGainKwh;
        Output.WriteLine($"relays closed {toClose} after plug-in; metered {meteredKwh:0.0000} kWh, battery gain {gainKwh:0.0000} kWh, simulator {Board.DeliveredWh / 1000:0.0000} kWh");
        Assert.InRange(gainKwh, 1.49, 1.51);
        Assert.InRange(meteredKwh, gainKwh * 0.99, gainKwh * 1.01);

        Board.Unplug();
        RunUntil(() => Status().Session == SessionPhase.NoVehicle, TimeSpan.FromSeconds(2), "session ends at unplug");
        var after = Status();
        Assert.NotNull(after.LastSession);
        Assert.Equal(StopReason.EvDisconnected, after.LastSession!.StopReason);
        Assert.InRange(after.LastSession.EnergyWh / 1000, gainKwh * 0.99, gainKwh * 1.01);
        Assert.InRange(after.LastSession.PeakAmps, 29, 31);
        Assert.Equal(StatusLed.For(StatusIndication.NoVehicle), Board.StatusLedSim.Showing);
        Assert.Empty(after.Faults);
    }
}
