using SmartElek.Actors.Charger;
using SmartElek.Actors.Tests.Persistence;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Sessions;
using SmartElek.Charger.Settings;
using Xunit.Abstractions;
using static SmartElek.Charger.Journal.ChargerJournalEvents;

namespace SmartElek.Actors.Tests.Charger;

/// <summary>
/// A charger unit with its journal crashes mid-session (its ActorSystem ends without stopping the
/// unit first) and a new unit powers up on the same database: the register, settings and fault
/// history come back, the cut session is closed with PowerLoss at its last durable reading, and
/// the vehicle still plugged in gets a new session. On SQLite and on PostgreSQL.
/// </summary>
public abstract class ChargerJournalRestartTests(ITestOutputHelper output)
{
    protected abstract Task<TestDatabase> DatabaseAsync();

    [Fact]
    public async Task After_a_crash_mid_session_the_unit_recovers_and_closes_the_cut_session_at_its_last_durable_reading()
    {
        await using var rig = new ChargerJournalRig(await DatabaseAsync(), output);
        var defaults = ChargerSettings.Factory with { AutoStart = true };
        var owners = defaults with { Name = "Garage", EvBatteryCapacityKwh = 80, EvStartingLevelPercent = 35 };

        // First life: the owner's settings, a fault that comes and goes, then a session.
        rig.PowerUp(defaults);
        await rig.AllStoredAsync();
        Assert.IsType<ChargerProtocol.SettingsUpdated>(await rig.AskAsync<object>(new ChargerProtocol.UpdateSettings(owners)));
        rig.Board.SetTemperature(95);
        await rig.StatusUntilAsync(s => s.Faults.Any(f => f.Kind == FaultKind.OverTemperature), "over-temperature fault raised");
        rig.Board.SetTemperature(null);
        await rig.StatusUntilAsync(s => s.Faults.Count == 0, "over-temperature cleared");
        var faultLog = (await rig.AskAsync<ChargerProtocol.FaultLog>(ChargerProtocol.GetFaultLog.Instance)).Entries;
        Assert.Contains(faultLog, f => f.Kind == FaultKind.OverTemperature && f.Type == FaultEntryType.Cleared);

        rig.Board.PlugIn(ChargerJournalRig.Vehicle);
        var charging = await rig.StatusUntilAsync(s => s.Session == SessionPhase.Charging && s.PowerW > 6000 && rig.RelaysClosed, "charging at full power");
        var firstSession = charging.SessionId!;
        // A few durable readings, then crash at a moment the journal is keeping up.
        await rig.ReadingsStoredAsync(firstSession, 4);
        await rig.AllStoredAsync();
        var powerW = (await rig.StatusAsync()).PowerW;
        var deliveredWh = rig.Board.DeliveredWh;
        await rig.CrashAsync();
        var deliveredAfterCrashWh = rig.Board.DeliveredWh;

        // Second life, other defaults in the Props, the vehicle still plugged in.
        rig.PowerUp(ChargerSettings.Factory, vehicleIn: true);
        await rig.AllStoredAsync();
        var back = await rig.StatusUntilAsync(s => s.LastSession is not null && s.SessionId is not null && s.SessionId != firstSession,
            "cut session closed and a new one started");

        var journal = (await rig.JournalAsync()).Select(e => e.Event).ToList();
        var stopped = journal.OfType<SessionEvents.Stopped>().Single(e => e.SessionId == firstSession);
        var pluggedOut = journal.OfType<SessionEvents.PluggedOut>().Single(e => e.SessionId == firstSession);
        var pluggedIn = journal.OfType<SessionEvents.PluggedIn>().Single(e => e.SessionId == firstSession);
        var lastReading = journal.OfType<EnergyRecorded>().Last(e => e.SessionId == firstSession);
        var sessionWh = lastReading.RegisterWh - pluggedIn.RegisterWh;
        var intervalWh = powerW * ChargerJournalRig.JournalSettings.DurableReadingInterval.TotalHours;
        var toleranceWh = 0.02 * deliveredWh + 0.5;
        rig.Log($"delivered {deliveredWh:0.00} Wh (after crash {deliveredAfterCrashWh:0.00}), durable {sessionWh:0.00} Wh, one interval {intervalWh:0.00} Wh at {powerW:0} W; register back at {back.RegisterWh:0.00} Wh");

        Assert.Equal(StopReason.PowerLoss, stopped.Reason);
        Assert.Equal(lastReading.RegisterWh, stopped.RegisterWh);
        Assert.Equal(sessionWh, stopped.EnergyWh, 1e-6);
        Assert.Equal(sessionWh, pluggedOut.EnergyWh, 1e-6);
        Assert.Equal(lastReading.At, pluggedOut.At);
        Assert.True(lastReading.RegisterWh > pluggedIn.RegisterWh + intervalWh, "several readings were durable before the crash");
        // What the crash cost: at most one interval of charging (plus metering tolerance, and 1 s for a
        // meter sample that arrives late on a loaded machine: the rig's interval is 1 s, not the product's 10 s);
        // never more than was delivered.
        var lateSampleWh = powerW / 3600;
        Assert.InRange(deliveredWh - sessionWh, -toleranceWh, intervalWh + lateSampleWh + toleranceWh);

        Assert.True(back.RegisterWh >= lastReading.RegisterWh, $"register {back.RegisterWh} Wh fell below the durable {lastReading.RegisterWh} Wh");
        Assert.Equal(StopReason.PowerLoss, back.LastSession!.StopReason);
        Assert.Equal(firstSession, back.LastSession.SessionId);
        Assert.Equal(owners, await rig.AskAsync<ChargerSettings>(ChargerProtocol.GetSettings.Instance));
        Assert.Equal("Garage", back.Name);
        var recoveredLog = (await rig.AskAsync<ChargerProtocol.FaultLog>(ChargerProtocol.GetFaultLog.Instance)).Entries;
        Assert.Equal(faultLog, recoveredLog.Take(faultLog.Count));

        // The new session counts from the recovered register, and charging goes on.
        var newSession = journal.OfType<SessionEvents.PluggedIn>().Single(e => e.SessionId == back.SessionId);
        Assert.Equal(lastReading.RegisterWh, newSession.RegisterWh);
        await rig.StatusUntilAsync(s => s.Session == SessionPhase.Charging && rig.RelaysClosed, "the new session charges");

        // The read side finds each event under its tag (the vehicle leaves first, so the journal stands still).
        rig.Board.Unplug();
        await rig.StatusUntilAsync(s => s.Session == SessionPhase.NoVehicle, "the new session ends at unplug");
        await rig.AllStoredAsync();
        journal = (await rig.JournalAsync()).Select(e => e.Event).ToList();
        var sessionTagged = (await rig.TaggedAsync(ChargerJournal.SessionTag)).Select(e => e.Event).ToList();
        Assert.Equal(journal.OfType<ISessionEvent>().Cast<object>(), sessionTagged);
        var energyTagged = (await rig.TaggedAsync(ChargerJournal.EnergyTag)).Select(e => e.Event).ToList();
        Assert.Equal(journal.OfType<EnergyRecorded>().Cast<object>(), energyTagged);
    }
}

public sealed class ChargerJournalRestartOnSqliteTests(ITestOutputHelper output) : ChargerJournalRestartTests(output), IDisposable
{
    private readonly TempSqliteDatabase _database = new();

    protected override Task<TestDatabase> DatabaseAsync() => Task.FromResult(_database.Database);

    public void Dispose() => _database.Dispose();
}

[Collection(PostgreSqlCollection.Name)]
public sealed class ChargerJournalRestartOnPostgreSqlTests(PostgreSqlFixture postgres, ITestOutputHelper output) : ChargerJournalRestartTests(output)
{
    protected override Task<TestDatabase> DatabaseAsync() => postgres.NewDatabaseAsync("restart");
}
