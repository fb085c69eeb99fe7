using Akka.Actor;
using SmartElek.Actors.Charger;
using SmartElek.Charger.Button;
using SmartElek.Charger.Leds;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Simulation;
using Xunit.Abstractions;

namespace SmartElek.Actors.Tests.Charger;

[Trait("Speed", "Fast")]
public sealed class SetButtonTests(ITestOutputHelper output) : ChargerUnitHarness(output)
{
    private List<SetButtonAction> ActionsSeenBy(Akka.TestKit.TestProbe probe) =>
        probe.ReceiveWhile<object>(TimeSpan.FromMilliseconds(200), m => m)
            .OfType<ChargerProtocol.ButtonActionTriggered>()
            .Select(a => a.Action)
            .ToList();

    [Theory]
    [InlineData(6, SetButtonAction.RequestFirmwareUpdate)]
    [InlineData(7, SetButtonAction.ToggleWifi)]
    [InlineData(9, SetButtonAction.RestoreFactorySettings)]
    [InlineData(10, SetButtonAction.Reboot)]
    [InlineData(13, SetButtonAction.FactoryResetAndLeaveNetwork)]
    public void Each_tap_count_triggers_its_action_and_no_other(int taps, SetButtonAction expected)
    {
        PowerUp();
        var probe = CreateTestProbe();
        Unit.Tell(new ChargerProtocol.SubscribeStatus(probe.Ref));
        TapSet(taps);
        Run(TimeSpan.FromSeconds(3));
        // Until the action and a status that shows it have come (a busy machine takes its time), then what follows at once.
        var seen = new List<object>();
        probe.FishForMessage<object>(m =>
        {
            seen.Add(m);
            return seen.OfType<ChargerProtocol.ButtonActionTriggered>().Any() && seen.OfType<ChargerStatus>().Any(s => s.LastButtonAction == expected);
        }, TimeSpan.FromSeconds(20));
        seen.AddRange(probe.ReceiveWhile<object>(TimeSpan.FromMilliseconds(200), m => m));
        Assert.Equal([expected], seen.OfType<ChargerProtocol.ButtonActionTriggered>().Select(a => a.Action));
        // Published with the status too (a reboot's new instance then starts without it).
        Assert.Contains(seen.OfType<ChargerStatus>(), s => s.LastButtonAction == expected);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(11)]
    public void Tap_counts_without_a_meaning_trigger_nothing(int taps)
    {
        PowerUp();
        var probe = CreateTestProbe();
        Unit.Tell(new ChargerProtocol.SubscribeStatus(probe.Ref));
        TapSet(taps);
        Run(TimeSpan.FromSeconds(3));
        Assert.Empty(ActionsSeenBy(probe));
        Assert.Null(Status().LastButtonAction);
    }

    [Fact]
    public void Holding_set_for_3_s_closes_permit_join_and_the_network_led_turns_solid()
    {
        PowerUp();
        Unit.Tell(new ChargerProtocol.SetNetworkIndication(NetworkIndication.PermitJoinOpen));
        Run(TimeSpan.FromMilliseconds(100));
        Assert.Equal(NetworkLed.For(NetworkIndication.PermitJoinOpen), Board.NetworkLedSim.Showing);
        var probe = CreateTestProbe();
        Unit.Tell(new ChargerProtocol.SubscribeStatus(probe.Ref));
        Board.PressSetButton();
        Run(TimeSpan.FromSeconds(3.5));
        Board.ReleaseSetButton();
        Run(TimeSpan.FromSeconds(3));
        Assert.Equal([SetButtonAction.ClosePermitJoin], ActionsSeenBy(probe));
        Assert.Equal(NetworkLed.For(NetworkIndication.Connected), Board.NetworkLedSim.Showing);
    }

    [Fact]
    public void Holding_set_at_power_up_is_a_factory_reset()
    {
        Board.PressSetButton();
        PowerUp(ChargerSettings.Factory with { Name = "Garage", MaxCurrent = 16 });
        Board.ReleaseSetButton();
        Run(TimeSpan.FromSeconds(3));
        Assert.Equal(SetButtonAction.FactoryResetAtPowerUp, Status().LastButtonAction);
        Assert.Equal(ChargerSettings.Factory, AskUnit<ChargerSettings>(ChargerProtocol.GetSettings.Instance));
    }

    [Fact]
    public void Nine_taps_restore_factory_settings_and_reset_metering_between_sessions()
    {
        PowerUp(ChargerSettings.Factory with { Name = "Garage", MaxCurrent = 20 });
        var vehicle = PlugInAndCharge();
        Run(TimeSpan.FromMinutes(5));
        Board.Unplug();
        Run(TimeSpan.FromSeconds(2));
        Assert.True(Status().RegisterWh > 100);
        TapSet(9);
        Run(TimeSpan.FromSeconds(3));
        Assert.Equal(ChargerSettings.Factory, AskUnit<ChargerSettings>(ChargerProtocol.GetSettings.Instance));
        Assert.InRange(Status().RegisterWh, 0, 0.001);
        Assert.True(vehicle.BatteryGainKwh > 0.1);
    }

    [Fact]
    public void A_set_press_clears_only_faults_that_need_the_set_button()
    {
        Board.BreakGfciSelfTest(true);
        PowerUp();
        Assert.Contains(Status().Faults, f => f.Kind == FaultKind.GfciSelfTestFailed);
        var vehicle = Board.PlugIn(new VehicleSpec());
        vehicle.NeedsVentilation = true;
        Unit.Tell(new ChargerProtocol.GrantAmps(Id, 16));
        Run(TimeSpan.FromSeconds(10));
        // No offer while faulted, so the vehicle stays in B; repair the GFCI and press SET.
        Board.BreakGfciSelfTest(false);
        TapSet(1);
        Run(TimeSpan.FromSeconds(10));
        var faults = Status().Faults.Select(f => f.Kind).ToList();
        Assert.DoesNotContain(FaultKind.GfciSelfTestFailed, faults);
        Assert.Contains(FaultKind.VentilationRequired, faults);
        Assert.False(RelaysCommandedClosed);
    }
}
