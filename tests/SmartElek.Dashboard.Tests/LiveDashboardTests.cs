using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SmartElek.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class LiveDashboardTests(DashboardSite site)
{
    [Fact]
    public async Task A_simulated_vehicle_charging_shows_a_green_flashing_STATUS_LED_with_its_amps_and_energy()
    {
        var page = await site.NewPageAsync();
        await DashboardSite.SignInAsync(page, DashboardSite.OperatorUser, DashboardSite.OperatorPassword);

        // The simulated vehicles arrive by themselves; a card turns to charging when one draws current.
        var charging = page.Locator(".charger-card[data-reach=live]", new() { Has = page.Locator("[data-led=STATUS][data-color=green][data-pattern^='green flashing']") });
        await Expect(charging.First).ToBeVisibleAsync(new() { Timeout = 90_000 });
        // Pinned to one charger: the simulated vehicles keep coming and going.
        var id = await charging.First.GetAttributeAsync("data-charger");
        var card = page.Locator($".charger-card[data-charger='{id}']");
        await Expect(card.Locator("[data-test=state]")).ToContainTextAsync("charging");
        await Expect(card.Locator("[data-test=drawn]")).Not.ToHaveTextAsync("0.0 A");

        // Flashing is drawn: the STATUS LED runs a CSS animation of its pattern's segments (1 Hz: 500 ms lit, 500 ms dark).
        var led = card.Locator("[data-led=STATUS]");
        await Expect(led).ToHaveCSSAsync("animation-name", "led-n500-f500");
        await Expect(led).ToHaveCSSAsync("animation-duration", "1s");
        // NETWORK is solid blue on a connected charger: lit, no animation.
        var network = card.Locator("[data-led=NETWORK]");
        await Expect(network).ToHaveAttributeAsync("data-pattern", "blue solid");
        await Expect(network).ToHaveCSSAsync("animation-name", "none");

        // The circuit tree shows the feeder's load per line against its limit.
        await Expect(page.Locator(".circuit-row").First).ToContainTextAsync("L1");
        await DashboardSite.ScreenshotAsync(page, "dashboard-charging");
    }

    [Fact]
    public async Task Search_and_a_circuit_narrow_the_cards_live()
    {
        var page = await site.NewPageAsync();
        await DashboardSite.SignInAsync(page, DashboardSite.OperatorUser, DashboardSite.OperatorPassword);
        await DashboardSite.WaitUntilLiveAsync(page);
        await Expect(page.Locator(".charger-card")).ToHaveCountAsync(6);

        await page.Locator("#search").FillAsync("charger-4");
        await Expect(page.Locator(".charger-card")).ToHaveCountAsync(1);
        await Expect(page.Locator(".charger-card").First).ToHaveAttributeAsync("data-charger", "charger-4");

        await page.Locator("#search").FillAsync("");
        await page.Locator(".circuit-row[data-circuit=panel-a]").ClickAsync();
        await Expect(page.Locator(".charger-card")).ToHaveCountAsync(3);
        await Expect(page.Locator("#shown")).ToHaveTextAsync("1–3 of 3");
        await DashboardSite.ScreenshotAsync(page, "dashboard-panel-a");
    }
}
