using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace SmartElek.Operator.Tests.Rules;

/// <summary>
/// Driver groups, departure targets, the plan, timers, budgets and the shortfall rule over real HTTP
/// against the running Host (its rules keeper, planner and allocator): who may do what, impossible
/// requests named by field, and each rule reaching the running site's grants with its reason.
/// </summary>
[Collection(ApiProcessCollection.Name)]
public sealed class RulesApiProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-rules-api-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_workDir, recursive: true); }
        catch (IOException) { /* the OS cleans temp */ }
        return Task.CompletedTask;
    }

    private static async Task<string> CreateUserAsync(HttpClient op, string name, string role, string? group = null, params string[] chargers)
    {
        var user = await op.PostAsJsonAsync("/api/users", new { name, role, password = Password, group }).Expect(HttpStatusCode.Created);
        var id = user.GetProperty("id").GetString()!;
        if (chargers.Length > 0) await op.PutAsJsonAsync($"/api/users/{id}/chargers", new { chargers }).Expect(HttpStatusCode.OK);
        return id;
    }

    private static bool Charging(JsonElement charger) =>
        charger.GetProperty("summary").GetProperty("state") is { ValueKind: JsonValueKind.Object } s && s.GetProperty("session").GetString() == "Charging";

    private static JsonElement Allocation(JsonElement charger) => charger.GetProperty("allocation");

    private static bool PausedBy(JsonElement charger, string kind) =>
        Allocation(charger) is { ValueKind: JsonValueKind.Object } a && a.GetProperty("grantedAmps").GetDouble() == 0
        && a.GetProperty("limit").GetProperty("kind").GetString() == kind;

    private static async Task RulesReadableAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using var answer = await client.GetAsync("/api/planning/settings");
            if (answer.StatusCode == HttpStatusCode.OK) return;
            Assert.True(answer.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline,
                $"the rules keeper: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Roles_refusals_and_each_rule_reach_the_running_site_with_its_reason()
    {
        await using var host = await ApiHost.StartAsync(_workDir, SecurityProcessTests.ChargingSite());
        using var anonymous = host.Client();
        await anonymous.GetAsync("/api/plan").Expect(HttpStatusCode.Unauthorized);
        await anonymous.PutAsJsonAsync("/api/chargers/charger-1/target", new { energyKwh = 5, by = "07:00" }).Expect(HttpStatusCode.Unauthorized);
        await anonymous.GetAsync("/api/timers").Expect(HttpStatusCode.Unauthorized);
        await anonymous.PostAsJsonAsync("/api/budgets", new { scope = "driver", name = "dan", period = "day", kwh = 1 }).Expect(HttpStatusCode.Unauthorized);

        // Users with driver groups: the groups of config/tariffs.json, nothing else.
        using var op = await host.LoginAsync("boss", Password);
        await op.PostAsJsonAsync("/api/users", new { name = "gil", role = "driver", password = Password, group = "visitors" }).ExpectFieldError("group");
        var dan = await CreateUserAsync(op, "dan", "driver", "residents", "charger-1");
        await CreateUserAsync(op, "dora", "driver", null, "charger-2");
        await CreateUserAsync(op, "vera", "viewer");
        Assert.Equal("residents", (await op.GetAsync($"/api/users/{dan}").Expect(HttpStatusCode.OK)).GetProperty("group").GetString());
        await op.Patch($"/api/users/{dan}", new { group = "vip" }).ExpectFieldError("group");
        Assert.Equal("fleet", (await op.Patch($"/api/users/{dan}", new { group = "fleet" }).Expect(HttpStatusCode.OK)).GetProperty("group").GetString());
        Assert.Equal("residents", (await op.Patch($"/api/users/{dan}", new { group = "residents" }).Expect(HttpStatusCode.OK)).GetProperty("group").GetString());

        // The rules keeper (a cluster singleton) answers once the node's cluster is up and its journal read: until then an honest 503.
        await RulesReadableAsync(op);

        // A viewer reads the rules and changes none; a driver has no other driver's charger.
        using var vera = await host.LoginAsync("vera", Password);
        await vera.GetAsync("/api/timers").Expect(HttpStatusCode.OK);
        await vera.PostAsJsonAsync("/api/timers", new { scope = "charger", target = "charger-3", days = "daily", from = "00:00", to = "24:00", effect = "blocked" })
            .Expect(HttpStatusCode.Forbidden);
        await vera.PostAsJsonAsync("/api/budgets", new { scope = "driver", name = "dan", period = "day", kwh = 1 }).Expect(HttpStatusCode.Forbidden);
        await vera.PutAsJsonAsync("/api/planning/settings", new { shortfallRule = "proportional" }).Expect(HttpStatusCode.Forbidden);
        await vera.PutAsJsonAsync("/api/chargers/charger-1/target", new { energyKwh = 5, by = "07:00" }).Expect(HttpStatusCode.Forbidden);
        using var dora = await host.LoginAsync("dora", Password);
        await dora.PutAsJsonAsync("/api/chargers/charger-1/target", new { energyKwh = 5, by = "07:00" }).Expect(HttpStatusCode.NotFound);
        await dora.GetAsync("/api/chargers/charger-1/plan").Expect(HttpStatusCode.NotFound);
        await dora.PostAsJsonAsync("/api/timers", new { scope = "charger", target = "charger-2", days = "daily", from = "00:00", to = "24:00", effect = "blocked" })
            .Expect(HttpStatusCode.Forbidden);

        // Impossible requests, each named.
        using var danClient = await host.LoginAsync("dan", Password);
        await danClient.PutAsJsonAsync("/api/chargers/charger-1/target", new { energyKwh = -5, by = "07:00" }).ExpectFieldError("energyKwh");
        await danClient.PutAsJsonAsync("/api/chargers/charger-1/target", new { energyKwh = 5, by = "25:00" }).ExpectFieldError("by");
        await danClient.PutAsJsonAsync("/api/chargers/charger-1/target", new { energyKwh = 5, by = "07:00", mode = "solar" }).ExpectFieldError("mode");
        await op.PostAsJsonAsync("/api/timers", new { scope = "charger", target = "charger-9", days = "daily", from = "00:00", to = "24:00", effect = "blocked" })
            .ExpectFieldError("target");
        await op.PostAsJsonAsync("/api/timers", new { scope = "charger", target = "charger-3", days = "daily", from = "08:00", to = "09:00", effect = "capped", capAmps = 3 })
            .ExpectFieldError("capAmps");
        await op.PostAsJsonAsync("/api/timers", new { scope = "charger", target = "charger-3", days = "Mon-Funday", from = "08:00", to = "09:00", effect = "blocked" })
            .ExpectFieldError("days");
        await op.PostAsJsonAsync("/api/budgets", new { scope = "driver", name = "dan", period = "day", kwh = 0 }).ExpectFieldError("kwh");
        await op.PostAsJsonAsync("/api/budgets", new { scope = "driver", name = "nobody", period = "day", kwh = 1 }).ExpectFieldError("name");
        await op.PostAsJsonAsync("/api/budgets", new { scope = "group", name = "residents", period = "year", kwh = 1 }).ExpectFieldError("period");
        await op.PutAsJsonAsync("/api/planning/settings", new { shortfallRule = "fairest" }).ExpectFieldError("shortfallRule");
        await op.PutAsJsonAsync("/api/timers/timer-404", new { scope = "charger", target = "charger-3", days = "daily", from = "08:00", to = "09:00", effect = "blocked" })
            .Expect(HttpStatusCode.NotFound);

        // The shortfall rule.
        await op.PutAsJsonAsync("/api/planning/settings", new { shortfallRule = "proportional" }).Expect(HttpStatusCode.NoContent);
        Assert.Equal("proportional", (await vera.GetAsync("/api/planning/settings").Expect(HttpStatusCode.OK)).GetProperty("shortfallRule").GetString());
        await op.PutAsJsonAsync("/api/planning/settings", new { shortfallRule = "earliestDepartureFirst" }).Expect(HttpStatusCode.NoContent);

        // A driver's target on their charging vehicle: the plan shows it with its cost and what charging now would cost.
        // Charging, and some energy used (for dan's budget below: a plan holds charger-1 back from here on).
        await Http.Eventually(op, "/api/chargers/charger-1", c => Charging(c) && c.GetProperty("summary").GetProperty("state").GetProperty("sessionKwh").GetDouble() >= 0.002,
            "charger-1 charging with energy used", TimeSpan.FromSeconds(90));
        var departure = DateTimeOffset.UtcNow.AddHours(5).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var target = await danClient.PutAsJsonAsync("/api/chargers/charger-1/target", new { energyKwh = 6, by = departure }).Expect(HttpStatusCode.OK);
        Assert.Equal((6.0, "cheapest", "dan"), (target.GetProperty("energyKwh").GetDouble(), target.GetProperty("mode").GetString(), target.GetProperty("setBy").GetString()));
        Assert.Equal(6, (await danClient.GetAsync("/api/chargers/charger-1/target").Expect(HttpStatusCode.OK)).GetProperty("energyKwh").GetDouble());
        var plan = await Http.Eventually(danClient, "/api/plan", p => p.GetProperty("chargers").EnumerateArray()
            .Any(c => c.GetProperty("charger").GetString() == "charger-1" && c.GetProperty("plannedKwh").GetDouble() > 0), "charger-1 planned", TimeSpan.FromSeconds(60));
        var mine = plan.GetProperty("chargers").EnumerateArray().Single(c => c.GetProperty("charger").GetString() == "charger-1");
        output.WriteLine($"plan of charger-1: {mine}");
        Assert.Equal("EUR", plan.GetProperty("currency").GetString());
        Assert.True(mine.GetProperty("cost").GetDouble() > 0, mine.ToString());
        Assert.True(mine.GetProperty("chargeNowCost").GetDouble() > 0, mine.ToString());
        Assert.Equal(("dan", "residents"), (mine.GetProperty("driver").GetString(), mine.GetProperty("group").GetString()));
        // The plan's target is what is still to go: 6 kWh less what the vehicle took since it was set.
        Assert.InRange(mine.GetProperty("targetKwh").GetDouble(), 5, 6);
        // Met: all of it planned (a last quarter hour at the 6 A minimum may plan a little more), no miss.
        Assert.True(mine.GetProperty("plannedKwh").GetDouble() >= mine.GetProperty("targetKwh").GetDouble() - 0.001, mine.ToString());
        Assert.Equal(JsonValueKind.Null, mine.GetProperty("miss").ValueKind);
        Assert.Contains(mine.GetProperty("amps").EnumerateArray(), a => a.GetDouble() >= 6);
        Assert.True(plan.GetProperty("slotStarts").GetArrayLength() >= mine.GetProperty("amps").GetArrayLength());
        // A driver sees only their own chargers' plans.
        Assert.All(plan.GetProperty("chargers").EnumerateArray(), c => Assert.Equal("charger-1", c.GetProperty("charger").GetString()));
        await danClient.DeleteAsync("/api/chargers/charger-1/target").Expect(HttpStatusCode.NoContent);
        await danClient.GetAsync("/api/chargers/charger-1/target").Expect(HttpStatusCode.NotFound);
        await danClient.DeleteAsync("/api/chargers/charger-1/target").Expect(HttpStatusCode.NotFound);

        // A timer that blocks charger-3 now: its grant goes to 0 with the timer's reason.
        await Http.Eventually(op, "/api/chargers/charger-3", Charging, "charger-3 charging", TimeSpan.FromSeconds(90));
        var timer = (await op.PostAsJsonAsync("/api/timers", new { scope = "charger", target = "charger-3", days = "daily", from = "00:00", to = "24:00", effect = "blocked" })
            .Expect(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var timers = await vera.GetAsync("/api/timers").Expect(HttpStatusCode.OK);
        var listed = Assert.Single(timers.EnumerateArray(), t => t.GetProperty("id").GetString() == timer);
        Assert.Equal(("daily", "00:00", "24:00", "blocked"), (listed.GetProperty("days").GetString(), listed.GetProperty("from").GetString(),
            listed.GetProperty("to").GetString(), listed.GetProperty("effect").GetString()));
        var blocked = await Http.Eventually(op, "/api/chargers/charger-3", c => PausedBy(c, "Timer"), "charger-3 paused by the timer", TimeSpan.FromSeconds(60));
        Assert.Contains("blocked by the timer of charger 'charger-3'", Allocation(blocked).GetProperty("limit").GetProperty("text").GetString(), StringComparison.Ordinal);
        // The allocator's view and the unit's own report travel separately; the unit hears the 0 A grant moments later.
        await Http.Eventually(op, "/api/chargers/charger-3", c => PausedBy(c, "Timer") && c.GetProperty("summary").GetProperty("state").GetProperty("grantedAmps").GetDouble() == 0,
            "charger-3's unit granted 0 A", TimeSpan.FromSeconds(30));
        await op.DeleteAsync($"/api/timers/{timer}").Expect(HttpStatusCode.NoContent);
        await op.DeleteAsync($"/api/timers/{timer}").Expect(HttpStatusCode.NotFound);
        await Http.Eventually(op, "/api/chargers/charger-3", c => Allocation(c).GetProperty("limit").GetProperty("kind").GetString() != "Timer",
            "charger-3 no longer held by the timer", TimeSpan.FromSeconds(60));

        // A budget of 0.001 kWh a day for dan: his charging charger pauses with the budget's reason until it is lifted.
        // (dan's charger-1 used energy before the plan held it back: the budget is spent as soon as it is set.)
        var budget = (await op.PostAsJsonAsync("/api/budgets", new { scope = "driver", name = "dan", period = "day", kwh = 0.001 }).Expect(HttpStatusCode.Created))
            .GetProperty("id").GetString()!;
        var spent = await Http.Eventually(op, "/api/chargers/charger-1", c => PausedBy(c, "Budget"), "charger-1 paused by dan's budget", TimeSpan.FromSeconds(90));
        Assert.Contains("budget is spent", Allocation(spent).GetProperty("limit").GetProperty("text").GetString(), StringComparison.Ordinal);
        var danBudgets = await danClient.GetAsync("/api/budgets").Expect(HttpStatusCode.OK);
        var own = Assert.Single(danBudgets.EnumerateArray());
        Assert.True(own.GetProperty("spent").GetBoolean() && own.GetProperty("usedKwh").GetDouble() >= 0.001, own.ToString());
        Assert.Empty((await dora.GetAsync("/api/budgets").Expect(HttpStatusCode.OK)).EnumerateArray());
        await danClient.PostAsync($"/api/budgets/{budget}/lift", null).Expect(HttpStatusCode.Forbidden);
        await op.PostAsync($"/api/budgets/{budget}/lift", null).Expect(HttpStatusCode.NoContent);
        await op.PostAsync($"/api/budgets/{budget}/lift", null).ExpectFieldError("id");
        // Lifted, the budget holds it no more (it may sit out the allocator's minimum pause of 2 min before it is granted again).
        await Http.Eventually(op, "/api/chargers/charger-1", c => Allocation(c).GetProperty("limit").GetProperty("kind").GetString() != "Budget",
            "charger-1 no longer held by the budget", TimeSpan.FromSeconds(60));
        Assert.False((await danClient.GetAsync("/api/budgets").Expect(HttpStatusCode.OK))[0].GetProperty("spent").GetBoolean());
        await op.DeleteAsync($"/api/budgets/{budget}").Expect(HttpStatusCode.NoContent);
        Assert.Empty((await op.GetAsync("/api/budgets").Expect(HttpStatusCode.OK)).EnumerateArray());

        // Documented as the other endpoints are.
        using var document = JsonDocument.Parse(await host.Client().GetStringAsync(OperatorApiHosting.OpenApiPath));
        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/chargers/{id}/target", "/api/chargers/{id}/plan", "/api/plan", "/api/timers", "/api/timers/{timerId}", "/api/budgets",
                     "/api/budgets/{budgetId}", "/api/budgets/{budgetId}/lift", "/api/planning/settings" })
            Assert.True(paths.TryGetProperty(path, out _), $"the OpenAPI document lists {path}");
    }
}
