using NodaTime;
using SmartElek.Planning;
using SmartElek.Tariffs;

namespace SmartElek.Charger.Tests.Tariffs;

public class TariffTests
{
    static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    static string RepoFile(string relative)
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "SmartElek.Site.sln"))) dir = Path.GetDirectoryName(dir)!;
        return Path.Combine(dir, relative);
    }

    static TariffBook Shipped() => TariffConfiguration.Parse(File.ReadAllText(RepoFile("config/tariffs.json")));

    static Instant Local(int y, int m, int d, int h, int min, DateTimeZone zone) => SiteClock.Earliest(new LocalDateTime(y, m, d, h, min), zone);

    [Fact]
    public void The_shipped_tariffs_price_by_season_weekday_and_time_of_day_and_by_driver_group()
    {
        var book = Shipped();
        var now = Local(2026, 12, 4, 12, 0, Berlin);
        // Friday 4 December 2026 (winter): night, day, weekday evening peak; Saturday evening is not a peak.
        Assert.Equal(0.19, book.PriceAt(null, Local(2026, 12, 4, 3, 0, Berlin), now, Berlin).PerKWh);
        Assert.Equal(0.32, book.PriceAt(null, Local(2026, 12, 4, 12, 0, Berlin), now, Berlin).PerKWh);
        Assert.Equal(0.45, book.PriceAt("guests", Local(2026, 12, 4, 17, 0, Berlin), now, Berlin).PerKWh);
        Assert.Equal(0.32, book.PriceAt("guests", Local(2026, 12, 4, 21, 0, Berlin), now, Berlin).PerKWh);
        Assert.Equal(0.32, book.PriceAt(null, Local(2026, 12, 5, 18, 0, Berlin), now, Berlin).PerKWh);
        // Summer midday is the cheapest; residents pay their own tariff; an unknown group pays the default.
        Assert.Equal(0.16, book.PriceAt(null, Local(2026, 7, 1, 12, 0, Berlin), now, Berlin).PerKWh);
        Assert.Equal(0.15, book.PriceAt("residents", Local(2026, 7, 1, 23, 0, Berlin), now, Berlin).PerKWh);
        Assert.Equal(0.24, book.PriceAt("residents", Local(2026, 7, 1, 12, 0, Berlin), now, Berlin).PerKWh);
        Assert.Equal(0.16, book.PriceAt("nobody", Local(2026, 7, 1, 12, 0, Berlin), now, Berlin).PerKWh);
        // The winter season wraps the new year and ends on 03-31 included.
        Assert.Equal("winter", book.Tariffs["standard"].TimeOfUse.SeasonOf(new LocalDate(2027, 3, 31)).Name);
        Assert.Equal("summer", book.Tariffs["standard"].TimeOfUse.SeasonOf(new LocalDate(2027, 4, 1)).Name);
        Assert.Contains("Mon,Tue,Wed,Thu,Fri 17:00-21:00", book.PriceAt(null, Local(2026, 12, 4, 17, 0, Berlin), now, Berlin).Source);
    }

    const string Minimal = """
        { "tariffs": { "t": { "seasons": [ { "from": "01-01", "to": "12-31", "basePerKWh": 0.3,
          "bands": [ { "days": "Mon-Fri", "from": "08:00", "to": "12:00", "perKWh": 0.4 } ] } ] } } }
        """;

    [Theory]
    [InlineData("\"to\": \"12-31\"", "\"to\": \"12-30\"", "$.tariffs.t.seasons", "no season covers 12-31")]
    [InlineData("\"from\": \"08:00\"", "\"from\": \"08:10\"", "$.tariffs.t.seasons[0].bands[0].from", "not on a quarter hour")]
    [InlineData("\"to\": \"12:00\"", "\"to\": \"07:00\"", "$.tariffs.t.seasons[0].bands[0].to", "two bands")]
    [InlineData("\"Mon-Fri\"", "\"Mon-Fryday\"", "$.tariffs.t.seasons[0].bands[0].days", "not a weekday")]
    [InlineData("\"perKWh\": 0.4 }", "\"perKWh\": 0.4 }, { \"days\": \"Fri\", \"from\": \"11:45\", \"to\": \"13:00\", \"perKWh\": 0.1 }", "$.tariffs.t.seasons[0].bands[1]", "overlaps")]
    [InlineData("\"basePerKWh\": 0.3,", "", "$.tariffs.t.seasons[0].basePerKWh", "needed")]
    [InlineData("} } }", "} }, \"groups\": { \"fleet\": \"cheap\" } }", "$.groups.fleet", "no tariff named 'cheap'")]
    [InlineData("\"seasons\"", "\"followsFeed\": true, \"seasons\"", "$.tariffs.t.followsFeed", "$.feed")]
    [InlineData("\"from\": \"01-01\"", "\"from\": \"02-30\"", "$.tariffs.t.seasons[0].from", "MM-dd")]
    public void A_bad_tariff_is_refused_naming_its_key(string find, string replace, string key, string problem)
    {
        Assert.Equal(0.4, TariffConfiguration.Parse(Minimal).Tariffs["t"].TimeOfUse.PriceAt(new LocalDateTime(2026, 12, 4, 9, 0)).PerKWh);
        var bad = Minimal.Replace(find, replace);
        Assert.NotEqual(Minimal, bad);
        var e = Assert.Throws<TariffConfigException>(() => TariffConfiguration.Parse(bad));
        Assert.Equal(key, e.Key);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void An_unknown_key_is_refused_naming_it()
    {
        var e = Assert.Throws<TariffConfigException>(() => TariffConfiguration.Parse(Minimal.Replace("\"basePerKWh\"", "\"basePrice\": 1, \"basePerKWh\"")));
        Assert.Contains("basePrice", e.Message);
    }

    const string WithFeed = """
        { "tariffs": { "dynamic": { "followsFeed": true, "feedMarkupPerKWh": 0.1,
            "seasons": [ { "from": "01-01", "to": "12-31", "basePerKWh": 0.3 } ] } },
          "feed": { "source": "prices.json", "staleAfterHours": 24 } }
        """;

    [Fact]
    public void A_tariff_that_follows_the_feed_pays_feed_plus_markup_while_fresh_and_its_seasons_when_stale_or_uncovered()
    {
        var fetched = Instant.FromUtc(2026, 12, 4, 12, 0);
        var json = """{"prices":[{"start":"2026-12-05T00:00:00+01:00","minutes":60,"pricePerKWh":0.05},{"start":"2026-12-05T01:00:00+01:00","minutes":15,"pricePerKWh":-0.02}]}""";
        var book = TariffConfiguration.Parse(WithFeed).WithFeed(DayAheadPrices.ParseJson(json, fetched));
        var at = Instant.FromUtc(2026, 12, 4, 23, 30); // 00:30 in Berlin
        Assert.Equal(0.15, book.PriceAt(null, at, fetched, Berlin).PerKWh, 9);
        Assert.Contains("day-ahead", book.PriceAt(null, at, fetched, Berlin).Source);
        Assert.Equal(0.08, book.PriceAt(null, Instant.FromUtc(2026, 12, 5, 0, 10), fetched, Berlin).PerKWh, 9);
        // Not covered (01:15 local): the seasons' price.
        Assert.Equal(0.3, book.PriceAt(null, Instant.FromUtc(2026, 12, 5, 0, 15), fetched, Berlin).PerKWh, 9);
        // Stale: 24 h after the fetch the feed no longer counts.
        Assert.Equal(0.15, book.PriceAt(null, at, fetched + Duration.FromHours(24), Berlin).PerKWh, 9);
        Assert.Equal(0.3, book.PriceAt(null, at, fetched + Duration.FromHours(24) + Duration.FromSeconds(1), Berlin).PerKWh, 9);
    }

    [Fact]
    public void The_csv_feed_reads_like_the_json_one()
    {
        var fetched = Instant.FromUtc(2026, 12, 4, 12, 0);
        var csv = "start,minutes,pricePerKWh\n2026-12-05T00:00:00+01:00,15,0.1\n# a comment\n2026-12-04T23:15:00Z,15,0.2\n";
        var prices = DayAheadPrices.ParseCsv(csv, fetched);
        Assert.Equal([0.1, 0.2], prices.Prices.Select(p => p.PerKWh));
        Assert.Equal(0.2, prices.PriceAt(Instant.FromUtc(2026, 12, 4, 23, 20), fetched, Duration.FromHours(1)));
        Assert.Null(prices.PriceAt(Instant.FromUtc(2026, 12, 4, 23, 30), fetched, Duration.FromHours(1)));
    }

    [Theory]
    [InlineData("start,minutes,pricePerKWh\n2026-12-05T00:00:00+01:00,30,0.1\n", "line 2", "15 or 60")]
    [InlineData("start,minutes,pricePerKWh\n2026-12-05T00:05:00+01:00,15,0.1\n", "line 2", "quarter hour")]
    [InlineData("start,minutes,pricePerKWh\n2026-12-05T00:00:00+01:00,60,0.1\n2026-12-05T00:30:00+01:00,15,0.1\n", "line 3", "overlaps")]
    [InlineData("start,minutes,pricePerKWh\n5 Dec,15,0.1\n", "line 2", "ISO-8601")]
    [InlineData("time,price\n", "line 1", "header")]
    [InlineData("start,minutes,pricePerKWh\n2026-12-05T00:00:00+01:00,15,cheap\n", "line 2", "pricePerKWh")]
    public void A_bad_csv_feed_is_refused_naming_the_line(string csv, string where, string problem)
    {
        var e = Assert.Throws<PriceFeedException>(() => DayAheadPrices.ParseCsv(csv, Instant.FromUtc(2026, 12, 4, 0, 0)));
        Assert.Equal(where, e.Where);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void A_bad_json_feed_is_refused_naming_the_entry()
    {
        var e = Assert.Throws<PriceFeedException>(() => DayAheadPrices.ParseJson(
            """{"prices":[{"start":"2026-12-05T00:00:00Z","minutes":15,"pricePerKWh":0.1},{"start":"2026-12-05T00:15:00Z","minutes":15}]}""", Instant.FromUtc(2026, 12, 4, 0, 0)));
        Assert.Equal("$.prices[1]", e.Where);
    }

    [Fact]
    public void A_session_costs_each_quarter_hour_of_its_energy_at_the_price_then()
    {
        var book = Shipped();
        var zone = Berlin;
        // Friday 4 Dec 2026, 16:50 to 17:10 local at a steady 11 kW: 10 minutes at 0.32, 10 at the peak's 0.45.
        var start = Local(2026, 12, 4, 16, 50, zone);
        var readings = new List<(Instant, double)> { (start, 100), (start + Duration.FromMinutes(20), 100 + 11.0 / 3) };
        var lines = SessionCost.Of(readings, null, book, start, zone);
        Assert.Equal(2, lines.Count);
        Assert.Equal(11.0 / 3, lines.Sum(l => l.EnergyKWh), 9);
        Assert.Equal(11.0 / 6 * 0.32 + 11.0 / 6 * 0.45, lines.Sum(l => l.Cost), 9);
        // Residents pay their own tariff for the same energy.
        Assert.Equal(11.0 / 3 * 0.24, SessionCost.Of(readings, "residents", book, start, zone).Sum(l => l.Cost), 9);
    }
}
