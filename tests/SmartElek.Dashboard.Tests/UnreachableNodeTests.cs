using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace SmartElek.Dashboard.Tests;

/// <summary>Two nodes of one site as two Host processes; node 2 is killed while node 1's dashboard watches its chargers.</summary>
[Collection(DashboardCollection.Name)]
public sealed class UnreachableNodeTests(DashboardSite site) : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-dashboard-nodes-").FullName;

    [Fact]
    public async Task A_charger_on_a_killed_node_stays_on_the_page_as_unreachable_with_its_last_known_state_and_age()
    {
        var hostFiles = LoopbackSite.WriteConfig(_workDir, nodes: 2);
        var env = new Dictionary<string, string>
        {
            ["SMARTELEK_OPERATOR_USER"] = DashboardSite.OperatorUser,
            ["SMARTELEK_OPERATOR_PASSWORD"] = DashboardSite.OperatorPassword,
        };
        await using var node1 = await ApiHost.StartAsync(_workDir, env, hostFiles[0]);
        await using var node2 = await ApiHost.StartAsync(_workDir, env, hostFiles[1]);

        var page = await site.NewPageAsync(node1.BaseAddress);
        await DashboardSite.SignInAsync(page, DashboardSite.OperatorUser, DashboardSite.OperatorPassword);
        await DashboardSite.WaitUntilLiveAsync(page);
        // Node 2 runs charger-3 and charger-4: node 1's page shows them live once the two nodes form the site.
        var card = page.Locator(".charger-card[data-charger=charger-3]");
        await Expect(card).ToHaveAttributeAsync("data-reach", "live", new() { Timeout = 90_000 });
        await Expect(card.Locator("[data-test=state]")).ToBeVisibleAsync();
        var lastState = await card.Locator("[data-test=state]").InnerTextAsync();

        await node2.Process.KillAsync();
        await Expect(card).ToHaveAttributeAsync("data-reach", "unreachable", new() { Timeout = 30_000 });
        await Expect(card.Locator("[data-test=unreachable]")).ToContainTextAsync(new Regex(@"^Unreachable — .+; last known \d+ s ago$"));
        // Its last-known state stays, never shown as fresh; node 1's own charger stays live.
        await Expect(card.Locator("[data-test=state]")).ToHaveTextAsync(lastState);
        await Expect(page.Locator(".charger-card[data-charger=charger-1]")).ToHaveAttributeAsync("data-reach", "live");
        await Expect(page.Locator("#site-counts")).ToContainTextAsync("2 unreachable");
        await DashboardSite.ScreenshotAsync(page, "node-2-unreachable");
    }

    public void Dispose()
    {
        try { Directory.Delete(_workDir, recursive: true); } catch (IOException) { /* a file still held: the temp folder keeps it */ }
    }
}
