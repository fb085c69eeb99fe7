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

    private ReadStore NewStore() => new(database!.Options, database.Environment);

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
