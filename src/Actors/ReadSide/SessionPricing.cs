using NodaTime;
using SmartElek.Tariffs;

namespace SmartElek.Actors.ReadSide;

/// <summary>
/// The driver group of a session on a charger, from who authorised it (a user's name, or <c>ocpp:</c> and the
/// idTag the driver presented) or, when that names no driver (auto-start), the driver the charger is assigned to:
/// the one rule the site's budgets and plans follow too. The seam between the read side and the users (the
/// Operator knows who has which group); null answers "no group": the default tariff.
/// </summary>
public interface ISessionGroups
{
    Task<string?> GroupOfAsync(ChargerId charger, string? authorisedBy, CancellationToken cancel);
}

/// <summary>Nobody has a group: every session pays the default tariff (until the Operator plugs in the users' groups).</summary>
public sealed class NoSessionGroups : ISessionGroups
{
    public static readonly NoSessionGroups Instance = new();

    private NoSessionGroups() { }

    public Task<string?> GroupOfAsync(ChargerId charger, string? authorisedBy, CancellationToken cancel) => Task.FromResult<string?>(null);
}

/// <summary>
/// What the read side prices sessions with: the node's current tariff book, the drivers' groups and the
/// site's zone (the tariffs' bands are on its wall clock). No book: nothing is priced.
/// </summary>
public sealed class SessionPricing(LiveTariffs tariffs, ISessionGroups groups, DateTimeZone zone)
{
    public ISessionGroups Groups { get; } = groups;
    public DateTimeZone Zone { get; } = zone;
    public TariffBook? Book => tariffs.Current;
}

/// <summary>The tariff a session pays, fixed when it is plugged in (the default) and when it is authorised (its driver's group).</summary>
public sealed record SessionTariff(string Tariff, string? DriverGroup, string Currency);

/// <summary>One tariff's price of one quarter hour of UTC, as it was in force when energy was first taken in it.</summary>
public sealed record QuarterPrice(string Tariff, DateTimeOffset QuarterStart, double PerKWh, string Currency, string Words);

/// <summary>Prices by tariff name. Pure.</summary>
public static class TariffPrices
{
    private static readonly IReadOnlyDictionary<string, string> NoGroups = new Dictionary<string, string>();

    /// <summary>The tariff a driver of <paramref name="group"/> pays under <paramref name="book"/>.</summary>
    public static SessionTariff TariffOf(TariffBook book, string? group) =>
        new(book.TariffOf(group).TimeOfUse.Name, group, book.Currency);

    /// <summary>
    /// The price of tariff <paramref name="tariff"/> in the quarter hour holding <paramref name="at"/>, as known at
    /// <paramref name="now"/>: the book's own rule (feed while fresh, else time of use), asked as of a book whose
    /// default is that tariff. A tariff the book no longer has: null.
    /// </summary>
    public static Price? PriceOf(TariffBook book, string tariff, Instant at, Instant now, DateTimeZone zone) =>
        book.Tariffs.ContainsKey(tariff)
            ? new TariffBook(book.Currency, tariff, book.Tariffs, NoGroups, book.Feed, book.DayAhead).PriceAt(null, at, now, zone)
            : null;

    /// <summary>
    /// Every tariff's price of the quarter hour from <paramref name="quarterStart"/>, as known at <paramref name="now"/>
    /// (the time of the energy: a day-ahead price counts if the feed was fresh then).
    /// </summary>
    public static IEnumerable<QuarterPrice> Of(TariffBook book, DateTimeOffset quarterStart, DateTimeOffset now, DateTimeZone zone)
    {
        var at = Instant.FromDateTimeOffset(quarterStart);
        var known = Instant.FromDateTimeOffset(now);
        foreach (var name in book.Tariffs.Keys.Order(StringComparer.Ordinal))
            if (PriceOf(book, name, at, known, zone) is { } p)
                yield return new QuarterPrice(name, quarterStart, p.PerKWh, book.Currency, p.Source);
    }
}

/// <summary>
/// The cost kept with a session: its energy by quarter hour, each at its tariff's price kept for that
/// quarter hour. <see cref="UnpricedWh"/>: energy of quarter hours without a kept price (taken while the site
/// had no tariffs, or under a tariff since removed); it costs nothing here and is said so.
/// </summary>
public sealed record KeptCost(double Amount, string Currency, string Tariff, string? DriverGroup, double PricedWh, double UnpricedWh)
{
    /// <summary>
    /// The session's cost from its priced quarter hours. An ended session's energy beyond its quarter hours (the
    /// last moments before it stopped, after its last durable reading: at most one reading interval) is priced
    /// at its tariff's price of the quarter hour it stopped in.
    /// </summary>
    public static KeptCost Of(SessionTariff tariff, double pricedWh, double amount, double unpricedWh, double sessionEnergyWh, bool running, double? endPerKWh)
    {
        var tail = running ? 0 : sessionEnergyWh - pricedWh - unpricedWh;
        if (tail > 1e-6)
        {
            if (endPerKWh is { } price)
            {
                amount += tail / 1000 * price;
                pricedWh += tail;
            }
            else unpricedWh += tail;
        }
        return new KeptCost(amount, tariff.Currency, tariff.Tariff, tariff.DriverGroup, pricedWh, unpricedWh);
    }
}
