using SmartElek.Actors.Charger;
using SmartElek.Actors.Tests.Persistence;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using Xunit.Abstractions;
using static SmartElek.Charger.Journal.ChargerJournalEvents;

namespace SmartElek.Actors.Tests.Charger;

/// <summary>
/// The PostgreSQL server stops in the middle of a session and comes back: charging never notices,
/// and the journal ends up with every event once, in order, with the session's energy. This class
/// stops its server, so it has one of its own.
/// </summary>
public sealed class ChargerJournalOutageTests(PostgreSqlFixture postgres, ITestOutputHelper output) : IClassFixture<PostgreSqlFixture>
{
    // The journal's circuit breaker opens after 10 failures for 30 s by default: a test-sized reset
    // keeps the wait after the server's return short. The product keeps the default.
    private const string ShortBreaker = """
        akka.persistence.journal.sql.circuit-breaker.reset-timeout = 1s
        akka.persistence.snapshot-store.sql.circuit-breaker.reset-timeout = 1s
        """;

    [Fact]
    public async Task Charging_goes_on_through_a_database_outage_and_the_journal_gets_every_event_once_afterwards()
    {
        await using var rig = new ChargerJournalRig(await postgres.NewDatabaseAsync("outage"), output, ShortBreaker);
        rig.PowerUp(ChargerSettings.Factory with { AutoStart = true });
        await rig.AllStoredAsync();
        rig.Board.PlugIn(ChargerJournalRig.Vehicle);
        var charging = await rig.StatusUntilAsync(s => s.Session == SessionPhase.Charging && rig.RelaysClosed, "charging");
        await rig.ReadingsStoredAsync(charging.SessionId!, 1);
        await rig.AllStoredAsync();

        await postgres.Server.StopAsync();
        var outageFrom = DateTimeOffset.UtcNow;
        var registerAtStop = (await rig.StatusAsync()).RegisterWh;
        // Charging goes on: relays closed, metering counting, while the journal is down and holds the readings.
        // Four held, not three: the first may have been taken while the server was still shutting down.
        var down = await ChargerJournalRig.EventuallyAsync(rig.GuardAsync, s => s is { Ready: false, Pending: >= 4 },
            "the journal is down and holds at least four readings", TimeSpan.FromSeconds(20));
        var during = await rig.StatusAsync();
        Assert.True(rig.RelaysClosed, "the relays stayed closed through the outage");
        Assert.Equal(SessionPhase.Charging, during.Session);
        Assert.True(during.RegisterWh > registerAtStop, "metering went on through the outage");
        output.WriteLine($"during the outage: {down}");

        await postgres.Server.StartAgainAsync();
        var outageTo = DateTimeOffset.UtcNow;
        var up = await rig.AllStoredAsync(seconds: 30);
        Assert.True(up.Recoveries >= 1, $"the journal came back after stopping: {up}");
        Assert.Equal(0, up.Overflowed);
        await rig.ReadingsStoredAsync(charging.SessionId!, 1, after: outageTo); // charging on after the outage, durably

        rig.Board.Unplug();
        var deliveredWh = rig.Board.DeliveredWh;
        var after = await rig.StatusUntilAsync(s => s.Session == SessionPhase.NoVehicle && s.LastSession is not null, "session ended at unplug");
        await rig.AllStoredAsync();

        var envelopes = await rig.JournalAsync();
        var events = envelopes.Select(e => e.Event).ToList();
        Assert.Equal(Enumerable.Range(1, envelopes.Count).Select(i => (long)i), envelopes.Select(e => e.SequenceNr));
        // Once each: no event twice (every reading has its own time and value).
        Assert.Equal(events.Count, events.Distinct().Count());
        // In order: the session's events as the session decided them, the readings rising with time.
        var session = events.OfType<ISessionEvent>().ToList();
        Assert.IsType<SessionEvents.PluggedIn>(session[0]);
        Assert.IsType<SessionEvents.Authorised>(session[1]);
        Assert.Contains(session, e => e is SessionEvents.Charging);
        Assert.Equal(typeof(SessionEvents.Stopped), session[^2].GetType());
        var pluggedOut = Assert.IsType<SessionEvents.PluggedOut>(session[^1]);
        Assert.Single(session.OfType<SessionEvents.PluggedIn>());
        Assert.Single(session.OfType<SessionEvents.Stopped>());
        Assert.Equal(charging.SessionId, pluggedOut.SessionId);
        var readings = events.OfType<EnergyRecorded>().ToList();
        Assert.True(readings.Zip(readings.Skip(1)).All(p => p.Item1.At < p.Item2.At && p.Item1.RegisterWh < p.Item2.RegisterWh), "readings in order");
        var duringOutage = readings.Count(r => r.At > outageFrom && r.At < outageTo);
        Assert.True(duringOutage >= 3, $"readings taken during the outage reached the journal ({duringOutage})");
        // None lost: every command the unit sent was stored (contiguous sequence numbers above, nothing
        // refused or overflowed in the guard). The gaps between readings are printed, not asserted: they
        // follow the meter's samples, which a machine busy with a stopping database may deliver late.
        var widestGap = readings.Zip(readings.Skip(1)).Max(p => p.Item2.At - p.Item1.At);
        Assert.Equal(0, up.Refused);
        var atStamps = session.Select(e => e.At).ToList();
        Assert.Equal(atStamps.Order(), atStamps);

        // The session's energy in the journal is what the vehicle got, within metering tolerance.
        var toleranceWh = 0.02 * deliveredWh + 0.5;
        output.WriteLine($"{events.Count} events, {readings.Count} readings ({duringOutage} taken during the outage, widest gap {widestGap.TotalMilliseconds:0} ms); journal {pluggedOut.EnergyWh:0.00} Wh, delivered {deliveredWh:0.00} Wh, unit {after.LastSession!.EnergyWh:0.00} Wh");
        Assert.InRange(pluggedOut.EnergyWh, deliveredWh - toleranceWh, deliveredWh + toleranceWh);
        Assert.Equal(after.LastSession.EnergyWh, pluggedOut.EnergyWh, 1e-6);
    }

    [Fact]
    public async Task With_the_database_down_at_power_up_the_unit_charges_provisionally_and_the_journal_continues_the_register_once_it_returns()
    {
        await using var rig = new ChargerJournalRig(await postgres.NewDatabaseAsync("down-at-power-up"), output, ShortBreaker);
        var hosts = ChargerSettings.Factory with { AutoStart = true };

        // First life: the owner names the unit, a session charges, then the power is cut mid-session.
        rig.PowerUp(hosts);
        await rig.AllStoredAsync();
        Assert.IsType<ChargerProtocol.SettingsUpdated>(await rig.AskAsync<object>(new ChargerProtocol.UpdateSettings(hosts with { Name = "Garage" })));
        rig.Board.PlugIn(ChargerJournalRig.Vehicle);
        var cut = await rig.StatusUntilAsync(s => s.Session == SessionPhase.Charging && s.PowerW > 6000 && rig.RelaysClosed, "first life charging");
        await rig.ReadingsStoredAsync(cut.SessionId!, 4);
        await rig.AllStoredAsync();
        var registerAtCut = (await rig.StatusAsync()).RegisterWh;
        await rig.CrashAsync();

        // Second life, the database down: past the recovery wait the unit charges on the Host's settings.
        await postgres.Server.StopAsync();
        var recoveryWait = ChargerJournalRig.JournalSettings.RecoveryWait!.Value;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ChargerStatus provisional;
        try
        {
            rig.PowerUp(hosts, vehicleIn: true);
            provisional = await rig.StatusUntilAsync(s => s.Session == SessionPhase.Charging && rig.RelaysClosed, "charging provisionally",
                seconds: (recoveryWait + TimeSpan.FromSeconds(5)).TotalSeconds / ChargerJournalRig.TimeFactor);
            var startedAfter = clock.Elapsed;
            Assert.True(startedAfter >= recoveryWait - TimeSpan.FromMilliseconds(100), $"charging started {startedAfter} after power-up, before the recovery wait {recoveryWait}");
            Assert.Equal(hosts.Name, (await rig.AskAsync<ChargerSettings>(ChargerProtocol.GetSettings.Instance)).Name);
            // Some energy on the provisional register (about 2 Wh a second at 7 kW).
            var during = await rig.StatusUntilAsync(s => s.RegisterWh >= 4, "4 Wh charged provisionally");
            Assert.False((await rig.GuardAsync()).Ready);
            // The register counts from 0 Wh at this power-up: what this board delivered, not the first life's register.
            Assert.InRange(during.RegisterWh, 0.5, rig.Board.DeliveredWh * 1.02 + 0.5);
            provisional = during;
            output.WriteLine($"charging provisionally {startedAfter.TotalMilliseconds:0} ms after power-up; register {during.RegisterWh:0.00} Wh");
        }
        finally
        {
            await postgres.Server.StartAgainAsync();
        }

        // The journal recovers: the register moves forward onto the recovered one, never back, and the session runs on.
        var registers = new List<double>();
        ChargerStatus moved;
        while (true)
        {
            moved = await rig.StatusAsync();
            registers.Add(moved.RegisterWh);
            // R is at least the last reading stored before the cut: one interval of charging (2 Wh) below it at most.
            if (moved.RegisterWh >= provisional.RegisterWh + registerAtCut - 4)
                break;
            Assert.True(clock.Elapsed < ChargerJournalRig.Dilated(TimeSpan.FromSeconds(60)), $"the register never moved onto the recovered one: {moved.RegisterWh} Wh");
            await Task.Delay(50);
        }
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(100);
            registers.Add((await rig.StatusAsync()).RegisterWh);
        }
        Assert.True(registers.Zip(registers.Skip(1)).All(p => p.Item1 <= p.Item2), $"the register went backwards: {string.Join(", ", registers.Select(r => r.ToString("0.00")))}");
        Assert.Equal(provisional.SessionId, moved.SessionId);
        Assert.Equal(SessionPhase.Charging, moved.Session);
        Assert.True(rig.RelaysClosed, "the session ran on through the recovery");
        Assert.Equal("Garage", (await rig.AskAsync<ChargerSettings>(ChargerProtocol.GetSettings.Instance)).Name);
        await rig.AllStoredAsync(seconds: 30);
        // A few more seconds of charging on the moved register: a longer session also keeps the metering error of a
        // late sample at a current step (a loaded machine) within the tolerance, which grows with the energy.
        await rig.StatusUntilAsync(s => s.RegisterWh >= moved.RegisterWh + 8, "8 Wh more on the moved register");

        rig.Board.Unplug();
        var deliveredWh = rig.Board.DeliveredWh;
        var after = await rig.StatusUntilAsync(s => s.Session == SessionPhase.NoVehicle && s.LastSession is not null, "session ended at unplug");
        await rig.AllStoredAsync();

        var envelopes = await rig.JournalAsync();
        Assert.Equal(Enumerable.Range(1, envelopes.Count).Select(i => (long)i), envelopes.Select(e => e.SequenceNr));
        var events = envelopes.Select(e => e.Event).ToList();
        // The cut session's close comes first, before anything of the second life.
        var stopped = events.FindIndex(e => e is SessionEvents.Stopped { Reason: StopReason.PowerLoss });
        Assert.True(stopped >= 0, "the cut session was closed");
        Assert.Equal(cut.SessionId, ((ISessionEvent)events[stopped]).SessionId);
        var close = Assert.IsType<SessionEvents.PluggedOut>(events[stopped + 1]);
        Assert.Equal(cut.SessionId, close.SessionId);
        var recoveredWh = close.RegisterWh;
        var secondLife = events.Skip(stopped + 2).ToList();
        var plugged = Assert.IsType<SessionEvents.PluggedIn>(secondLife.OfType<ISessionEvent>().First());
        Assert.Equal(provisional.SessionId, plugged.SessionId);
        Assert.DoesNotContain(events.Take(stopped), e => e is ISessionEvent s && s.SessionId == provisional.SessionId);
        // The second life's register values continue from the recovered register and rise.
        var values = secondLife.Select(e => e switch
        {
            SessionEvents.PluggedIn p => p.RegisterWh,
            SessionEvents.Stopped x => x.RegisterWh,
            SessionEvents.PluggedOut o => o.RegisterWh,
            EnergyRecorded r => r.RegisterWh,
            _ => (double?)null,
        }).OfType<double>().ToList();
        Assert.All(values, v => Assert.True(v >= recoveredWh, $"{v} Wh in the second life is below the recovered {recoveredWh} Wh"));
        Assert.True(values.Zip(values.Skip(1)).All(p => p.Item1 <= p.Item2), $"second life register values not rising: {string.Join(", ", values.Select(v => v.ToString("0.00")))}");
        Assert.True(secondLife.OfType<EnergyRecorded>().Count() >= 3, "readings of the provisional period and after reached the journal");
        // The new session's energy is what the vehicle got, within metering tolerance.
        var pluggedOut = secondLife.OfType<SessionEvents.PluggedOut>().Single();
        Assert.Equal(provisional.SessionId, pluggedOut.SessionId);
        var toleranceWh = 0.02 * deliveredWh + 0.5;
        output.WriteLine($"recovered {recoveredWh:0.00} Wh (first life {registerAtCut:0.00} Wh); session {pluggedOut.EnergyWh:0.00} Wh from {plugged.RegisterWh:0.00} to {pluggedOut.RegisterWh:0.00} Wh, delivered {deliveredWh:0.00} Wh, unit {after.LastSession!.EnergyWh:0.00} Wh");
        Assert.InRange(pluggedOut.EnergyWh, deliveredWh - toleranceWh, deliveredWh + toleranceWh);
        Assert.Equal(pluggedOut.EnergyWh, pluggedOut.RegisterWh - plugged.RegisterWh, 1e-6);
        Assert.Equal(after.LastSession.EnergyWh, pluggedOut.EnergyWh, 1e-6);
    }

    [Fact]
    public async Task Without_a_recovery_wait_the_relays_stay_open_until_the_journal_has_recovered()
    {
        var database = await postgres.NewDatabaseAsync("wait-for-journal");
        await using var rig = new ChargerJournalRig(database, output, ShortBreaker);
        // As the Host sets it under OCPP: the central system bills from the register, so no provisional register.
        var waitForJournal = ChargerJournalRig.Options with { Journal = ChargerJournalRig.JournalSettings with { RecoveryWait = null } };
        await postgres.Server.StopAsync();
        try
        {
            rig.PowerUp(ChargerSettings.Factory with { AutoStart = true }, vehicleIn: true, waitForJournal);
            await rig.StatusUntilAsync(s => s.RelaysVerified && s.Pilot == SmartElek.Charger.J1772.PilotState.B, "relays verified with the vehicle in");
            // Longer than the default wait after which a unit would charge provisionally.
            await Task.Delay(new ChargerJournalSettings().RecoveryWait!.Value * 1.5);
            var still = await rig.StatusAsync();
            Assert.False(rig.RelaysClosed, "the relays closed before the journal recovered");
            Assert.Equal(SessionPhase.NoVehicle, still.Session);
            Assert.Equal(0, rig.Board.DeliveredWh);
        }
        finally
        {
            await postgres.Server.StartAgainAsync();
        }
        var charging = await rig.StatusUntilAsync(s => s.Session == SessionPhase.Charging && rig.RelaysClosed, "charging once the journal recovered", seconds: 30);
        Assert.NotNull(charging.SessionId);
    }
}
