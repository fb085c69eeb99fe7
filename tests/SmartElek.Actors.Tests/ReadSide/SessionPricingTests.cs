using NodaTime;
using SmartElek.Actors.ReadSide;
using SmartElek.Tariffs;

namespace SmartElek.Actors.Tests.ReadSide;

/// <summary>Prices by tariff name and the kept cost of a session: pure.</summary>
public sealed class SessionPricingTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private static readonly TariffBook Book = TariffConfiguration.Parse(SessionCostStoreTests.Tariffs);
    private static readonly SessionTariff Standard = new("standard", null, "EUR");

    [Fact]
    public void Every_tariff_is_priced_for_a_quarter_hour_as_its_groups_pay_it()
    {
        var quarter = new DateTimeOffset(2026, 12, 4, 16, 0, 0, TimeSpan.Zero); // 17:00 in Berlin: the evening band
        var prices = TariffPrices.Of(Book, quarter, quarter, Berlin).ToDictionary(p => p.Tariff);
        Assert.Equal(["market", "residents", "standard"], prices.Keys.Order());
        foreach (var (group, tariff) in new[] { ((string?)null, "standard"), ("residents", "residents"), ("fleet", "market"), ("nobody", "standard") })
        {
            Assert.Equal(Book.PriceAt(group, Instant.FromDateTimeOffset(quarter), Instant.FromDateTimeOffset(quarter), Berlin).PerKWh, prices[tariff].PerKWh);
            Assert.Equal(tariff, TariffPrices.TariffOf(Book, group).Tariff);
        }
        Assert.Equal(0.45, prices["standard"].PerKWh);
        // The feed's tariff without a fresh feed: its seasons' price, and the words say so.
        Assert.Equal(0.50, prices["market"].PerKWh);
        Assert.Null(TariffPrices.PriceOf(Book, "gone", Instant.FromDateTimeOffset(quarter), Instant.FromDateTimeOffset(quarter), Berlin));
    }

    [Theory]
    // priced Wh, Wh × price / 1000, unpriced Wh, session Wh, running, price of the stop's quarter hour -> amount, priced Wh, unpriced Wh
    [InlineData(3000, 1.05, 0, 3500, false, 0.45, 1.275, 3500, 0)]   // the tail after the last reading, at the stop's price
    [InlineData(3000, 1.05, 0, 3500, true, 0.45, 1.05, 3000, 0)]     // running: the energy so far is the priced quarters'
    [InlineData(3000, 1.05, 0, 3500, false, null, 1.05, 3000, 500)]  // no price kept for the stop's quarter: said unpriced
    [InlineData(3000, 1.05, 200, 3000, false, 0.45, 1.05, 3000, 200)] // nothing beyond the quarters: nothing added
    public void An_ended_session_s_energy_after_its_last_reading_is_priced_in_the_quarter_hour_it_stopped_in(
        double pricedWh, double amount, double unpricedWh, double sessionWh, bool running, double? endPrice, double cost, double priced, double unpriced)
    {
        var kept = KeptCost.Of(Standard, pricedWh, amount, unpricedWh, sessionWh, running, endPrice);
        Assert.Equal(cost, kept.Amount, 9);
        Assert.Equal((priced, unpriced), (kept.PricedWh, kept.UnpricedWh));
        Assert.Equal(("EUR", "standard"), (kept.Currency, kept.Tariff));
    }
}
