using Akka.Actor;
using Akka.TestKit;
using SmartElek.Actors.Charger;
using SmartElek.Actors.Site;
using SmartElek.Charger.Firmware;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.Leds;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Simulation;
using SmartElek.Charger.Unit;
using SmartElek.Site;
using SmartElek.Site.Allocation;
using Xunit.Abstractions;

namespace SmartElek.Actors.Tests.Charger;

/// <summary>
/// What the SET button's 6, 7, 10 and 13 taps do to the unit, seen on the board and in the status
/// (relays, the pilot's offer, the session's stop reason, the firmware version, the NETWORK LED,
/// grants taken or not), not only the decoded action. Virtual clock.
/// </summary>
[Trait("Speed", "Fast")]
public sealed class SetButtonTapEffectTests(ITestOutputHelper output) : ChargerUnitHarness(output)
{
    private const double FailSafeAmps = 6;

    private static SiteProtocol.CurrentGrant Grant(long seq, double amps) =>
        new(Id, 5, seq, amps, Guid.NewGuid(), seq, TimeSpan.FromSeconds(60), DateTimeOffset.UnixEpoch, new LimitReason(LimitKind.Circuit, "branch-1"));

    private static ChargerUnitOptions SiteCharger(double failSafe = FailSafeAmps) => ChargerUnitOptions.Default with { InitialGrantAmps = failSafe };

    // Calling-thread dispatcher: whatever was sent has been delivered.
    private static List<ChargerStatus> Drain(TestProbe probe)
    {
        var received = new List<ChargerStatus>();
        while (probe.HasMessages)
            if (probe.ReceiveOne(TimeSpan.Zero) is ChargerStatus status)
                received.Add(status);
        return received;
    }

    private bool PilotOffers => Board.Pilot.Output is PilotOutput.Pwm;

    private TestProbe Subscriber()
    {
        var probe = CreateTestProbe();
        Unit.Tell(new ChargerProtocol.SubscribeStatus(probe.Ref));
        return probe;
    }

    private void ChargeOnAGrantOf16A()
    {
        Unit.Tell(Grant(1, 16));
        PlugInAndCharge();
        RunUntil(() => Status().DrawnAmps > 15, TimeSpan.FromSeconds(15), "the vehicle draws the 16 A grant");
    }

    // ---- 10 taps: reboot ----

    [Fact]
    public void Ten_taps_stop_under_control_end_the_session_as_a_reboot_and_the_unit_powers_up_to_be_granted_again()
    {
        PowerUp(AutoStart, SiteCharger());
        var subscriber = Subscriber();
        ChargeOnAGrantOf16A();
        var before = Status();
        Drain(subscriber);

        TapSet(10);
        // Watched every step: the offer goes first, and the contacts open only once the current is gone.
        TimeSpan? offerGoneAt = null;
        var hotOpens = Board.HotOpenCount;
        var open = RunUntil(() => !RelaysCommandedClosed, TimeSpan.FromSeconds(10), "the relays open for the reboot",
            () => offerGoneAt ??= !PilotOffers && RelaysCommandedClosed ? Elapsed : null);
        Assert.NotNull(offerGoneAt);
        Assert.Equal(hotOpens, Board.HotOpenCount);
        Output?.WriteLine($"offer 0 A at {offerGoneAt}, contacts open at {Elapsed}, no open under load");

        RunUntil(() => Status() is { RelaysVerified: true, Session: SessionPhase.Charging }, TimeSpan.FromSeconds(20), "a new session charges after the power-up");
        var statuses = Drain(subscriber);
        // Before the power-up the subscriber saw the session end as the manual's reboot...
        var ended = statuses.FindIndex(s => s.SessionId == before.SessionId && s.Session == SessionPhase.Stopped);
        Assert.True(ended >= 0, "the session was never seen stopped");
        Assert.Equal(StopReason.Reboot, statuses[ended].StopReason);
        Assert.False(statuses[ended].RelaysClosed);
        // ...then the power-up: relays not yet verified, no grant applied; then the new session at the fail-safe current.
        var poweredUp = statuses.FindIndex(ended, s => !s.RelaysVerified);
        Assert.True(poweredUp > ended, "no power-up after the session ended");
        Assert.Equal(0, statuses[poweredUp].AppliedGrantEpoch);
        var after = Status();
        Assert.NotEqual(before.SessionId, after.SessionId);
        Assert.InRange(after.OfferedAmps, 5.9, FailSafeAmps);

        // Granted again: the site's next grant is applied.
        Unit.Tell(Grant(2, 16));
        RunUntil(() => Status().DrawnAmps > 15, TimeSpan.FromSeconds(15), "the vehicle draws the renewed grant");
        Assert.Equal((5L, 2L), (Status().AppliedGrantEpoch, Status().AppliedGrantSeq));
    }

    [Fact]
    public void Ten_taps_open_on_a_vehicle_that_ignores_the_stop_when_its_window_is_over()
    {
        PowerUp(AutoStart, SiteCharger());
        var vehicle = Board.PlugIn(new VehicleSpec());
        Unit.Tell(Grant(1, 16));
        RunUntil(() => Status().DrawnAmps > 15, TimeSpan.FromSeconds(20), "charging");
        vehicle.IgnoresStop = true;
        var hotOpens = Board.HotOpenCount;

        TapSet(10);
        TimeSpan? offerGoneAt = null;
        RunUntil(() => !RelaysCommandedClosed, TimeSpan.FromSeconds(10), "the relays open at the window's end",
            () => offerGoneAt ??= !PilotOffers ? Elapsed : null);
        var held = Elapsed - offerGoneAt!.Value;
        Output?.WriteLine($"contacts held closed {held} at 0 A offered");
        // Held for the vehicle's window, then opened, though the vehicle still draws.
        Assert.InRange(held, PowerDown.ControlledStopWindow - TimeSpan.FromMilliseconds(200), PowerDown.ControlledStopWindow + Step);
        Assert.True(Board.Vehicle!.State == SmartElek.Charger.J1772.PilotState.C);
        Assert.Equal(hotOpens + 1, Board.HotOpenCount);
    }

    [Fact]
    public void Ten_taps_run_the_power_up_self_tests_again()
    {
        PowerUp(AutoStart, SiteCharger());
        ChargeOnAGrantOf16A();
        // A GFCI that would now fail its test goes unnoticed until a test runs: the reboot's power-up runs one.
        Board.BreakGfciSelfTest(true);
        TapSet(10);
        RunUntil(() => Status().Faults.Any(f => f.Kind == FaultKind.GfciSelfTestFailed), TimeSpan.FromSeconds(20), "the power-up self-test finds the broken GFCI");
        Assert.False(RelaysCommandedClosed);
    }

    // ---- 6 taps: firmware update ----

    [Fact]
    public void Six_taps_fetch_and_install_the_latest_firmware_across_a_reboot_and_the_version_survives_the_next_one()
    {
        PowerUp(AutoStart);
        Assert.Equal(SimulatedFirmware.FactoryVersion, Status().FirmwareVersion);
        var subscriber = Subscriber();

        TapSet(6);
        RunUntil(() => Status().FirmwareVersion == SimulatedFirmware.LatestRelease, TimeSpan.FromSeconds(30), "the new version runs");
        var steps = Drain(subscriber).Select(s => s.Firmware).Where(s => s != FirmwareStep.Idle).Distinct().ToList();
        Assert.Equal([FirmwareStep.Downloading, FirmwareStep.Downloaded, FirmwareStep.Installing, FirmwareStep.Installed], steps);
        var installed = Status();
        Assert.Equal((FirmwareStep.Installed, $"replaced {SimulatedFirmware.FactoryVersion}"), (installed.Firmware, installed.FirmwareDetail));
        Assert.Equal(SimulatedFirmware.LatestRelease, Board.FirmwareSim.RunningVersion);

        // It is the board's flash that keeps it: the next reboot starts the same image, nothing installed.
        Unit.Tell(new ChargerProtocol.PowerCycle("test"));
        RunUntil(() => !Status().RelaysVerified, TimeSpan.FromSeconds(10), "the unit reboots");
        RunUntil(() => Status().RelaysVerified, TimeSpan.FromSeconds(10), "the unit is up");
        Assert.Equal((SimulatedFirmware.LatestRelease, FirmwareStep.Idle), (Status().FirmwareVersion, Status().Firmware));
    }

    [Fact]
    public void Six_taps_during_a_session_download_at_once_and_install_only_after_the_vehicle_leaves()
    {
        PowerUp(AutoStart);
        PlugInAndCharge();
        var session = Status().SessionId;
        TapSet(6);
        RunUntil(() => Status().Firmware == FirmwareStep.Downloaded, TimeSpan.FromSeconds(15), "the image is downloaded");
        Run(TimeSpan.FromMinutes(2));
        // Still charging, on the old image, the same session.
        var charging = Status();
        Assert.Equal((FirmwareStep.Downloaded, SimulatedFirmware.FactoryVersion, session, SessionPhase.Charging),
            (charging.Firmware, charging.FirmwareVersion, charging.SessionId, charging.Session));
        Assert.True(RelaysCommandedClosed);
        Assert.Null(Board.FirmwareSim.Staged);

        Board.Unplug();
        RunUntil(() => Status().FirmwareVersion == SimulatedFirmware.LatestRelease, TimeSpan.FromSeconds(15), "installed after the session");
        Assert.Equal(FirmwareStep.Installed, Status().Firmware);
    }

    [Fact]
    public void An_update_request_serves_the_image_at_its_location_from_its_time_and_a_failing_one_ends_on_the_old_version()
    {
        PowerUp(AutoStart);
        var now = Sys.Scheduler.Now;
        var request = new FirmwareRequest(new Uri("https://firmware.example/4500-2.0.0.bin"), now.AddSeconds(20), 1, TimeSpan.Zero, "test");
        Assert.True(AskUnit<ChargerProtocol.CommandResult>(new ChargerProtocol.UpdateFirmware(request)).Accepted);
        // One update at a time.
        var second = AskUnit<ChargerProtocol.CommandResult>(new ChargerProtocol.UpdateFirmware(request));
        Assert.False(second.Accepted);
        Assert.Contains("already under way", second.Reason);
        Run(TimeSpan.FromSeconds(19));
        Assert.Equal(FirmwareStep.Idle, Status().Firmware);
        RunUntil(() => Status().FirmwareVersion == "2.0.0", TimeSpan.FromSeconds(15), "version 2.0.0 runs");

        Board.FirmwareSim.FailDownloads("the server answers 503");
        var failing = new FirmwareRequest(new Uri("https://firmware.example/4500-2.1.0.bin"), Sys.Scheduler.Now, 2, TimeSpan.FromSeconds(10), "test");
        Assert.True(AskUnit<ChargerProtocol.CommandResult>(new ChargerProtocol.UpdateFirmware(failing)).Accepted);
        RunUntil(() => Status().Firmware == FirmwareStep.DownloadFailed, TimeSpan.FromSeconds(10), "the first download fails");
        var retry = RunUntil(() => Status().Firmware == FirmwareStep.Downloading, TimeSpan.FromSeconds(15), "the second attempt");
        Assert.InRange(retry, TimeSpan.FromSeconds(10) - Step, TimeSpan.FromSeconds(10) + Step);
        RunUntil(() => Status().Firmware == FirmwareStep.DownloadFailed, TimeSpan.FromSeconds(10), "the second download fails");
        Run(TimeSpan.FromSeconds(30));
        var failed = Status();
        Assert.Equal((FirmwareStep.DownloadFailed, "2.0.0", "the server answers 503"), (failed.Firmware, failed.FirmwareVersion, failed.FirmwareDetail));
        Assert.Equal("2.0.0", Board.FirmwareSim.RunningVersion);
        // The update is over: a new one is taken.
        Assert.True(AskUnit<ChargerProtocol.CommandResult>(new ChargerProtocol.UpdateFirmware(failing with { RetrieveAt = DateTimeOffset.MaxValue })).Accepted);
    }

    // ---- 7 taps: Wi-Fi mode ----

    [Fact]
    public void Seven_taps_take_the_unit_off_the_site_link_to_its_fail_safe_current_and_seven_more_bring_it_back()
    {
        PowerUp(AutoStart, SiteCharger());
        Unit.Tell(new ChargerProtocol.SetNetworkIndication(NetworkIndication.Connected));
        ChargeOnAGrantOf16A();

        TapSet(7);
        Run(TimeSpan.FromSeconds(2));
        var wifi = Status();
        Assert.Equal((NetworkMode.WiFi, false, true), (wifi.Network, wifi.OnSiteLink, wifi.SiteJoined));
        Assert.Equal(NetworkLed.For(NetworkIndication.Disconnected), wifi.NetworkLed);
        Assert.Equal(NetworkLed.For(NetworkIndication.Disconnected), Board.NetworkLedSim.Showing);
        Assert.Equal(NetworkMode.WiFi, Board.RadioSim.Mode);
        // The site's view: it wants no grant now (its amps go to the others, its fail-safe share stays counted).
        Assert.False(SiteStatusMapping.WantsCurrent(wifi));
        RunUntil(() => Status().DrawnAmps < FailSafeAmps + 0.5, TimeSpan.FromSeconds(10), "the vehicle follows the fail-safe current");
        Assert.Equal((0L, FailSafeAmps), (Status().AppliedGrantEpoch, Status().GrantedAmps));

        // A grant that reaches it meanwhile (the simulation's link is in-process) is not taken.
        Unit.Tell(Grant(2, 16));
        Run(TimeSpan.FromSeconds(15));
        Assert.True(Status().OfferedAmps <= FailSafeAmps, $"offered {Status().OfferedAmps} A off the site link");
        Assert.NotEqual(2, Status().AppliedGrantSeq);

        TapSet(7);
        Run(TimeSpan.FromSeconds(2));
        var back = Status();
        Assert.Equal((NetworkMode.SiteLink, true), (back.Network, back.OnSiteLink));
        Assert.True(SiteStatusMapping.WantsCurrent(back));
        Assert.Equal(NetworkLed.For(NetworkIndication.Connected), Board.NetworkLedSim.Showing);
        Unit.Tell(Grant(3, 16));
        RunUntil(() => Status().DrawnAmps > 15, TimeSpan.FromSeconds(15), "granted again on the site link");
        Assert.Equal(3, Status().AppliedGrantSeq);
    }

    // ---- 13 taps: factory reset and leave the site ----

    [Fact]
    public void Thirteen_taps_reset_leave_the_site_search_and_refuse_grants_also_after_a_reboot()
    {
        PowerUp(ChargerSettings.Factory with { Name = "Bay 4", AutoStart = true, MaxCurrent = 20 }, SiteCharger(failSafe: 0));
        Unit.Tell(new ChargerProtocol.SetNetworkIndication(NetworkIndication.Connected));
        ChargeOnAGrantOf16A();

        TapSet(13);
        // The NETWORK LED goes out for a second, then flashes fast: searching.
        RunUntil(() => Board.NetworkLedSim.Showing == NetworkLed.For(NetworkIndication.ResettingOff), TimeSpan.FromSeconds(3), "the NETWORK LED goes out");
        var dark = RunUntil(() => Board.NetworkLedSim.Showing == NetworkLed.For(NetworkIndication.Searching), TimeSpan.FromSeconds(2), "the NETWORK LED flashes fast");
        Assert.InRange(dark, NetworkLed.ResettingOffTime - Step, NetworkLed.ResettingOffTime + Step);
        var reset = Status();
        Assert.Equal((false, false), (reset.SiteJoined, reset.OnSiteLink));
        Assert.Equal(ChargerSettings.Factory, AskUnit<ChargerSettings>(ChargerProtocol.GetSettings.Instance));
        // Its fail-safe current is 0 A: it pauses, relays open (invariant 5), the session waits.
        RunUntil(() => !RelaysCommandedClosed && Status().OfferedAmps == 0, TimeSpan.FromSeconds(5), "the unit pauses at its 0 A fail-safe");

        AssertRefusesGrantsAndSearches();
        // It stays out of the site across a reboot: the radio forgot the site.
        Unit.Tell(new ChargerProtocol.PowerCycle("test"));
        RunUntil(() => !Status().RelaysVerified, TimeSpan.FromSeconds(10), "the unit reboots");
        RunUntil(() => Status().RelaysVerified, TimeSpan.FromSeconds(10), "the unit is up");
        Assert.False(Status().SiteJoined);
        AssertRefusesGrantsAndSearches();
    }

    private void AssertRefusesGrantsAndSearches()
    {
        Unit.Tell(Grant(Random.Shared.Next(10, 1000), 16));
        Unit.Tell(new ChargerProtocol.SetNetworkIndication(NetworkIndication.Connected));
        Run(TimeSpan.FromSeconds(15), () =>
        {
            Assert.False(RelaysCommandedClosed);
            Assert.False(PilotOffers);
        });
        var status = Status();
        Assert.Equal((0L, 0.0), (status.AppliedGrantEpoch, status.GrantedAmps));
        Assert.Equal(NetworkLed.For(NetworkIndication.Searching), status.NetworkLed);
        Assert.Equal(NetworkLed.For(NetworkIndication.Searching), Board.NetworkLedSim.Showing);
    }
}

/// <summary>
/// 10 SET taps on a unit with a journal (SQLite, real time): the session's end as a reboot and the
/// register's last value are stored before the restart, and the power-up closes nothing as a power loss.
/// </summary>
[Trait("Speed", "Fast")]
public sealed class SetButtonRebootJournalTests(ITestOutputHelper output) : IDisposable
{
    private readonly Persistence.TempSqliteDatabase _database = new();

    public void Dispose() => _database.Dispose();

    // Real time on 2 shared cores: a generous tap window, so a slow moment does not split the taps.
    private static readonly ChargerUnitOptions Options = ChargerJournalRig.Options with
    {
        ButtonTiming = new SmartElek.Charger.Button.SetButtonTiming(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6)),
    };

    [Fact]
    public async Task Ten_taps_store_the_reboot_stop_and_the_last_reading_before_the_unit_powers_up_again()
    {
        await using var rig = new ChargerJournalRig(_database.Database, output);
        rig.PowerUp(ChargerSettings.Factory with { AutoStart = true }, options: Options);
        await rig.AllStoredAsync();
        rig.Board.PlugIn(ChargerJournalRig.Vehicle);
        var charging = await rig.StatusUntilAsync(s => s.Session == SessionPhase.Charging && s.PowerW > 6000 && rig.RelaysClosed, "charging at full power");
        await rig.ReadingsStoredAsync(charging.SessionId!, 1);

        for (var i = 0; i < 10; i++)
        {
            rig.Board.PressSetButton();
            await Task.Delay(100);
            rig.Board.ReleaseSetButton();
            await Task.Delay(100);
        }
        var back = await rig.StatusUntilAsync(s => s.SessionId is not null && s.SessionId != charging.SessionId && s.Session == SessionPhase.Charging,
            "a new session after the reboot", seconds: 40);
        await rig.AllStoredAsync();

        var journal = (await rig.JournalAsync()).Select(e => e.Event).ToList();
        var stopped = journal.OfType<SessionEvents.Stopped>().Single(e => e.SessionId == charging.SessionId);
        Assert.Equal(StopReason.Reboot, stopped.Reason);
        Assert.DoesNotContain(journal.OfType<SessionEvents.Stopped>(), e => e.Reason == StopReason.PowerLoss);
        var lastReading = journal.OfType<SmartElek.Charger.Journal.ChargerJournalEvents.EnergyRecorded>().Last(e => e.SessionId == charging.SessionId);
        Assert.True(lastReading.RegisterWh >= stopped.RegisterWh, $"the last reading {lastReading.RegisterWh} Wh is the register at the stop {stopped.RegisterWh} Wh or later");
        Assert.Single(journal.OfType<SessionEvents.PluggedOut>(), e => e.SessionId == charging.SessionId);
        Assert.Equal((StopReason.Reboot, charging.SessionId), (back.LastSession!.StopReason, back.LastSession.SessionId));
        Assert.True(back.RegisterWh >= lastReading.RegisterWh, "the register did not go back");
        rig.Log($"stopped (Reboot) at {stopped.RegisterWh:0.00} Wh, last reading {lastReading.RegisterWh:0.00} Wh, back at {back.RegisterWh:0.00} Wh");
    }
}
