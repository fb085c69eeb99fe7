using NodaTime;
using SmartElek.Actors.ReadSide;
using SmartElek.Actors.Tests.Persistence;
using SmartElek.Charger.Sessions;
using SmartElek.Tariffs;
using static SmartElek.Charger.Sessions.SessionEvents;

namespace SmartElek.Actors.Tests.ReadSide;

/// <summary>
/// Session costs in the read tables on each provider: each quarter hour at its own price for the driver's group,
/// kept as it was when the energy was projected, whatever tariff or feed comes later.
/// </summary>
public abstract class SessionCostStoreTests : IAsyncLifetime
{
    private static readonly ChargerId A = new("charger-a");
    private static readonly ChargerId B = new("charger-b");
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    // Friday 4 December 2026, 15:30 UTC = 16:30 in Berlin: the evening band (17:00-21:00 local) starts at 16:00 UTC.
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 15, 30, 0, TimeSpan.Zero);

    internal const string Tariffs = """
        { "currency": "EUR", "defaultTariff": "standard",
          "tariffs": {
            "standard": { "seasons": [ { "name": "all year", "from": "01-01", "to": "12-31", "basePerKWh": 0.30,
              "bands": [ { "days": "daily", "from": "17:00", "to": "21:00", "perKWh": 0.45 } ] } ] },
            "residents": { "seasons": [ { "name": "all year", "from": "01-01", "to": "12-31", "basePerKWh": 0.20 } ] },
            "market": { "followsFeed": true, "feedMarkupPerKWh": 0.10, "seasons": [ { "name": "all year", "from": "01-01", "to": "12-31", "basePerKWh": 0.50 } ] } },
          "groups": { "residents": "residents", "fleet": "market" },
          "feed": { "source": "prices.json", "staleAfterHours": 36 } }
        """;

    private sealed class Groups(Dictionary<string, string> byName) : ISessionGroups
    {
        public Task<string?> GroupOfAsync(ChargerId charger, string? authorisedBy, CancellationToken cancel) =>
            Task.FromResult(authorisedBy is not null && byName.TryGetValue(authorisedBy, out var g) ? g : null);
    }

    private TestDatabase database = null!;
    private readonly LiveTariffs live = new(TariffConfiguration.Parse(Tariffs));
    private ReadStore store = null!;
    private long offset;

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        database = await CreateDatabaseAsync();
        var pricing = new SessionPricing(live, new Groups(new() { ["rita"] = "residents", ["fred"] = "fleet" }), Berlin);
        store = new ReadStore(database.Options, database.Environment, pricing: pricing);
        await store.EnsureSchemaAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private Task Sessions(ChargerId charger, params ISessionEvent[] events) =>
        store.ApplyAsync(ReadSideProjection.Sessions, [.. events.Select(e => new JournalledFact(++offset, new SessionFact(charger, e)))]);

    private Task Readings(ChargerId charger, string session, params (DateTimeOffset At, double Wh)[] readings) =>
        store.ApplyAsync(ReadSideProjection.Energy, [.. readings.Select(r => new JournalledFact(++offset, new EnergyReadingFact(charger, r.At, r.Wh, session)))]);

    private async Task<SessionRecord> Session(ChargerId charger, string id) =>
        Assert.Single(await store.SessionsAsync(ReadPeriod.All, charger), s => s.SessionId == id);

    // 1 kWh in each quarter hour from 15:30 to 16:15 UTC: two at the base price, one in the evening band.
    private async Task ChargeAcrossTheBandAsync(ChargerId charger, string id, DateTimeOffset t0, string by)
    {
        await Sessions(charger, new PluggedIn(id, t0, 1000), new Authorised(id, t0.AddSeconds(1), by), new Charging(id, t0.AddSeconds(2)));
        await Readings(charger, id, (t0.AddMinutes(15), 2000), (t0.AddMinutes(30), 3000), (t0.AddMinutes(45), 4000));
    }

    [Fact]
    public async Task A_session_across_a_band_change_costs_each_quarter_hour_at_its_own_price_and_keeps_it_when_the_tariff_changes()
    {
        await ChargeAcrossTheBandAsync(A, "s-1", T0, "auto-start");
        var running = await Session(A, "s-1");
        Assert.True(running.Running);
        Assert.Equal(0.30 + 0.30 + 0.45, running.Cost!.Amount, 9);
        Assert.Equal(("EUR", "standard", (string?)null), (running.Cost.Currency, running.Cost.Tariff, running.Cost.DriverGroup));

        var quarters = await store.CostQuartersAsync(A, "s-1");
        Assert.Equal([0.30, 0.30, 0.45], quarters.Select(q => q.PerKWh!.Value));
        Assert.Equal([T0, T0.AddMinutes(15), T0.AddMinutes(30)], quarters.Select(q => q.Start));
        Assert.Contains("17:00-21:00", quarters[2].Words);
        Assert.Contains("base", quarters[0].Words);

        // Stopped 5 minutes after its last reading: the last 500 Wh are priced in the quarter hour it stopped in (the band).
        await Sessions(A, new Stopped("s-1", T0.AddMinutes(50), StopReason.Local, 4500, 3500, 16));
        var ended = await Session(A, "s-1");
        Assert.False(ended.Running);
        var kept = 0.30 + 0.30 + 0.45 + 0.5 * 0.45;
        Assert.Equal(kept, ended.Cost!.Amount, 9);
        Assert.Equal(3500, ended.Cost.PricedWh, 9);

        // A new tariff file doubles every price: the ended session keeps its cost; a later session pays the new prices.
        live.Replace(TariffConfiguration.Parse(Tariffs.Replace("0.30", "0.60").Replace("0.45", "0.90")));
        Assert.Equal(kept, (await Session(A, "s-1")).Cost!.Amount, 9);
        await ChargeAcrossTheBandAsync(B, "s-2", T0.AddDays(7), "auto-start");
        Assert.Equal(0.60 + 0.60 + 0.90, (await Session(B, "s-2")).Cost!.Amount, 9);
        Assert.Equal(kept, (await Session(A, "s-1")).Cost!.Amount, 9);
    }

    [Fact]
    public async Task A_driver_s_group_chooses_the_tariff_a_session_pays()
    {
        await ChargeAcrossTheBandAsync(A, "s-rita", T0, "rita");
        var rita = await Session(A, "s-rita");
        Assert.Equal(("residents", "residents"), (rita.Cost!.Tariff, rita.Cost.DriverGroup));
        Assert.Equal(3 * 0.20, rita.Cost.Amount, 9);
        // Someone without a group pays the default, band and all.
        await ChargeAcrossTheBandAsync(B, "s-guest", T0, "ocpp:UNKNOWN");
        Assert.Equal(1.05, (await Session(B, "s-guest")).Cost!.Amount, 9);
    }

    [Fact]
    public async Task Day_ahead_prices_are_those_in_force_at_the_time_of_the_energy_not_those_of_a_later_fetch()
    {
        static DayAheadPrices Feed(double perKWh, DateTimeOffset fetchedAt) => DayAheadPrices.ParseJson(
            $$"""{"prices":[{"start":"2026-12-04T16:30:00+01:00","minutes":60,"pricePerKWh":{{perKWh.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}]}""",
            Instant.FromDateTimeOffset(fetchedAt));
        live.Replace(live.Current!.WithFeed(Feed(0.05, T0.AddHours(-12))));
        await ChargeAcrossTheBandAsync(A, "s-fleet", T0, "fred");
        // The feed covers 15:30-16:30 UTC: 0.05 + 0.10 markup in each quarter hour.
        var fleet = await Session(A, "s-fleet");
        Assert.Equal(("market", "fleet"), (fleet.Cost!.Tariff, fleet.Cost.DriverGroup));
        Assert.Equal(3 * 0.15, fleet.Cost.Amount, 9);
        Assert.Contains("day-ahead 0.05", (await store.CostQuartersAsync(A, "s-fleet"))[0].Words);

        // A later fetch says something else about the same hour: what was kept stays.
        live.Replace(live.Current!.WithFeed(Feed(0.80, T0.AddHours(1))));
        await Sessions(A, new Stopped("s-fleet", T0.AddMinutes(45), StopReason.Local, 4000, 3000, 16));
        Assert.Equal(3 * 0.15, (await Session(A, "s-fleet")).Cost!.Amount, 9);
        // Energy of those same quarter hours projected after the new fetch (another charger's, late) is priced as they were
        // then, and does not reprice what was kept.
        await ChargeAcrossTheBandAsync(B, "s-fleet-2", T0, "fred");
        Assert.Equal(3 * 0.15, (await Session(B, "s-fleet-2")).Cost!.Amount, 9);
        Assert.Equal(3 * 0.15, (await Session(A, "s-fleet")).Cost!.Amount, 9);
    }

    [Fact]
    public async Task A_database_from_before_session_costs_stays_readable_and_a_store_without_tariffs_keeps_no_cost()
    {
        // A database of the version before: its read tables without the cost tables, a session in them.
        var plain = new ReadStore(database.Options, database.Environment);
        await plain.ApplyAsync(ReadSideProjection.Sessions, [new JournalledFact(1, new SessionFact(A, new PluggedIn("s-old", T0, 0)))]);
        await plain.ApplyAsync(ReadSideProjection.Energy, [new JournalledFact(2, new EnergyReadingFact(A, T0.AddMinutes(15), 1000, "s-old"))]);
        await using (var connection = SmartElek.Actors.Persistence.Sql.Connection(database.Options.Provider, database.Options.ConnectionString(database.Environment)))
        {
            await connection.OpenAsync();
            foreach (var table in new[] { "read_session_tariffs", "read_session_quarters", "read_quarter_prices" })
                SmartElek.Actors.Persistence.Sql.Execute(connection, $"DROP TABLE {table}");
        }

        // This version starts on it: the schema is completed, the old session is read as it was, without a cost.
        await store.EnsureSchemaAsync();
        var old = await Session(A, "s-old");
        Assert.Null(old.Cost);
        Assert.Equal(1000, old.EnergyWh, 9);
        Assert.Empty(await store.CostQuartersAsync(A, "s-old"));
        // A session the pricing store projects from then on has its cost.
        offset = 2;
        await ChargeAcrossTheBandAsync(B, "s-new", T0, "auto-start");
        Assert.Equal(1.05, (await Session(B, "s-new")).Cost!.Amount, 9);
    }
}

public sealed class SqliteSessionCostStoreTests : SessionCostStoreTests, IDisposable
{
    private readonly TempSqliteDatabase sqlite = new();

    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(sqlite.Database);

    public void Dispose() => sqlite.Dispose();
}

[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlSessionCostStoreTests(PostgreSqlFixture postgres) : SessionCostStoreTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => postgres.NewDatabaseAsync("cost");
}
