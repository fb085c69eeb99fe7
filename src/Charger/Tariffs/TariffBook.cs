using NodaTime;

namespace SmartElek.Tariffs;

/// <summary>Where the day-ahead prices come from and when they count as stale.</summary>
public sealed record FeedSettings(string Source, string Format, Duration Refresh, Duration StaleAfter);

/// <summary>A tariff as a driver group pays it: its time-of-use seasons, and whether it follows the day-ahead feed.</summary>
public sealed record GroupTariff(TimeOfUseTariff TimeOfUse, bool FollowsFeed, double FeedMarkupPerKWh);

/// <summary>
/// Every tariff of the site, which group pays which, and the last day-ahead prices fetched.
/// Immutable: a new fetch gives a new book (<see cref="WithFeed"/>). A tariff that follows the feed
/// pays the feed's price plus its markup while the fetch is fresh and covers the instant, and its
/// time-of-use price otherwise (the source of every <see cref="Price"/> says which).
/// </summary>
public sealed class TariffBook(
    string currency,
    string defaultTariff,
    IReadOnlyDictionary<string, GroupTariff> tariffs,
    IReadOnlyDictionary<string, string> groups,
    FeedSettings? feed,
    DayAheadPrices? dayAhead = null)
{
    public string Currency { get; } = currency;
    public string DefaultTariff { get; } = defaultTariff;
    public IReadOnlyDictionary<string, GroupTariff> Tariffs { get; } = tariffs;
    public IReadOnlyDictionary<string, string> Groups { get; } = groups;
    public FeedSettings? Feed { get; } = feed;
    public DayAheadPrices? DayAhead { get; } = dayAhead;

    public TariffBook WithFeed(DayAheadPrices prices) => new(Currency, DefaultTariff, Tariffs, Groups, Feed, prices);

    /// <summary>The tariff a driver group pays; a driver without a group, or an unknown group, pays the default.</summary>
    public GroupTariff TariffOf(string? group) =>
        Tariffs[group is not null && Groups.TryGetValue(group, out var name) ? name : DefaultTariff];

    /// <summary>
    /// The price of energy taken in the quarter hour of UTC that holds <paramref name="at"/>, as known at
    /// <paramref name="now"/> (quarter hours are the unit of prices: feeds give 15 or 60 minutes, bands lie on quarter hours).
    /// </summary>
    public Price PriceAt(string? group, Instant at, Instant now, DateTimeZone zone)
    {
        var tariff = TariffOf(group);
        if (tariff.FollowsFeed && Feed is not null && DayAhead?.PriceAt(at, now, Feed.StaleAfter) is { } market)
            return new Price(market + tariff.FeedMarkupPerKWh,
                $"tariff '{tariff.TimeOfUse.Name}', day-ahead {TariffConfiguration.Format(market)} + {TariffConfiguration.Format(tariff.FeedMarkupPerKWh)}");
        return tariff.TimeOfUse.PriceOver(SessionCost.QuarterOf(at), SessionCost.QuarterHour, zone);
    }

    /// <summary>Prices of consecutive slots from <paramref name="start"/>, as known at <paramref name="now"/> (the planner's price curve).</summary>
    public double[] Curve(string? group, Instant start, Duration slot, int count, Instant now, DateTimeZone zone)
    {
        var curve = new double[count];
        for (var i = 0; i < count; i++) curve[i] = PriceAt(group, start + slot * i, now, zone).PerKWh;
        return curve;
    }
}

/// <summary>The energy of one quarter hour of a session, priced.</summary>
public readonly record struct CostLine(Instant Start, double EnergyKWh, Price Price)
{
    public double Cost => EnergyKWh * Price.PerKWh;
}

/// <summary>
/// The cost of a session: each quarter hour of UTC of its energy at the price in force then for the
/// driver's group (quarter hours never straddle two local bands: bands lie on quarter hours, and every
/// zone's offset is a whole number of quarter hours).
/// </summary>
public static class SessionCost
{
    public static readonly Duration QuarterHour = Duration.FromMinutes(15);

    public static Instant QuarterOf(Instant at) =>
        Instant.FromUnixTimeTicks(at.ToUnixTimeTicks() - Mod(at.ToUnixTimeTicks(), QuarterHour.BclCompatibleTicks));

    static long Mod(long a, long m) => ((a % m) + m) % m;

    /// <summary>
    /// Prices the energy register's readings (instant, kWh so far, in time order): the energy between
    /// two readings is spread evenly over the time between them and counted in each quarter hour it falls in.
    /// </summary>
    public static IReadOnlyList<CostLine> Of(IReadOnlyList<(Instant At, double RegisterKWh)> readings, string? group,
        TariffBook book, Instant now, DateTimeZone zone)
    {
        var perQuarter = new SortedDictionary<Instant, double>();
        for (var i = 1; i < readings.Count; i++)
        {
            var (a, ea) = readings[i - 1];
            var (b, eb) = readings[i];
            var energy = eb - ea;
            if (b <= a || energy <= 0) continue;
            var total = (b - a).TotalTicks;
            for (var q = QuarterOf(a); q < b; q += QuarterHour)
            {
                var from = q < a ? a : q;
                var to = q + QuarterHour > b ? b : q + QuarterHour;
                if (to <= from) continue;
                perQuarter[q] = perQuarter.GetValueOrDefault(q) + energy * ((to - from).TotalTicks / total);
            }
        }
        return [.. perQuarter.Select(p => new CostLine(p.Key, p.Value, book.PriceAt(group, p.Key, now, zone)))];
    }
}
