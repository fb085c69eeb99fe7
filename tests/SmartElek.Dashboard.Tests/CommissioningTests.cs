using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SmartElek.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed partial class CommissioningTests(DashboardSite site)
{
    [GeneratedRegex(@"^([6-9]|[1-3]\d)\.\d A$")]
    private static partial Regex SixAmpsOrMore();

    [Fact]
    public async Task A_pending_charger_is_commissioned_from_the_page_and_granted()
    {
        var page = await site.NewPageAsync();
        await DashboardSite.SignInAsync(page, DashboardSite.OperatorUser, DashboardSite.OperatorPassword);
        await DashboardSite.WaitUntilLiveAsync(page);
        await page.Locator("#nav-commissioning").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/commissioning$"));
        await DashboardSite.WaitUntilLiveAsync(page);
        var version = int.Parse(await page.Locator("#topology-version").GetAttributeAsync("data-version") ?? "0", System.Globalization.CultureInfo.InvariantCulture);

        // Permit-join open, a new unit powered up: it asks to join, its NETWORK LED flashing once a second.
        await page.Locator("#permit-minutes").FillAsync("5");
        await page.Locator("#open-permit-join").ClickAsync();
        await Expect(page.Locator("#permit-join-state")).ToHaveAttributeAsync("data-open", "yes");
        await page.Locator("#power-up").ClickAsync();
        var pending = page.Locator("[data-pending]");
        await Expect(pending.First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var id = await pending.First.GetAttributeAsync("data-pending");
        var led = pending.First.Locator("[data-led=NETWORK]");
        await Expect(led).ToHaveAttributeAsync("data-pattern", "blue flashing 1 Hz");
        await Expect(led).ToHaveCSSAsync("animation-duration", "1s");
        await DashboardSite.ScreenshotAsync(page, "commissioning-pending");

        // Placed on a new branch of panel-b: first a breaker too big for the charger (refused at its field), then 40 A.
        await page.Locator($"[data-place='{id}']").ClickAsync();
        await Expect(page.Locator("#place-form")).ToBeVisibleAsync();
        await page.Locator("#new-branch-parent").SelectOptionAsync("panel-b");
        await page.Locator("#new-branch-rating").FillAsync("50");
        await page.Locator("#place-charger").ClickAsync();
        await Expect(page.Locator(".mud-input-control", new() { Has = page.Locator("#new-branch-rating") }))
            .ToContainTextAsync("must sit on a branch breaker of at most 40 A");
        await DashboardSite.ScreenshotAsync(page, "commissioning-refused");
        await page.Locator("#new-branch-rating").FillAsync("40");
        await page.Locator("#place-charger").ClickAsync();

        // In the topology (a new version), no longer pending, granted and charging its waiting vehicle.
        await Expect(page.Locator($"#topology [data-charger='{id}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"[data-pending='{id}']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#topology-version")).Not.ToHaveAttributeAsync("data-version", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await DashboardSite.ScreenshotAsync(page, "commissioning-placed");
        await page.Locator($"#topology [data-charger='{id}'] a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/chargers/{id}$"));
        var card = page.Locator($".charger-card[data-charger='{id}']");
        await Expect(card.Locator("[data-test=offered]")).ToHaveTextAsync(SixAmpsOrMore(), new() { Timeout = 60_000 });
        await Expect(card.Locator("[data-led=NETWORK]")).ToHaveAttributeAsync("data-pattern", "blue solid");
        await DashboardSite.ScreenshotAsync(page, "commissioning-granted");

        // Taken out again (confirmed), so the shared site has its six chargers for the other tests.
        await page.GotoAsync("/commissioning");
        await DashboardSite.WaitUntilLiveAsync(page);
        await page.Locator($"[data-remove='{id}']").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Take out" }).ClickAsync();
        await Expect(page.Locator($"#topology [data-charger='{id}']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#removed")).ToContainTextAsync(id!);
        await page.Locator("#close-permit-join").ClickAsync();
        await Expect(page.Locator("#permit-join-state")).ToHaveAttributeAsync("data-open", "no");
    }
}
