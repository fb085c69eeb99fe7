using SmartElek.Actors.ReadSide;
using SmartElek.Actors.Tests.Persistence;
using SmartElek.Charger.Sessions;

namespace SmartElek.Actors.Tests.ReadSide;

/// <summary>The read tables on each provider: exactly-once batches, two projectors at once, the operator's queries.</summary>
public abstract class ReadStoreTests : IAsyncLifetime
{
    private static readonly ChargerId A = new("charger-a");
    private static readonly ChargerId B = new("charger-b");
    private static readonly DateTimeOffset Evening = new(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Nov23 = new(2026, 11, 23);
    private static readonly DateOnly Nov24 = new(2026, 11, 24);

    private ReadStore? store;
    private TestDatabase? database;

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    protected ReadStore Store => store!;

    public async Task InitializeAsync()
    {
        database = await CreateDatabaseAsync();
        store = NewStore();
        await store.EnsureSchemaAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private ReadStore NewStore(NodaTime.DateTimeZone? zone = null) => new(database!.Options, database.Environment, siteZone: zone);

    // Charger A charges from 22:00 to 02:00 (4 h, 1 kWh an hour); B charges 1 h on the 24th, then is reset.
    private static List<JournalledFact> EnergyFacts()
    {
        var facts = new List<ReadSideFact>();
        for (var h = 0; h <= 4; h++) facts.Add(new EnergyReadingFact(A, Evening.AddHours(h), 5000 + 1000 * h));
        facts.Add(new EnergyReadingFact(B, Evening.AddHours(10), 200));
        facts.Add(new EnergyReadingFact(B, Evening.AddHours(11), 2200));
        facts.Add(new RegisterResetFact(B, Evening.AddHours(12)));
        facts.Add(new EnergyReadingFact(B, Evening.AddHours(13), 300));
        return facts.Select((f, i) => new JournalledFact(10 + 3 * i, f)).ToList();
    }

    private static List<JournalledFact> SessionFacts()
    {
        var a = SessionRecordTests.OneSession("s-a", Evening, 5000, 4000, StopReason.EvDisconnected).Select(e => new SessionFact(A, e));
        var b = SessionRecordTests.OneSession("s-b", Evening.AddHours(10), 200, 2000, StopReason.PowerLoss).Select(e => new SessionFact(B, e));
        return a.Concat(b).Select((f, i) => new JournalledFact(i + 1, f)).ToList();
    }

    [Fact]
    public async Task A_batch_is_counted_once_however_often_it_is_applied()
    {
        var facts = EnergyFacts();
        Assert.Equal(facts[^1].Offset, await Store.ApplyAsync(ReadSideProjection.Energy, facts));
        // After a crash the stream is read again from an older offset: overlapping and repeated batches.
        await Store.ApplyAsync(ReadSideProjection.Energy, facts[2..6]);
        await Store.ApplyAsync(ReadSideProjection.Energy, facts);
        await NewStore().ApplyAsync(ReadSideProjection.Energy, facts[^3..]);

        Assert.Equal(facts[^1].Offset, await Store.OffsetAsync(ReadSideProjection.Energy));
        Assert.Equal(0, await Store.OffsetAsync(ReadSideProjection.Sessions));
        var days = await Store.EnergyByChargerAndDayAsync(ReadPeriod.All);
        Assert.Equal(
            [new ChargerDayEnergy(Nov23, A, 5000 + 2000), new ChargerDayEnergy(Nov24, A, 2000), new ChargerDayEnergy(Nov24, B, 200 + 2000 + 300)],
            days);
    }

    [Fact]
    public async Task Batches_in_pieces_give_the_same_tables_as_one_batch()
    {
        var facts = EnergyFacts();
        foreach (var chunk in facts.Chunk(2)) await Store.ApplyAsync(ReadSideProjection.Energy, chunk);
        var site = await Store.EnergyBySiteDayAsync(ReadPeriod.All);
        Assert.Equal([new SiteDayEnergy(Nov23, 7000, 1), new SiteDayEnergy(Nov24, 4500, 2)], site);
    }

    [Fact]
    public async Task Two_projectors_on_one_database_at_once_count_each_event_once()
    {
        var facts = EnergyFacts();
        var sessions = SessionFacts();
        var first = NewStore();
        var second = NewStore();
        // Both nodes read the same journal and race batch by batch.
        await Task.WhenAll(
            Task.Run(async () => { foreach (var c in facts.Chunk(3)) await first.ApplyAsync(ReadSideProjection.Energy, c); }),
            Task.Run(async () => { foreach (var c in facts.Chunk(2)) await second.ApplyAsync(ReadSideProjection.Energy, c); }),
            Task.Run(async () => { foreach (var c in sessions.Chunk(4)) await first.ApplyAsync(ReadSideProjection.Sessions, c); }),
            Task.Run(async () => { foreach (var c in sessions.Chunk(5)) await second.ApplyAsync(ReadSideProjection.Sessions, c); }));

        var totals = await Store.TotalsAsync(ReadPeriod.All, tariffPerKwh: 0.25);
        Assert.Equal(EnergyTotals.Of(11_500, 0.25), totals);
        Assert.Equal(2.875, totals.Cost, 1e-9);
        Assert.Equal(2, (await Store.SessionsAsync(ReadPeriod.All)).Count);
    }

    [Fact]
    public async Task Sessions_are_listed_per_charger_and_per_site_over_a_period()
    {
        await Store.ApplyAsync(ReadSideProjection.Sessions, SessionFacts());

        var site = await Store.SessionsAsync(ReadPeriod.All);
        Assert.Equal(["s-b", "s-a"], site.Select(s => s.SessionId));
        var cut = site[0];
        Assert.Equal(B, cut.Charger);
        Assert.Equal("PowerLoss", cut.StopReason);
        Assert.Equal(2000, cut.EnergyWh);
        Assert.Equal(29.5, cut.PeakAmps);
        Assert.Equal(Evening.AddHours(10), cut.PluggedInAt);

        Assert.Equal(["s-a"], (await Store.SessionsAsync(ReadPeriod.All, A)).Select(s => s.SessionId));
        Assert.Equal(["s-a"], (await Store.SessionsAsync(new ReadPeriod(Nov23, Nov23))).Select(s => s.SessionId));
        Assert.Equal(["s-b"], (await Store.SessionsAsync(new ReadPeriod(Nov24, null))).Select(s => s.SessionId));
        Assert.Empty(await Store.SessionsAsync(new ReadPeriod(Nov24, Nov24), A));
    }

    [Fact]
    public async Task The_same_tables_read_in_another_site_zone_give_that_zones_days_without_re_projecting()
    {
        await Store.ApplyAsync(ReadSideProjection.Energy, EnergyFacts());
        // A charges 22:00-02:00 UTC: 17:00-21:00 in New York (all on the 23rd), 23:00-03:00 in Berlin.
        var newYork = NewStore(NodaTime.DateTimeZoneProviders.Tzdb["America/New_York"]);
        Assert.Equal([new ChargerDayEnergy(Nov23, A, 9000), new ChargerDayEnergy(Nov24, B, 2500)], await newYork.EnergyByChargerAndDayAsync(ReadPeriod.All));
        var berlin = NewStore(NodaTime.DateTimeZoneProviders.Tzdb["Europe/Berlin"]);
        Assert.Equal([new ChargerDayEnergy(Nov23, A, 6000), new ChargerDayEnergy(Nov24, A, 3000), new ChargerDayEnergy(Nov24, B, 2500)],
            await berlin.EnergyByChargerAndDayAsync(ReadPeriod.All));
        // A period is of local days: New York's 24th begins at 05:00 UTC, after A stopped.
        Assert.Empty(await newYork.EnergyByChargerAndDayAsync(new ReadPeriod(Nov24, Nov24), A));
        Assert.Equal(EnergyTotals.Of(3000, 1), await berlin.TotalsAsync(new ReadPeriod(Nov24, Nov24), 1, A));

        await Store.ApplyAsync(ReadSideProjection.Sessions, SessionFacts());
        // s-a plugged in at 22:00 UTC on the 23rd: the 23rd in New York, the 23rd in Berlin too (23:00).
        Assert.Equal(["s-a"], (await newYork.SessionsAsync(new ReadPeriod(Nov23, Nov23))).Select(s => s.SessionId));
        // s-b at 08:00 UTC on the 24th is 03:00 in New York: still the 24th.
        Assert.Equal(["s-b"], (await newYork.SessionsAsync(new ReadPeriod(Nov24, Nov24))).Select(s => s.SessionId));
    }

    [Fact]
    public async Task Where_midnight_happens_twice_a_days_range_selects_the_energy_counted_in_that_day()
    {
        // St John's, 25 October 1987: midnight at 02:30 UTC (NDT), the clock back to 23:01 of the 24th at
        // 02:31, midnight again at 03:30 UTC. A charges 1 kWh an hour from 01:30 to 04:30 UTC.
        var stJohns = NewStore(NodaTime.DateTimeZoneProviders.Tzdb["America/St_Johns"]);
        var from = new DateTimeOffset(1987, 10, 25, 1, 30, 0, TimeSpan.Zero);
        await Store.ApplyAsync(ReadSideProjection.Energy,
            [new JournalledFact(1, new EnergyReadingFact(A, from, 0)), new JournalledFact(2, new EnergyReadingFact(A, from.AddHours(3), 3000))]);
        // The 25th began at the first midnight: the repeated hour is its own, though the clock shows the 24th.
        var (oct24, oct25) = (new DateOnly(1987, 10, 24), new DateOnly(1987, 10, 25));
        var days = await stJohns.EnergyByChargerAndDayAsync(ReadPeriod.All, A);
        Assert.Equal([oct24, oct25], days.Select(d => d.Day));
        Assert.Equal(1000, days[0].EnergyWh, 1e-9);
        Assert.Equal(2000, days[1].EnergyWh, 1e-9);
        // Each day asked for alone gives what it was given in the whole list.
        foreach (var day in days)
            Assert.Equal(day.EnergyWh, Assert.Single(await stJohns.EnergyByChargerAndDayAsync(new ReadPeriod(day.Day, day.Day), A)).EnergyWh, 1e-9);
    }

    [Fact]
    public async Task A_running_session_shows_its_energy_so_far_from_its_newest_durable_reading()
    {
        var start = Evening.AddHours(1);
        await Store.ApplyAsync(ReadSideProjection.Sessions,
        [
            new JournalledFact(1, new SessionFact(A, new SessionEvents.PluggedIn("s-run", start, 1500))),
            new JournalledFact(2, new SessionFact(A, new SessionEvents.Charging("s-run", start.AddMinutes(1)))),
        ]);
        var before = Assert.Single(await Store.SessionsAsync(ReadPeriod.All));
        Assert.True(before.Running);
        Assert.Null(before.EnergyAsOf); // no durable reading yet

        // The energy projection runs apart from the sessions one, in batches of its own.
        await Store.ApplyAsync(ReadSideProjection.Energy, [new JournalledFact(5, new EnergyReadingFact(A, start.AddMinutes(10), 2500, "s-run"))]);
        Assert.Equal(1000, Assert.Single(await Store.SessionsAsync(ReadPeriod.All)).EnergyWh, 1e-9);
        await Store.ApplyAsync(ReadSideProjection.Energy,
        [
            new JournalledFact(6, new EnergyReadingFact(A, start.AddMinutes(30), 4700, "s-run")),
            new JournalledFact(7, new EnergyReadingFact(B, start.AddMinutes(40), 9000, "s-other")),
        ]);
        var running = Assert.Single(await Store.SessionsAsync(ReadPeriod.All, A));
        Assert.True(running.Running);
        Assert.Equal(3200, running.EnergyWh, 1e-9);
        Assert.Equal(start.AddMinutes(30), running.EnergyAsOf);
        Assert.Null(running.StopReason);

        await Store.ApplyAsync(ReadSideProjection.Sessions,
            [new JournalledFact(3, new SessionFact(A, new SessionEvents.Stopped("s-run", start.AddMinutes(45), StopReason.EvDisconnected, 5500, 4000, 20)))]);
        var ended = Assert.Single(await Store.SessionsAsync(ReadPeriod.All, A));
        Assert.False(ended.Running);
        Assert.Equal(4000, ended.EnergyWh);
        Assert.Null(ended.EnergyAsOf);
        Assert.Equal(start.AddMinutes(30), await Store.LatestReadingAsync(A));
        Assert.Equal(start.AddMinutes(40), await Store.LatestReadingAsync());
    }

    [Fact]
    public async Task Energy_queries_keep_to_the_period_and_the_charger()
    {
        await Store.ApplyAsync(ReadSideProjection.Energy, EnergyFacts());
        Assert.Equal([new ChargerDayEnergy(Nov24, A, 2000)], await Store.EnergyByChargerAndDayAsync(new ReadPeriod(Nov24, Nov24), A));
        Assert.Equal([new ChargerDayEnergy(Nov23, A, 7000)], await Store.EnergyByChargerAndDayAsync(new ReadPeriod(null, Nov23)));
        Assert.Equal(EnergyTotals.Of(2500, 0.3), await Store.TotalsAsync(new ReadPeriod(Nov24, Nov24), 0.3, B));
        Assert.Empty(await Store.EnergyByChargerAndDayAsync(new ReadPeriod(Nov24.AddDays(1), null)));
    }
}

public sealed class SqliteReadStoreTests : ReadStoreTests, IDisposable
{
    private readonly TempSqliteDatabase sqlite = new();

    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(sqlite.Database);

    public void Dispose() => sqlite.Dispose();
}

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlReadStoreTests(PostgreSqlFixture postgres) : ReadStoreTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => postgres.NewDatabaseAsync("read");
}
