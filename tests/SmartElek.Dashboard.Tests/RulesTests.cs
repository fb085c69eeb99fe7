using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SmartElek.Dashboard.Tests;

/// <summary>The default site with vehicles that arrive at once nearly empty and stay an hour: every charger charges, and keeps its vehicle through a test.</summary>
public sealed class ChargingDashboardSite : DashboardSite
{
    protected override IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["SMARTELEK__Simulation__MeanArrivalSeconds"] = "1",
        ["SMARTELEK__Simulation__MeanStaySeconds"] = "3600",
        ["SMARTELEK__Simulation__ArrivalSocMin"] = "10",
        ["SMARTELEK__Simulation__ArrivalSocMax"] = "20",
    };
}

/// <summary>Rules tests share their own charging site; like the other browser tests they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChargingDashboardCollection : ICollectionFixture<ChargingDashboardSite>
{
    public const string Name = "dashboard-charging";
}

[Collection(ChargingDashboardCollection.Name)]
public sealed partial class RulesTests(ChargingDashboardSite site)
{
    [GeneratedRegex(@"^\d+\.\d\d EUR$")]
    private static partial Regex Money();

    private static async Task WaitChargingAsync(IPage page, string charger) =>
        await Expect(page.Locator($".charger-card[data-charger='{charger}'] [data-test=state]")).ToContainTextAsync("charging", new() { Timeout = 90_000 });

    [Fact]
    public async Task A_driver_sets_a_departure_target_on_the_charger_page_and_sees_the_plan_and_its_cost()
    {
        await site.CreateUserAsync("pia", "driver", DashboardSite.OperatorPassword, "charger-2");
        var page = await site.NewPageAsync();
        await DashboardSite.SignInAsync(page, "pia", DashboardSite.OperatorPassword);
        await DashboardSite.WaitUntilLiveAsync(page);
        await page.GotoAsync("/chargers/charger-2");
        await DashboardSite.WaitUntilLiveAsync(page);
        await WaitChargingAsync(page, "charger-2");
        // The rules keeper answers (a cluster singleton: not before the node's cluster is up).
        await Expect(page.Locator("#no-target")).ToBeVisibleAsync(new() { Timeout = 60_000 });

        // An impossible target is refused at its field, nothing set.
        await page.Locator("#target-amount").FillAsync("4");
        await page.Locator("#target-by").FillAsync("7 o'clock");
        await page.Locator("#save-target").ClickAsync();
        await Expect(page.Locator(".mud-input-control", new() { Has = page.Locator("#target-by") })).ToContainTextAsync("is neither HH:MM nor an ISO instant");
        await Expect(page.Locator("#no-target")).ToBeVisibleAsync();

        // 4 kWh by four hours from now on the site's clock (the machine's zone here), cheapest.
        var by = DateTime.Now.AddHours(4).ToString("HH:mm", CultureInfo.InvariantCulture);
        await page.Locator("#target-kind").SelectOptionAsync("kwh");
        await page.Locator("#target-by").FillAsync(by);
        await page.Locator("#target-mode").SelectOptionAsync("cheapest");
        await page.Locator("#save-target").ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Departure target set for charger-2.");
        await Expect(page.Locator("#target")).ToContainTextAsync($"4.000 kWh by {DateTime.Now.AddHours(4).ToString("ddd", CultureInfo.InvariantCulture)} {by}, cheapest · set by pia");

        // The plan: its amps as bars and runs of quarter hours, when it is done, what it costs and what charging now would cost.
        var plan = page.Locator("#plan");
        await Expect(plan.Locator("[data-test=cost]")).ToHaveTextAsync(Money());
        await Expect(plan.Locator("[data-test=charge-now-cost]")).ToHaveTextAsync(Money());
        // What is still to go (4 kWh less what the vehicle took since) is planned, and will be met.
        await Expect(plan.Locator("[data-test=planned]")).ToHaveTextAsync(new Regex(@"^[1-9]\d*\.\d{3} kWh of ([0-3]\.\d{3}|4\.000) kWh to go$"));
        await Expect(page.Locator("#departure [data-test=miss]")).ToHaveCountAsync(0);
        await Expect(plan.Locator("[data-test=finish]")).ToHaveTextAsync(new Regex(@"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d$"));
        await Expect(page.Locator("#plan-chart rect.on").First).ToBeVisibleAsync();
        await Expect(page.Locator("[data-test=plan-run]").First).ToContainTextAsync(new Regex(@"\d+\.\d A"));
        var cost = double.Parse((await plan.GetAttributeAsync("data-cost"))!, CultureInfo.InvariantCulture);
        var now = double.Parse((await plan.GetAttributeAsync("data-charge-now-cost"))!, CultureInfo.InvariantCulture);
        Assert.True(cost > 0 && now > 0, $"the plan costs {cost} EUR, charging now {now} EUR");
        await DashboardSite.ScreenshotAsync(page, "departure-plan");

        // Removed, the charger charges as the site shares its circuits.
        await page.Locator("#remove-target").ClickAsync();
        await Expect(page.Locator("#no-target")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_operator_adds_a_blocking_timer_on_the_rules_page_and_the_charger_card_shows_the_pause_with_its_reason()
    {
        var page = await site.NewPageAsync();
        await DashboardSite.SignInAsync(page, DashboardSite.OperatorUser, DashboardSite.OperatorPassword);
        await DashboardSite.WaitUntilLiveAsync(page);
        await WaitChargingAsync(page, "charger-3");
        await page.Locator("#nav-rules").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/rules$"));
        await DashboardSite.WaitUntilLiveAsync(page);
        await Expect(page.Locator("#no-timers")).ToBeVisibleAsync(new() { Timeout = 60_000 });

        // A day that does not exist is refused at its field.
        await page.Locator("#timer-scope").SelectOptionAsync("charger");
        await page.Locator("#timer-target").SelectOptionAsync("charger-3");
        await page.Locator("#timer-days").FillAsync("Someday");
        await page.Locator("#timer-from").FillAsync("00:00");
        await page.Locator("#timer-to").FillAsync("24:00");
        await page.Locator("#timer-effect").SelectOptionAsync("blocked");
        await page.Locator("#save-timer").ClickAsync();
        await Expect(page.Locator("#timer-form")).ToContainTextAsync("is not a weekday");
        await DashboardSite.ScreenshotAsync(page, "rules-timer-refused");

        await page.Locator("#timer-days").FillAsync("daily");
        await page.Locator("#save-timer").ClickAsync();
        await Expect(page.Locator(".mud-snackbar").Last).ToContainTextAsync("Timer added.");
        var row = page.Locator("[data-timer]", new() { HasText = "charger-3" });
        await Expect(row).ToContainTextAsync("00:00–24:00");
        await Expect(row).ToContainTextAsync("blocked");
        await DashboardSite.ScreenshotAsync(page, "rules-timer-added");

        // A viewer sees it, and no form to change it.
        await site.CreateUserAsync("rita", "viewer", DashboardSite.OperatorPassword);
        var viewer = await site.NewPageAsync();
        await DashboardSite.SignInAsync(viewer, "rita", DashboardSite.OperatorPassword);
        await DashboardSite.WaitUntilLiveAsync(viewer);
        await viewer.GotoAsync("/rules");
        await DashboardSite.WaitUntilLiveAsync(viewer);
        await Expect(viewer.Locator("[data-timer]", new() { HasText = "charger-3" })).ToBeVisibleAsync();
        await Expect(viewer.Locator("#timer-form")).ToHaveCountAsync(0);
        await Expect(viewer.Locator("[data-remove-timer]")).ToHaveCountAsync(0);

        // The charger pauses, its card saying why.
        await page.GotoAsync("/");
        await DashboardSite.WaitUntilLiveAsync(page);
        var card = page.Locator(".charger-card[data-charger='charger-3']");
        await Expect(card.Locator("[data-test=limit]")).ToContainTextAsync("blocked by the timer of charger 'charger-3'", new() { Timeout = 60_000 });
        await Expect(card.Locator("[data-test=granted]")).ToHaveTextAsync("0.0 A");
        await Expect(card.Locator("[data-test=offered]")).ToHaveTextAsync("0.0 A", new() { Timeout = 30_000 });
        await DashboardSite.ScreenshotAsync(page, "timer-pause-on-card");

        // Removed (confirmed), it holds the charger no more.
        await page.GotoAsync("/rules");
        await DashboardSite.WaitUntilLiveAsync(page);
        await page.Locator("[data-timer]", new() { HasText = "charger-3" }).Locator("[data-remove-timer]").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(page.Locator("[data-timer]", new() { HasText = "charger-3" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_operator_sets_a_drivers_group_on_the_users_page_and_it_is_kept()
    {
        await site.CreateUserAsync("gus", "driver", DashboardSite.OperatorPassword, "charger-5");
        var page = await site.NewPageAsync();
        await DashboardSite.SignInAsync(page, DashboardSite.OperatorUser, DashboardSite.OperatorPassword);
        await DashboardSite.WaitUntilLiveAsync(page);
        await page.Locator("#nav-users").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/users$"));
        await DashboardSite.WaitUntilLiveAsync(page);
        var group = page.Locator("[data-group-of=gus]");
        await Expect(group).ToHaveValueAsync("");
        // Only the groups of the site's tariffs are offered.
        Assert.Equal(["", "fleet", "guests", "residents"], await group.Locator("option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));
        await group.SelectOptionAsync("guests");
        await page.Locator("[data-save-group=gus]").ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("gus: driver group guests.");
        await DashboardSite.ScreenshotAsync(page, "users-group");

        // Read again from the site's database.
        await page.ReloadAsync();
        await DashboardSite.WaitUntilLiveAsync(page);
        await Expect(page.Locator("[data-group-of=gus]")).ToHaveValueAsync("guests");
        await Expect(page.Locator("[data-user=gus]")).ToContainTextAsync("charger-5");
    }
}
