using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SmartElek.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed partial class SessionCostTests(DashboardSite site)
{
    // The card's words for a cost under the shipped tariffs (config/tariffs.json): EUR, 'standard' for drivers without a group.
    [GeneratedRegex(@"^cost so far (\d+\.\d\d) EUR · now (\d\.\d{2,4}) EUR/kWh, tariff standard$")]
    private static partial Regex CostSoFar();

    [GeneratedRegex(@"^cost so far (?!0\.00 )\d+\.\d\d EUR · now \d\.\d{2,4} EUR/kWh, tariff standard$")]
    private static partial Regex NonZeroCost();

    [GeneratedRegex(@"^(\d+\.\d{3}) kWh$")]
    private static partial Regex Kwh();

    // Every price of the shipped 'standard' tariff, winter and summer.
    private static readonly double[] StandardPrices = [0.16, 0.19, 0.20, 0.30, 0.32, 0.42, 0.45];

    private static async Task<(double Kwh, double Cost, double PriceNow)> FiguresAsync(ILocator card)
    {
        // One render shows both: read them from one snapshot of the card's text.
        var text = await card.EvaluateAsync<string[]>("c => [c.querySelector('[data-test=session-kwh]').textContent, c.querySelector('[data-test=cost]').textContent]");
        var cost = CostSoFar().Match(text[1].Trim());
        Assert.True(cost.Success, $"the card's cost in words: '{text[1]}'");
        return (double.Parse(Kwh().Match(text[0].Trim()).Groups[1].Value, CultureInfo.InvariantCulture),
            double.Parse(cost.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(cost.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_charging_card_shows_its_session_s_cost_so_far_as_energy_flows_and_the_charger_page_lists_it()
    {
        var page = await site.NewPageAsync();
        await DashboardSite.SignInAsync(page, DashboardSite.OperatorUser, DashboardSite.OperatorPassword);

        // Every session's cost starts at 0.00 and grows with its energy: wait for a card whose cost reached a cent.
        var costly = page.Locator(".charger-card[data-reach=live]", new() { Has = page.Locator("[data-test=cost]", new() { HasTextRegex = NonZeroCost() }) });
        await Expect(costly.First).ToBeVisibleAsync(new() { Timeout = 90_000 });
        var id = await costly.First.GetAttributeAsync("data-charger");
        var card = page.Locator($".charger-card[data-charger='{id}']");

        // The cost follows the energy shown beside it at the shipped prices (0.16-0.45 EUR/kWh, the one in force now shown), to the cent.
        var first = await FiguresAsync(card);
        await Expect(card.Locator("[data-test=session-kwh]")).Not.ToHaveTextAsync(Words(first.Kwh));
        var later = await FiguresAsync(card);
        foreach (var (kwh, cost, priceNow) in new[] { first, later })
        {
            Assert.Contains(priceNow, StandardPrices);
            Assert.InRange(cost, kwh * 0.16 - 0.005, kwh * 0.45 + 0.005);
        }
        Assert.True(first.Cost > 0 && later.Cost >= first.Cost, $"a cost above 0 that does not go down: {first} then {later}");
        await DashboardSite.ScreenshotAsync(page, "dashboard-session-cost");

        // The charger's page lists today's sessions with the cost kept with each.
        await card.Locator(".card-title").ClickAsync();
        await DashboardSite.WaitUntilLiveAsync(page);
        await Expect(page.Locator("#sessions [data-test=session-cost]").First).ToHaveTextAsync(new Regex(@"^\d+\.\d\d EUR$"));
        await Expect(page.Locator("#sessions")).ToContainTextAsync("standard");
        await DashboardSite.ScreenshotAsync(page, "charger-sessions-cost");
    }

    private static string Words(double kwh) => kwh.ToString("0.000", CultureInfo.InvariantCulture) + " kWh";
}
