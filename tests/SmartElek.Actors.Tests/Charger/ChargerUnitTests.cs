using Akka.Actor;
using Akka.TestKit;
using SmartElek.Actors.Charger;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Simulation;
using Xunit.Abstractions;

namespace SmartElek.Actors.Tests.Charger;

[Trait("Speed", "Fast")]
public sealed class ChargerUnitTests(ITestOutputHelper output) : ChargerUnitHarness(output)
{
    private double OfferOnTheWire => Board.Pilot.Output is PilotOutput.Pwm pwm ? DutyCycle.ToAmps(pwm.DutyPercent) : 0;

    [Fact]
    public void At_power_up_both_relays_are_driven_open_and_verified_before_any_offer()
    {
        Board.RelayL1.Command(RelayPosition.Closed); // a latching relay left closed by a power loss
        Board.RelayL2.Command(RelayPosition.Closed);
        var vehicle = Board.PlugIn(new VehicleSpec());
        PowerUp();
        Assert.Equal(RelayPosition.Open, Board.RelayL1.Commanded);
        Assert.Equal(RelayPosition.Open, Board.RelayL2.Commanded);
        Assert.True(Status().RelaysVerified);
        RunUntil(() => RelaysCommandedClosed, TimeSpan.FromSeconds(10), "charging after verification");
        Assert.Equal(PilotState.C, vehicle.State);
    }

    [Fact]
    public void Relays_close_within_3_s_of_B_to_C_and_open_within_100_ms_of_C_to_B()
    {
        PowerUp();
        var vehicle = Board.PlugIn(new VehicleSpec());
        RunUntil(() => vehicle.State == PilotState.C, TimeSpan.FromSeconds(10), "vehicle asks (C)");
        var toClose = RunUntil(() => RelaysCommandedClosed, TimeSpan.FromSeconds(3), "relays close after B->C");
        Run(TimeSpan.FromSeconds(20));

        vehicle.WantsEnergy = false;
        Assert.Equal(PilotState.B, vehicle.State);
        var toOpen = RunUntil(() => !RelaysCommandedClosed, TimeSpan.FromMilliseconds(100), "relays open after C->B");
        Output?.WriteLine($"closed {toClose} after B->C, opened {toOpen} after C->B");
        Run(TimeSpan.FromSeconds(1));
        Assert.Equal(SessionPhase.SuspendedByEv, Status().Session);

        vehicle.WantsEnergy = true;
        RunUntil(() => RelaysCommandedClosed, TimeSpan.FromSeconds(3), "relays close again");
        Board.Unplug();
        RunUntil(() => !RelaysCommandedClosed, TimeSpan.FromMilliseconds(100), "relays open at unplug");
    }

    [Fact]
    public void Offer_increases_are_paced_5_s_apart_and_decreases_apply_at_once()
    {
        PowerUp();
        PlugInAndCharge();
        Unit.Tell(new ChargerProtocol.GrantAmps(Id, 10));
        Run(Step);
        Assert.InRange(OfferOnTheWire, 9.9, 10);

        Unit.Tell(new ChargerProtocol.GrantAmps(Id, 20));
        Run(TimeSpan.FromSeconds(4.8));
        Assert.InRange(OfferOnTheWire, 9.9, 10);
        Run(TimeSpan.FromMilliseconds(300));
        Assert.InRange(OfferOnTheWire, 19.9, 20);

        Unit.Tell(new ChargerProtocol.GrantAmps(Id, 25));
        Run(Step);
        Unit.Tell(new ChargerProtocol.GrantAmps(Id, 8));
        Run(Step);
        Assert.InRange(OfferOnTheWire, 7.9, 8);

        Unit.Tell(new ChargerProtocol.GrantAmps(Id, 0));
        Run(Step);
        Assert.Equal(0, OfferOnTheWire);
        Assert.False(RelaysCommandedClosed);
        Run(TimeSpan.FromSeconds(1));
        Assert.Equal(SessionPhase.SuspendedByEvse, Status().Session);
    }

    [Fact]
    public void Offers_below_6_A_pause_and_offers_above_the_rating_or_the_user_max_are_capped()
    {
        PowerUp(AutoStart with { MaxCurrent = 24 });
        PlugInAndCharge();
        Assert.Equal(24, Status().OfferedAmps);
        Unit.Tell(new ChargerProtocol.GrantAmps(Id, 5));
        Run(Step);
        Assert.Equal(0, Status().OfferedAmps);
        Assert.False(RelaysCommandedClosed);
        Unit.Tell(new ChargerProtocol.GrantAmps(new ChargerId("someone-else"), 30));
        Unit.Tell(new ChargerProtocol.GrantAmps(Id, double.NaN));
        Run(TimeSpan.FromSeconds(6));
        Assert.Equal(5, Status().GrantedAmps);
    }

    [Fact]
    public void Without_auto_start_charging_waits_for_an_explicit_start_and_stops_on_command()
    {
        PowerUp(AutoStart with { AutoStart = false });
        Assert.False(AskUnit<ChargerProtocol.CommandResult>(new ChargerProtocol.StartCharging()).Accepted);
        Board.PlugIn(new VehicleSpec());
        Run(TimeSpan.FromSeconds(20), () => Assert.False(RelaysCommandedClosed));
        Assert.Equal(SessionPhase.AwaitingAuthorisation, Status().Session);
        Assert.Equal(0, Status().OfferedAmps);

        Assert.True(AskUnit<ChargerProtocol.CommandResult>(new ChargerProtocol.StartCharging("app")).Accepted);
        RunUntil(() => RelaysCommandedClosed, TimeSpan.FromSeconds(10), "charging after the start");
        Run(TimeSpan.FromMinutes(10));

        Assert.True(AskUnit<ChargerProtocol.CommandResult>(new ChargerProtocol.StopCharging()).Accepted);
        Run(Step);
        Assert.False(RelaysCommandedClosed);
        var stopped = Status();
        Assert.Equal(SessionPhase.Stopped, stopped.Session);
        Assert.InRange(stopped.SessionKwh, 1.1, 1.25); // about 7.1 kW for 10 minutes
        Run(TimeSpan.FromMinutes(1));
        Assert.Equal(stopped.SessionKwh, Status().SessionKwh);

        Assert.True(AskUnit<ChargerProtocol.CommandResult>(new ChargerProtocol.StartCharging()).Accepted);
        RunUntil(() => RelaysCommandedClosed, TimeSpan.FromSeconds(10), "charging after a second start");
    }

    [Fact]
    public void Settings_updates_are_validated_and_a_rejection_names_the_bad_setting_and_changes_nothing()
    {
        PowerUp();
        var rejected = AskUnit<ChargerProtocol.SettingsRejected>(new ChargerProtocol.UpdateSettings(AutoStart with { MaxCurrent = 45 }));
        Assert.Contains(rejected.Errors, e => e.Setting == nameof(ChargerSettings.MaxCurrent));
        Assert.Equal(AutoStart, AskUnit<ChargerSettings>(ChargerProtocol.GetSettings.Instance));

        var updated = AskUnit<ChargerProtocol.SettingsUpdated>(new ChargerProtocol.UpdateSettings(AutoStart with { Name = "Garage", MaxCurrent = 16 }));
        Assert.Equal(16, updated.Settings.MaxCurrent);
        PlugInAndCharge();
        var status = Status();
        Assert.Equal("Garage", status.Name);
        Assert.InRange(status.OfferedAmps, 15.9, 16); // rounded down to a duty step
        Assert.InRange(status.DrawnAmps, 15.5, 16.5);
    }

    [Fact]
    public void Subscribers_get_the_status_at_once_and_on_each_change()
    {
        PowerUp();
        var probe = CreateTestProbe();
        Unit.Tell(new ChargerProtocol.SubscribeStatus(probe.Ref));
        Assert.Equal(PilotState.A, probe.ExpectMsg<ChargerStatus>().Pilot);
        Board.PlugIn(new VehicleSpec());
        Run(TimeSpan.FromSeconds(10));
        // Every status up to charging, however long a busy machine takes to publish them.
        var seen = new List<ChargerStatus>();
        probe.FishForMessage<ChargerStatus>(s =>
        {
            seen.Add(s);
            return s.Pilot == PilotState.C && s.RelaysClosed && s.Session == SessionPhase.Charging;
        }, TimeSpan.FromSeconds(20));
        Assert.Contains(seen, s => s.Pilot == PilotState.B);
        Unit.Tell(new ChargerProtocol.UnsubscribeStatus(probe.Ref));
        // Once the unit answers after the unsubscription, whatever it sent before is in the probe: drop it.
        Status();
        while (probe.HasMessages) probe.ReceiveOne(TimeSpan.Zero);
        Board.Unplug();
        Run(TimeSpan.FromSeconds(2));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Several_units_run_side_by_side_on_one_node_each_with_its_own_board()
    {
        PowerUp();
        var otherBoard = new SimulatedCharger(ChargerClock.Of(Sys), GridSpec.Default with { Seed = 2 });
        var otherId = new ChargerId("unit-2");
        var other = Sys.ActorOf(ChargerUnit.Props(otherId, otherBoard, AutoStart,
            ChargerUnitOptions.Default with { Dispatcher = CallingThreadDispatcher.Id }), "unit-2");
        Assert.Equal(otherId, AskOf<ChargerStatus>(other, ChargerProtocol.GetStatus.Instance).ChargerId);

        Board.PlugIn(new VehicleSpec());
        otherBoard.PlugIn(new VehicleSpec());
        Run(TimeSpan.FromSeconds(10));
        other.Tell(new ChargerProtocol.GrantAmps(otherId, 12));
        Run(TimeSpan.FromSeconds(10));
        otherBoard.InjectLeakage(40);
        Run(TimeSpan.FromSeconds(1));

        Assert.True(Board.Energised);
        Assert.Equal(30, Status().OfferedAmps);
        Assert.Empty(Status().Faults);
        var otherStatus = AskOf<ChargerStatus>(other, ChargerProtocol.GetStatus.Instance);
        Assert.Equal(12, otherStatus.GrantedAmps);
        Assert.False(otherBoard.Energised);
        Assert.Single(otherStatus.Faults);
    }

    [Fact]
    public void A_failing_child_opens_the_relays_before_it_restarts_and_charging_resumes_once_it_works()
    {
        PowerUp();
        PlugInAndCharge();
        Run(TimeSpan.FromMinutes(1));
        var registerBefore = Status().RegisterWh;
        EventFilter.Exception<InvalidOperationException>().Expect(3, () =>
        {
            Board.FailMeterChip(true);
            RunUntil(() => !RelaysCommandedClosed, TimeSpan.FromSeconds(1.1), "relays open when the meter actor fails");
            Run(TimeSpan.FromSeconds(2), () => Assert.False(RelaysCommandedClosed));
        });
        Board.FailMeterChip(false);
        RunUntil(() => RelaysCommandedClosed, TimeSpan.FromSeconds(5), "charging resumes after the restart");
        Run(TimeSpan.FromSeconds(2));
        Assert.True(Status().DrawnAmps > 25);
        Assert.True(Status().RegisterWh >= registerBefore, "the energy register never goes backwards across a restart");
    }

    [Fact]
    public void A_site_grant_counts_as_applied_only_once_the_pilot_offers_no_more_than_it()
    {
        PowerUp();
        PlugInAndCharge();
        Assert.Equal(30, Status().OfferedAmps);
        Assert.Equal((0L, 0L), (Status().AppliedGrantEpoch, Status().AppliedGrantSeq));

        Unit.Tell(Grant(epoch: 3, seq: 7, amps: 12));
        Run(Step);
        Assert.InRange(OfferOnTheWire, 11.9, 12);
        Assert.Equal((3L, 7L), (Status().AppliedGrantEpoch, Status().AppliedGrantSeq));
        Assert.Equal(new SmartElek.Site.Allocation.LimitReason(SmartElek.Site.Allocation.LimitKind.Circuit, "branch-1"), Status().GrantLimit);

        // An increase is applied at once as far as the allocator is concerned: the offer is under it.
        Unit.Tell(Grant(epoch: 3, seq: 8, amps: 20));
        Run(Step);
        Assert.Equal((3L, 8L), (Status().AppliedGrantEpoch, Status().AppliedGrantSeq));
        Unit.Tell(Grant(epoch: 3, seq: 9, amps: 40));
        Unit.Tell(Grant(new ChargerId("someone-else"), 3, 10, 0));
        Run(TimeSpan.FromSeconds(6));
        Assert.Equal(30, Status().OfferedAmps);
        Assert.Equal(9, Status().AppliedGrantSeq);
    }

    [Fact]
    public void The_OCPP_current_limit_caps_the_grant_and_an_inoperative_charger_offers_nothing()
    {
        PowerUp();
        PlugInAndCharge();
        Assert.True(AskUnit<ChargerProtocol.CommandResult>(new ChargerProtocol.SetCurrentLimit(16)).Accepted);
        Run(Step);
        Assert.InRange(OfferOnTheWire, 15.9, 16);
        Assert.Equal(16, Status().CurrentLimitAmps);
        Assert.False(AskUnit<ChargerProtocol.CommandResult>(new ChargerProtocol.SetCurrentLimit(-1)).Accepted);
        Assert.Equal(16, Status().CurrentLimitAmps);

        Assert.True(AskUnit<ChargerProtocol.CommandResult>(new ChargerProtocol.SetAvailability(false)).Accepted);
        Run(Step);
        Assert.Equal(0, OfferOnTheWire);
        Assert.False(RelaysCommandedClosed);
        Assert.False(Status().Operative);

        Assert.True(AskUnit<ChargerProtocol.CommandResult>(new ChargerProtocol.SetAvailability(true)).Accepted);
        Assert.True(AskUnit<ChargerProtocol.CommandResult>(new ChargerProtocol.SetCurrentLimit(null)).Accepted);
        RunUntil(() => RelaysCommandedClosed && Status().OfferedAmps == 30, TimeSpan.FromSeconds(15), "charging at the full rating again");
    }

    [Fact]
    public void A_site_charger_offers_only_its_initial_grant_until_the_site_grants_it_more()
    {
        PowerUp(options: ChargerUnitOptions.Default with { InitialGrantAmps = 0 });
        Board.PlugIn(new VehicleSpec());
        Run(TimeSpan.FromSeconds(10), () => Assert.False(RelaysCommandedClosed));
        Assert.Equal(0, OfferOnTheWire);
        Unit.Tell(Grant(epoch: 1, seq: 1, amps: 12));
        RunUntil(() => RelaysCommandedClosed && OfferOnTheWire is > 11.9 and <= 12, TimeSpan.FromSeconds(10), "charging at the site's 12 A");
    }

    private static SmartElek.Site.SiteProtocol.CurrentGrant Grant(long epoch, long seq, double amps) => Grant(Id, epoch, seq, amps);

    private static SmartElek.Site.SiteProtocol.CurrentGrant Grant(ChargerId id, long epoch, long seq, double amps) =>
        new(id, epoch, seq, amps, Guid.NewGuid(), 1, TimeSpan.FromSeconds(60), DateTimeOffset.UnixEpoch,
            new SmartElek.Site.Allocation.LimitReason(SmartElek.Site.Allocation.LimitKind.Circuit, "branch-1"));
}
