using Akka.Actor;
using SmartElek.Actors.Charger;
using SmartElek.Actors.Tests.Persistence;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Simulation;
using SmartElek.Charger.Unit;
using SmartElek.Site;
using SmartElek.Site.Allocation;
using Xunit.Abstractions;
using static SmartElek.Charger.Journal.ChargerJournalEvents;

namespace SmartElek.Actors.Tests.Charger;

/// <summary>
/// A power cycle (an OCPP hard reset) restarts the unit in place: the same actor reference, the
/// same subscribers, a full power-up underneath (relays opened and verified again, fail-safe
/// current until the site grants again). Virtual clock.
/// </summary>
[Trait("Speed", "Fast")]
public sealed class PowerCycleTests(ITestOutputHelper output) : ChargerUnitHarness(output)
{
    private static SiteProtocol.CurrentGrant Grant(long epoch, long seq, double amps) =>
        new(Id, epoch, seq, amps, Guid.NewGuid(), seq, TimeSpan.FromSeconds(60), DateTimeOffset.UnixEpoch, new LimitReason(LimitKind.Circuit, "branch-1"));

    // Calling-thread dispatcher: whatever was sent has been delivered.
    private static List<ChargerStatus> Drain(Akka.TestKit.TestProbe probe)
    {
        var received = new List<ChargerStatus>();
        while (probe.HasMessages)
            if (probe.ReceiveOne(TimeSpan.Zero) is ChargerStatus status)
                received.Add(status);
        return received;
    }

    [Fact]
    public async Task The_unit_powers_up_again_under_the_same_reference_keeping_its_subscribers_at_its_fail_safe_current()
    {
        PowerUp(AutoStart, ChargerUnitOptions.Default with { InitialGrantAmps = 6 });
        var subscriber = CreateTestProbe();
        Unit.Tell(new ChargerProtocol.SubscribeStatus(subscriber.Ref));
        Unit.Tell(Grant(5, 1, 16));
        PlugInAndCharge();
        RunUntil(() => Status().DrawnAmps > 15, TimeSpan.FromSeconds(15), "the vehicle draws the 16 A grant");
        var before = Status();
        Assert.Equal(5, before.AppliedGrantEpoch);
        Drain(subscriber);

        Unit.Tell(new ChargerProtocol.PowerCycle("test"));
        // The subscriber hears the unit power up (after its controlled stop): relays not yet
        // verified, no session, no grant. The board is read in that same clock step: a few steps
        // on, the new unit closes them again.
        ChargerStatus? poweringUp = null;
        RunUntil(() => (poweringUp ??= Drain(subscriber).FirstOrDefault(s => !s.RelaysVerified)) is not null,
            PowerDown.ControlledStopWindow + TimeSpan.FromSeconds(1), "the unit powers up again");
        Assert.NotNull(poweringUp);
        Assert.Equal(0, poweringUp.AppliedGrantEpoch);
        Assert.False(poweringUp.RelaysClosed);
        Assert.Equal(RelayPosition.Open, Board.RelayL1.Commanded);
        Assert.Equal(RelayPosition.Open, Board.RelayL2.Commanded);

        // Same reference: the unit answers, verifies its relays and starts a new session (auto-start, vehicle still in).
        RunUntil(() => Status() is { RelaysVerified: true, Session: SessionPhase.Charging }, TimeSpan.FromSeconds(15), "a new session charges after the power-up");
        var after = Status();
        Assert.NotEqual(before.SessionId, after.SessionId);
        // Until the site grants again, the unit offers its fail-safe current only.
        Assert.InRange(after.OfferedAmps, 5.9, 6);
        Assert.Equal(0, after.AppliedGrantEpoch);

        // The site's next grant reaches the same reference and is applied.
        Unit.Tell(Grant(5, 2, 16));
        RunUntil(() => Status().DrawnAmps > 15, TimeSpan.FromSeconds(15), "the vehicle draws the renewed grant");
        Assert.Equal(2, Status().AppliedGrantSeq);
        var latest = await subscriber.FishForMessageAsync<ChargerStatus>(s => s.AppliedGrantSeq == 2);
        Assert.Equal(after.SessionId, latest.SessionId);
    }

    [Fact]
    public void Without_a_journal_the_unit_restarts_at_once_and_only_once_for_repeated_power_cycles()
    {
        PowerUp(AutoStart);
        var subscriber = CreateTestProbe();
        Unit.Tell(new ChargerProtocol.SubscribeStatus(subscriber.Ref));
        PlugInAndCharge();
        var first = Status().SessionId;
        Drain(subscriber);

        Unit.Tell(new ChargerProtocol.PowerCycle("test"));
        Unit.Tell(new ChargerProtocol.PowerCycle("test again"));
        RunUntil(() => Status() is { RelaysVerified: true, Session: SessionPhase.Charging }, TimeSpan.FromSeconds(15), "charging after the power-up");
        Run(TimeSpan.FromSeconds(5));

        var statuses = Drain(subscriber);
        // Every restart greets the subscriber with one status before its relays are verified.
        var powerUps = statuses.Zip(statuses.Skip(1)).Count(p => p.Item1.RelaysVerified && !p.Item2.RelaysVerified)
                       + (statuses.Count > 0 && !statuses[0].RelaysVerified ? 1 : 0);
        Assert.InRange(powerUps, 1, 2);
        Assert.NotEqual(first, Status().SessionId);
        Assert.True(Status().DrawnAmps > 5);
    }
}

/// <summary>
/// A power cycle with a journal (SQLite): the stop the OCPP charge point sends just before its hard
/// reset is journalled with its own reason, the register's last value is durable, and the unit comes
/// back with the vehicle still plugged in and a new session.
/// </summary>
[Trait("Speed", "Fast")]
public sealed class PowerCycleJournalTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempSqliteDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task The_stop_just_before_the_power_cycle_and_the_last_reading_reach_the_journal()
    {
        await using var rig = new ChargerJournalRig(_database.Database, output);
        rig.PowerUp(ChargerSettings.Factory with { AutoStart = true });
        await rig.AllStoredAsync();
        rig.Board.PlugIn(ChargerJournalRig.Vehicle);
        var charging = await rig.StatusUntilAsync(s => s.Session == SessionPhase.Charging && s.PowerW > 6000 && rig.RelaysClosed, "charging at full power");
        await rig.ReadingsStoredAsync(charging.SessionId!, 1);

        // As the OCPP port does for a hard reset during a transaction: stop, then power-cycle at once.
        rig.Unit.Tell(new ChargerProtocol.StopCharging(StopReason.Remote));
        rig.Unit.Tell(new ChargerProtocol.PowerCycle("test"));
        var back = await rig.StatusUntilAsync(s => s.SessionId is not null && s.SessionId != charging.SessionId && s.Session == SessionPhase.Charging,
            "a new session after the power cycle", seconds: 30);
        await rig.AllStoredAsync();

        var journal = (await rig.JournalAsync()).Select(e => e.Event).ToList();
        var stopped = journal.OfType<SessionEvents.Stopped>().Single(e => e.SessionId == charging.SessionId);
        Assert.Equal(StopReason.Remote, stopped.Reason); // not closed as a power loss: the stop was journalled before the restart
        var lastReading = journal.OfType<EnergyRecorded>().Last(e => e.SessionId == charging.SessionId);
        Assert.True(lastReading.RegisterWh >= stopped.RegisterWh, $"the last reading {lastReading.RegisterWh} Wh is the register at the stop {stopped.RegisterWh} Wh or later");
        Assert.Single(journal.OfType<SessionEvents.PluggedOut>(), e => e.SessionId == charging.SessionId);
        Assert.True(back.RegisterWh >= lastReading.RegisterWh, "the register did not go back");
        Assert.Equal(StopReason.Remote, back.LastSession!.StopReason);
        rig.Log($"stopped at {stopped.RegisterWh:0.00} Wh, last reading {lastReading.RegisterWh:0.00} Wh, back at {back.RegisterWh:0.00} Wh");
    }

    [Fact]
    public async Task A_shut_down_ends_the_session_opens_the_relays_and_flushes_so_the_next_power_up_closes_nothing_as_a_power_loss()
    {
        await using var rig = new ChargerJournalRig(_database.Database, output);
        var settings = ChargerSettings.Factory with { AutoStart = true };
        rig.PowerUp(settings);
        await rig.AllStoredAsync();
        rig.Board.PlugIn(ChargerJournalRig.Vehicle);
        var charging = await rig.StatusUntilAsync(s => s.Session == SessionPhase.Charging && s.PowerW > 6000 && rig.RelaysClosed, "charging at full power");
        await rig.ReadingsStoredAsync(charging.SessionId!, 1);

        // As the Host does when it stops gracefully; a second ask meanwhile is answered after the same flush.
        var answers = await Task.WhenAll(
            rig.AskAsync<ChargerProtocol.ShutDownDone>(ChargerProtocol.ShutDown.Instance),
            rig.AskAsync<ChargerProtocol.ShutDownDone>(ChargerProtocol.ShutDown.Instance));
        Assert.All(answers, a => Assert.Equal(new ChargerProtocol.ShutDownDone(ChargerJournalRig.Id, Flushed: true), a));
        Assert.False(rig.RelaysClosed);
        var journal = (await rig.JournalAsync()).Select(e => e.Event).ToList();
        var stopped = journal.OfType<SessionEvents.Stopped>().Single(e => e.SessionId == charging.SessionId);
        Assert.Equal(StopReason.Shutdown, stopped.Reason);
        var lastReading = journal.OfType<EnergyRecorded>().Last(e => e.SessionId == charging.SessionId);
        Assert.True(lastReading.RegisterWh >= stopped.RegisterWh, $"the last reading {lastReading.RegisterWh} Wh is the register at the stop {stopped.RegisterWh} Wh or later");

        // The next power-up, the vehicle still plugged in: the stopped session is closed as it was
        // stopped (no PowerLoss), and a new one starts per the settings.
        await rig.CrashAsync();
        rig.PowerUp(settings, vehicleIn: true);
        var back = await rig.StatusUntilAsync(s => s.SessionId is not null && s.SessionId != charging.SessionId && s.LastSession is not null,
            "a new session after the shut-down", seconds: 30);
        await rig.AllStoredAsync();
        journal = (await rig.JournalAsync()).Select(e => e.Event).ToList();
        Assert.DoesNotContain(journal.OfType<SessionEvents.Stopped>(), e => e.Reason == StopReason.PowerLoss);
        Assert.Equal(StopReason.Shutdown, back.LastSession!.StopReason);
        Assert.Equal(charging.SessionId, back.LastSession.SessionId);
        Assert.True(back.RegisterWh >= lastReading.RegisterWh, "the register did not go back");
    }
}
