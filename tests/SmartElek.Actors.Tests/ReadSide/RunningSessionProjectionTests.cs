using Akka.Actor;
using SmartElek.Actors.Charger;
using SmartElek.Actors.ReadSide;
using SmartElek.Actors.Tests.Persistence;
using SmartElek.Charger.Journal;
using SmartElek.Charger.Sessions;
using static SmartElek.Charger.Sessions.SessionEvents;

namespace SmartElek.Actors.Tests.ReadSide;

/// <summary>
/// A session still charging, through the real charger journal and both projectors, on each provider:
/// the read side shows it running with the energy of its newest durable reading, and today's energy
/// so far in the site's days; once it stops, its final energy.
/// </summary>
public abstract class RunningSessionProjectionTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(40);
    private static readonly ChargerId Charger = new("run-1");
    private static readonly ReadSideProjectorSettings Fast = ReadSideProjectorSettings.Default with { BatchWindow = TimeSpan.FromMilliseconds(100) };
    private static readonly NodaTime.DateTimeZone Berlin = NodaTime.DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    private TestDatabase database = null!;
    private ActorSystem? system;

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    private ReadStore Store(NodaTime.DateTimeZone? zone = null) => new(database.Options, database.Environment, siteZone: zone);

    public async Task InitializeAsync()
    {
        database = await CreateDatabaseAsync();
        await Store().EnsureSchemaAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (system is not null) await system.Terminate();
    }

    private static Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, string what) =>
        ReadSideWait.Until(read, done, what, Timeout);

    [Fact]
    public async Task A_running_session_shows_its_energy_so_far_and_today_holds_it_until_it_stops()
    {
        system = ActorSystem.Create("running-session", database.Config());
        var journal = system.ActorOf(ChargerJournal.GuardProps(Charger, new ChargerJournalSettings()), "journal");
        foreach (var p in ReadSideProjection.All) system.ActorOf(ReadSideProjector.Props(Store(), p, Fast), "read-" + p.Name);

        // Today in Berlin, started 40 minutes ago: the readings are of now, as a charging unit writes them.
        var now = DateTimeOffset.UtcNow; // whole seconds: the tables keep milliseconds
        var t0 = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddMinutes(-40);
        await journal.Ask<ChargerJournalProtocol.Recovered>(new ChargerJournalProtocol.PowerUp(t0), Timeout);
        journal.Tell(new ChargerJournalProtocol.Record(
        [
            new PluggedIn("s-1", t0, 2000), new ChargerJournalEvents.EnergyRecorded(Charger, t0, 2000, "s-1"), new Charging("s-1", t0.AddSeconds(5)),
            new ChargerJournalEvents.EnergyRecorded(Charger, t0.AddMinutes(10), 3200, "s-1"),
            new ChargerJournalEvents.EnergyRecorded(Charger, t0.AddMinutes(20), 4400, "s-1"),
        ]));

        var running = (await Eventually(() => Store().SessionsAsync(ReadPeriod.All, Charger),
            s => s.Count == 1 && s[0].EnergyAsOf == t0.AddMinutes(20), "the running session at its newest reading"))[0];
        Assert.True(running.Running);
        Assert.Null(running.StopReason);
        Assert.Equal(2400, running.EnergyWh, 1e-6);

        // Today's energy so far, in the site's days: the register's growth up to the newest reading.
        var today = LocalDays.DayOf(DateTimeOffset.UtcNow, Berlin);
        var days = await Store(Berlin).EnergyByChargerAndDayAsync(new ReadPeriod(today.AddDays(-1), today), Charger);
        Assert.Equal(4400, days.Sum(d => d.EnergyWh), 1e-6); // the first reading counts the register from 0
        Assert.Equal(t0.AddMinutes(20), await Store().LatestReadingAsync(Charger));

        journal.Tell(new ChargerJournalProtocol.Record(
        [
            new ChargerJournalEvents.EnergyRecorded(Charger, t0.AddMinutes(30), 5000, "s-1"),
            new Stopped("s-1", t0.AddMinutes(30), StopReason.Local, 5000, 3000, 24),
        ]));
        var ended = (await Eventually(() => Store().SessionsAsync(ReadPeriod.All, Charger), s => s.Count == 1 && !s[0].Running, "the session stopped"))[0];
        Assert.Equal(("Local", 3000.0), (ended.StopReason, ended.EnergyWh));
        Assert.Null(ended.EnergyAsOf);
        await Eventually(() => Store(Berlin).TotalsAsync(new ReadPeriod(today.AddDays(-1), today), 1, Charger), t => t.EnergyWh >= 5000 - 1e-6, "5 kWh today");
    }
}

public sealed class SqliteRunningSessionProjectionTests : RunningSessionProjectionTests, IDisposable
{
    private readonly TempSqliteDatabase sqlite = new();

    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(sqlite.Database);

    public void Dispose() => sqlite.Dispose();
}

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlRunningSessionProjectionTests(PostgreSqlFixture postgres) : RunningSessionProjectionTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => postgres.NewDatabaseAsync("running");
}
