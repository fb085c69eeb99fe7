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

    [Fact]
    public async Task SET_actions_ask_first_and_taking_a_charger_out_of_service_shows_on_its_card_until_it_is_back()
    {
        var page = await site.NewPageAsync();
        await DashboardSite.SignInAsync(page, DashboardSite.OperatorUser, DashboardSite.OperatorPassword);
        await page.GotoAsync("/chargers/charger-6");
        await DashboardSite.WaitUntilLiveAsync(page);
        var card = page.Locator(".charger-card[data-charger=charger-6]");

        // A SET action asks first; cancelled, nothing is sent.
        await page.Locator("[data-action=FactoryResetAndLeaveNetwork]").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToContainTextAsync("As 13 taps of SET");
        await DashboardSite.ScreenshotAsync(page, "charger-factory-reset-confirm");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0);

        // Out of service, confirmed: the charger says so (and offers nothing); back in service, it no longer does.
        await page.Locator("#commands").GetByText("In service", new() { Exact = true }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("offers 0 A and starts no session");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Take out of service" }).ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Out of service: Done.");
        await Expect(card.Locator("[data-test=state]")).ToContainTextAsync("out of service");
        await Expect(card.Locator("[data-test=offered]")).ToHaveTextAsync("0.0 A", new() { Timeout = 15_000 });
        await DashboardSite.ScreenshotAsync(page, "charger-out-of-service");

        await page.Locator("#commands").GetByText(new Regex("^Out of service")).ClickAsync();
        await Expect(page.Locator(".mud-snackbar").Last).ToContainTextAsync("Back in service: Done.");
        await Expect(card.Locator("[data-test=state]")).Not.ToContainTextAsync("out of service");
    }
}
