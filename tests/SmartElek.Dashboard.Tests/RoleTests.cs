using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SmartElek.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class RoleTests(DashboardSite site)
{
    [Fact]
    public async Task A_driver_sees_only_their_chargers_and_their_circuits_and_no_operator_actions()
    {
        await site.CreateUserAsync("dana", "driver", "dana's long password", "charger-2", "charger-5");
        var page = await site.NewPageAsync();
        await DashboardSite.SignInAsync(page, "dana", "dana's long password");
        await DashboardSite.WaitUntilLiveAsync(page);
        await Expect(page.Locator("#signed-in-as")).ToContainTextAsync("dana · driver");

        var cards = page.Locator(".charger-card");
        await Expect(cards).ToHaveCountAsync(2);
        Assert.Equal(["charger-2", "charger-5"], await cards.EvaluateAllAsync<string[]>("cs => cs.map(c => c.dataset.charger)"));
        await Expect(page.Locator("#site-counts")).ToContainTextAsync("2 chargers");
        // Only the circuits that feed the driver's chargers: the feeder, both panels, and their two branches.
        Assert.Equal(["feeder", "panel-a", "branch-a2", "panel-b", "branch-b2"],
            await page.Locator(".circuit-row").EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.circuit)"));
        // Search finds nothing of the others.
        await page.Locator("#search").FillAsync("charger-1");
        await Expect(cards).ToHaveCountAsync(0);
        await DashboardSite.ScreenshotAsync(page, "driver-dashboard");

        // Another's charger is "no such charger" (as the API's 404); their own has settings, start and stop, no SET actions.
        await page.GotoAsync("/chargers/charger-1");
        await Expect(page.Locator("#no-charger")).ToBeVisibleAsync();
        await page.GotoAsync("/chargers/charger-2");
        await DashboardSite.WaitUntilLiveAsync(page);
        await Expect(page.Locator("#save-settings")).ToBeVisibleAsync();
        await Expect(page.Locator("#start")).ToBeVisibleAsync();
        await Expect(page.Locator("#availability")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-action]")).ToHaveCountAsync(0);
        await DashboardSite.ScreenshotAsync(page, "driver-charger-page");
    }

    [Fact]
    public async Task A_driver_demoted_while_their_page_is_open_loses_its_controls_without_reloading()
    {
        await site.CreateUserAsync("drew", "driver", "drew's long password", "charger-6");
        var page = await site.NewPageAsync();
        await DashboardSite.SignInAsync(page, "drew", "drew's long password");
        await page.GotoAsync("/chargers/charger-6");
        await DashboardSite.WaitUntilLiveAsync(page);
        await Expect(page.Locator("#start")).ToBeVisibleAsync();

        await site.ChangeRoleAsync("drew", "viewer");
        // The open page reads the rights again every 15 s (and a command checks them when it is sent).
        var recheck = new LocatorAssertionsToHaveCountOptions { Timeout = 40_000 };
        await Expect(page.Locator("#commands")).ToHaveCountAsync(0, recheck);
        await Expect(page.Locator("#save-settings")).ToHaveCountAsync(0);
        await DashboardSite.ScreenshotAsync(page, "driver-demoted-to-viewer");
    }

    [Fact]
    public async Task A_viewer_sees_every_charger_and_no_write_control()
    {
        await site.CreateUserAsync("vic", "viewer", "vic's long password");
        var page = await site.NewPageAsync();
        await DashboardSite.SignInAsync(page, "vic", "vic's long password");
        await DashboardSite.WaitUntilLiveAsync(page);
        await Expect(page.Locator(".charger-card")).ToHaveCountAsync(6);

        await page.GotoAsync("/chargers/charger-3");
        await DashboardSite.WaitUntilLiveAsync(page);
        await Expect(page.Locator("#settings")).ToContainTextAsync("Auto-start");
        await Expect(page.Locator("#settings input")).ToHaveCountAsync(0);
        await Expect(page.Locator("#save-settings")).ToHaveCountAsync(0);
        await Expect(page.Locator("#commands")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("start|stop|reboot|reset", RegexOptions.IgnoreCase) })).ToHaveCountAsync(0);
        await DashboardSite.ScreenshotAsync(page, "viewer-charger-page");
    }
}
