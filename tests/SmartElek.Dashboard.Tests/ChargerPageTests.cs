using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SmartElek.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed partial class ChargerPageTests(DashboardSite site)
{
    // 0 A (paused) or an offer of at most 10 A.
    [GeneratedRegex(@"^(10\.0|[6-9]\.\d|0\.0) A$")]
    private static partial Regex AtMostTenAmps();

    [Fact]
    public async Task Lowering_max_current_on_the_charger_page_lowers_its_offer_and_45_A_is_refused_at_the_field()
    {
        var page = await site.NewPageAsync();
        await DashboardSite.SignInAsync(page, DashboardSite.OperatorUser, DashboardSite.OperatorPassword);
        await DashboardSite.WaitUntilLiveAsync(page);

        // A charging vehicle offered more than 10 A (the default site shares 80 A per line).
        var offeredHigh = page.Locator(".charger-card[data-reach=live]", new()
        {
            Has = page.Locator("[data-test=offered]", new() { HasTextRegex = new Regex(@"^(1[1-9]|[2-3]\d)\.\d A$") }),
        }).Filter(new() { Has = page.Locator("[data-led=STATUS][data-pattern^='green flashing']") });
        await Expect(offeredHigh.First).ToBeVisibleAsync(new() { Timeout = 90_000 });
        var id = await offeredHigh.First.GetAttributeAsync("data-charger");

        await page.Locator($".charger-card[data-charger='{id}'] .card-title").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/chargers/{id}$"));
        await DashboardSite.WaitUntilLiveAsync(page);
        var card = page.Locator($".charger-card[data-charger='{id}']");

        // The API's rules, shown next to the field; nothing is sent.
        await page.Locator("#maxCurrent").FillAsync("45");
        await page.Locator("#save-settings").ClickAsync();
        await Expect(page.Locator(".mud-input-control", new() { Has = page.Locator("#maxCurrent") })).ToContainTextAsync("45 A is outside 6–30 A");
        await DashboardSite.ScreenshotAsync(page, "charger-settings-refused");

        await page.Locator("#maxCurrent").FillAsync("10");
        await page.Locator("#save-settings").ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync($"Settings of {id} saved.");
        await Expect(card.Locator("[data-test=offered]")).ToHaveTextAsync(AtMostTenAmps(), new() { Timeout = 15_000 });
        await Expect(card.Locator("[data-test=limit]")).ToContainTextAsync("the user's maximum current");
        await DashboardSite.ScreenshotAsync(page, "charger-max-current-10");
    }
}
