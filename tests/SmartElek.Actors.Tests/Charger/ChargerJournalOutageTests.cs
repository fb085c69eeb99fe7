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
        await Task.Delay(TimeSpan.FromSeconds(1.5));
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
        await Task.Delay(TimeSpan.FromSeconds(1.5));

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
        // None lost: durable readings are one interval apart, outage or not. The readings ride on the
        // meter's samples, which a loaded machine may deliver late: 1 s of slack, as the SIGKILL test
        // allows; a reading lost in the outage would leave a gap of two intervals.
        var widestGap = readings.Zip(readings.Skip(1)).Max(p => p.Item2.At - p.Item1.At);
        Assert.True(widestGap < 2 * ChargerJournalRig.JournalSettings.DurableReadingInterval, $"widest gap between durable readings {widestGap}");
        var atStamps = session.Select(e => e.At).ToList();
        Assert.Equal(atStamps.Order(), atStamps);

        // The session's energy in the journal is what the vehicle got, within metering tolerance.
        var toleranceWh = 0.02 * deliveredWh + 0.5;
        output.WriteLine($"{events.Count} events, {readings.Count} readings ({duringOutage} taken during the outage, widest gap {widestGap.TotalMilliseconds:0} ms); journal {pluggedOut.EnergyWh:0.00} Wh, delivered {deliveredWh:0.00} Wh, unit {after.LastSession!.EnergyWh:0.00} Wh");
        Assert.InRange(pluggedOut.EnergyWh, deliveredWh - toleranceWh, deliveredWh + toleranceWh);
        Assert.Equal(after.LastSession.EnergyWh, pluggedOut.EnergyWh, 6);
    }
    [Fact]
    public async Task With_the_database_down_at_power_up_the_relays_stay_open_until_the_journal_has_recovered()
    {
        var database = await postgres.NewDatabaseAsync("down-at-power-up");
        await using var rig = new ChargerJournalRig(database, output, ShortBreaker);
        await postgres.Server.StopAsync();
        try
        {
            rig.PowerUp(ChargerSettings.Factory with { AutoStart = true }, vehicleIn: true);
            // The vehicle is in, the relays are verified, yet nothing is offered or closed while recovery waits for the database.
            var waiting = await rig.StatusUntilAsync(s => s.RelaysVerified && s.Pilot == SmartElek.Charger.J1772.PilotState.B, "relays verified with the vehicle in");
            await Task.Delay(TimeSpan.FromSeconds(2));
            var still = await rig.StatusAsync();
            Assert.False(rig.RelaysClosed, "the relays closed before the journal recovered");
            Assert.Equal(SessionPhase.NoVehicle, still.Session);
            Assert.Equal(0, still.OfferedAmps);
            Assert.Equal(0, rig.Board.DeliveredWh);
            Assert.False((await rig.GuardAsync()).Ready);
            output.WriteLine($"waiting: {waiting.Pilot}, relays verified {waiting.RelaysVerified}, session {still.Session}");
        }
        finally
        {
            await postgres.Server.StartAgainAsync();
        }
        var charging = await rig.StatusUntilAsync(s => s.Session == SessionPhase.Charging && rig.RelaysClosed, "charging once the journal recovered", seconds: 30);
        Assert.NotNull(charging.SessionId);
        await rig.AllStoredAsync();
        var journal = (await rig.JournalAsync()).Select(e => e.Event).ToList();
        Assert.Equal(charging.SessionId, Assert.IsType<SessionEvents.PluggedIn>(journal.OfType<ISessionEvent>().First()).SessionId);
    }
}
