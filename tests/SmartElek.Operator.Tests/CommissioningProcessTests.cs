using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SmartElek.Operator.Tests;

/// <summary>
/// Commissioning against the running Host (Kestrel on a free loopback port, its own SQLite file):
/// a unit the simulator powers up asks to join while permit-join is open, the operator places it on
/// a new branch and it is granted, with every circuit line sampled meanwhile; other roles may not
/// change the topology; and the topology survives a restart.
/// </summary>
[Collection(ApiProcessCollection.Name)]
public sealed class CommissioningProcessTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-commissioning-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_workDir, recursive: true); }
        catch (IOException) { /* the OS cleans temp */ }
        return Task.CompletedTask;
    }

    private static async Task CreateUserAsync(HttpClient op, string name, string role) =>
        await op.PostAsJsonAsync("/api/users", new { name, role, password = Password }).Expect(HttpStatusCode.Created);

    [Fact]
    public async Task A_pending_charger_is_placed_granted_and_no_circuit_is_over_its_limit_meanwhile_and_only_an_operator_may()
    {
        await using var host = await ApiHost.StartAsync(_workDir, SecurityProcessTests.ChargingSite());
        using var op = await host.LoginAsync("boss", Password);
        await CreateUserAsync(op, "vera", "viewer");
        await CreateUserAsync(op, "dan", "driver");
        using var viewer = await host.LoginAsync("vera", Password);
        using var driver = await host.LoginAsync("dan", Password);

        // The default site charging: six vehicles share the 80 A the feeder carries.
        await Http.Eventually(op, "/api/circuits", c => c.GetProperty("circuits")[0].GetProperty("lines")[0].GetProperty("grantedAmps").GetDouble() > 70,
            "a saturated feeder");
        await CircuitSampler.OldLeasesOverAsync(host);
        using var sampling = new CancellationTokenSource();
        var samples = Task.Run(async () =>
        {
            using var client = await host.LoginAsync("boss", Password);
            return await CircuitSampler.SampleAsync(client, sampling.Token);
        });

        var placement = new { chargerId = "charger-7", circuitId = "branch-b4", ratingAmps = 30, lines = "L1-L2", failSafeAmps = 0, newBranch = new { parentId = "panel-b", ratingAmps = 40 } };
        foreach (var other in new[] { viewer, driver })
        {
            await other.PostAsJsonAsync("/api/commissioning/permit-join", new { minutes = 5 }).Expect(HttpStatusCode.Forbidden);
            await other.PostAsJsonAsync("/api/commissioning/chargers", placement).Expect(HttpStatusCode.Forbidden);
            await other.DeleteAsync("/api/commissioning/chargers/charger-1").Expect(HttpStatusCode.Forbidden);
            await other.PutAsJsonAsync("/api/circuits/panel-b", new { ratingAmps = 50 }).Expect(HttpStatusCode.Forbidden);
            await other.PostAsync("/api/demo/units", null).Expect(HttpStatusCode.Forbidden);
            await other.GetAsync("/api/commissioning").Expect(HttpStatusCode.OK);
        }

        // A new unit powers up; with permit-join open it asks to join and shows as pending.
        var unit = (await op.PostAsync("/api/demo/units", null).Expect(HttpStatusCode.OK)).GetProperty("charger").GetString();
        Assert.Equal("charger-7", unit);
        await op.PostAsJsonAsync("/api/commissioning/permit-join", new { minutes = 90 }).ExpectFieldError("minutes");
        await op.PostAsJsonAsync("/api/commissioning/permit-join", new { minutes = 5 }).Expect(HttpStatusCode.OK);
        var pending = await Http.Eventually(op, "/api/commissioning",
            c => c.GetProperty("pending").EnumerateArray().Any(p => p.GetProperty("charger").GetString() == "charger-7"), "charger-7 pending");
        Assert.True(pending.GetProperty("permitJoinOpen").GetBoolean());
        await op.GetAsync("/api/chargers/charger-7").Expect(HttpStatusCode.NotFound);

        // Impossible placements are refused naming the field, and change nothing.
        var version = pending.GetProperty("version").GetInt64();
        Assert.Contains("40 A", await op.PostAsJsonAsync("/api/commissioning/chargers",
            placement with { newBranch = new { parentId = "panel-b", ratingAmps = 50 } }).ExpectFieldError("newBranch.ratingAmps"));
        await op.PostAsJsonAsync("/api/commissioning/chargers", placement with { lines = "L1-L3" }).ExpectFieldError("lines");
        await op.PostAsJsonAsync("/api/commissioning/chargers", new { chargerId = "charger-7", circuitId = "branch-b1" }).ExpectFieldError("ratingAmps");
        await op.PostAsJsonAsync("/api/commissioning/chargers", placement with { circuitId = "branch-b1", newBranch = new { parentId = "panel-b", ratingAmps = 40 } })
            .ExpectFieldError("circuitId");
        Assert.Equal(version, (await op.GetAsync("/api/commissioning").Expect(HttpStatusCode.OK)).GetProperty("version").GetInt64());

        // Placed on a new 40 A branch of panel-b: it is granted and its waiting vehicle charges.
        var placed = await op.PostAsJsonAsync("/api/commissioning/chargers", placement).Expect(HttpStatusCode.OK);
        Assert.True(placed.GetProperty("version").GetInt64() > version);
        var charging = await Http.Eventually(op, "/api/chargers/charger-7",
            c => c.GetProperty("summary").GetProperty("state").ValueKind == JsonValueKind.Object
                 && c.GetProperty("summary").GetProperty("state").GetProperty("grantedAmps").GetDouble() >= 6
                 && c.GetProperty("summary").GetProperty("state").GetProperty("drawnAmps").GetDouble() > 0,
            "charger-7 granted and charging", TimeSpan.FromSeconds(90));
        Assert.Equal("branch-b4", charging.GetProperty("summary").GetProperty("circuitId").GetString());
        var exported = JsonDocument.Parse(await op.GetStringAsync("/api/topology")).RootElement;
        Assert.Contains("\"charger-7\"", exported.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain((await op.GetAsync("/api/commissioning").Expect(HttpStatusCode.OK)).GetProperty("pending").EnumerateArray(),
            p => p.GetProperty("charger").GetString() == "charger-7");

        // Taken out again: gone from the chargers, remembered as removed.
        await op.DeleteAsync("/api/commissioning/chargers/charger-7").Expect(HttpStatusCode.OK);
        await op.GetAsync("/api/chargers/charger-7").Expect(HttpStatusCode.NotFound);
        Assert.Contains((await op.GetAsync("/api/commissioning").Expect(HttpStatusCode.OK)).GetProperty("removed").EnumerateArray(),
            r => r.GetString() == "charger-7");
        await sampling.CancelAsync();
        var over = await samples;
        Assert.True(over.Count == 0, string.Join("\n", over.Take(20)));
    }

    [Fact]
    public async Task A_placed_demo_unit_powers_up_again_when_the_host_restarts_on_the_same_data_folder_and_is_granted_again()
    {
        var env = SecurityProcessTests.ChargingSite();
        var placement = new { chargerId = "charger-7", circuitId = "branch-b4", ratingAmps = 30, lines = "L1-L2", failSafeAmps = 0, newBranch = new { parentId = "panel-b", ratingAmps = 40 } };
        await using (var host = await ApiHost.StartAsync(_workDir, env))
        {
            using var op = await host.LoginAsync("boss", Password);
            await Http.Eventually(op, "/api/commissioning", c => c.GetProperty("version").GetInt64() >= 1, "the keeper's first version");
            Assert.Equal("charger-7", (await op.PostAsync("/api/demo/units", null).Expect(HttpStatusCode.OK)).GetProperty("charger").GetString());
            await op.PostAsJsonAsync("/api/commissioning/permit-join", new { minutes = 5 }).Expect(HttpStatusCode.OK);
            await Http.Eventually(op, "/api/commissioning",
                c => c.GetProperty("pending").EnumerateArray().Any(p => p.GetProperty("charger").GetString() == "charger-7"), "charger-7 pending");
            await op.PostAsJsonAsync("/api/commissioning/chargers", placement).Expect(HttpStatusCode.OK);
            await Http.Eventually(op, "/api/chargers/charger-7", Granted, "charger-7 granted", TimeSpan.FromSeconds(90));
            await host.Process.InterruptAsync();
        }

        // The same data folder: the unit powers up again beside the configured ones, reports and is granted.
        await using var again = await ApiHost.StartAsync(_workDir, env);
        using var client = await again.LoginAsync("boss", Password);
        var charger = await Http.Eventually(client, "/api/chargers/charger-7", Granted, "charger-7 granted after the restart", TimeSpan.FromSeconds(120));
        Assert.Equal("live", charger.GetProperty("summary").GetProperty("reach").GetString());
        Assert.Equal("branch-b4", charger.GetProperty("summary").GetProperty("circuitId").GetString());
        // Placed, it is no pending unit; and the next demo unit takes the next free id.
        Assert.DoesNotContain((await client.GetAsync("/api/commissioning").Expect(HttpStatusCode.OK)).GetProperty("pending").EnumerateArray(),
            p => p.GetProperty("charger").GetString() == "charger-7");
        Assert.Equal("charger-8", (await client.PostAsync("/api/demo/units", null).Expect(HttpStatusCode.OK)).GetProperty("charger").GetString());
    }

    [Fact]
    public async Task A_charger_that_left_the_site_by_a_factory_reset_is_pending_again_and_placed_from_the_api_it_is_granted_again()
    {
        await using var host = await ApiHost.StartAsync(_workDir, SecurityProcessTests.ChargingSite());
        using var op = await host.LoginAsync("boss", Password);
        await Http.Eventually(op, "/api/chargers/charger-3", Granted, "charger-3 granted", TimeSpan.FromSeconds(90));
        await CircuitSampler.OldLeasesOverAsync(host);
        using var sampling = new CancellationTokenSource();
        var samples = Task.Run(async () =>
        {
            using var client = await host.LoginAsync("boss", Password);
            return await CircuitSampler.SampleAsync(client, sampling.Token);
        });

        // The SET button's 13 taps, from the charger page: factory reset and leave the site.
        await op.PostAsJsonAsync("/api/chargers/charger-3/actions", new { action = "factory-reset", confirm = true }).Expect(HttpStatusCode.OK);
        var taken = await Http.Eventually(op, "/api/commissioning",
            c => c.GetProperty("removed").EnumerateArray().Any(r => r.GetString() == "charger-3"), "charger-3 taken out of the topology");
        Assert.DoesNotContain("\"charger-3\"", await op.GetStringAsync("/api/topology"), StringComparison.Ordinal);
        await op.GetAsync("/api/chargers/charger-3").Expect(HttpStatusCode.NotFound);
        Assert.Empty(taken.GetProperty("pending").EnumerateArray());

        // Permit-join: it asks to join again; placed back on its branch it is granted again, no restart.
        await op.PostAsJsonAsync("/api/commissioning/permit-join", new { minutes = 5 }).Expect(HttpStatusCode.OK);
        await Http.Eventually(op, "/api/commissioning",
            c => c.GetProperty("pending").EnumerateArray().Any(p => p.GetProperty("charger").GetString() == "charger-3"), "charger-3 pending");
        await op.PostAsJsonAsync("/api/commissioning/chargers", new { chargerId = "charger-3", circuitId = "branch-a3", ratingAmps = 30, lines = "L1-L2", failSafeAmps = 0 })
            .Expect(HttpStatusCode.OK);
        var again = await Http.Eventually(op, "/api/chargers/charger-3", Granted, "charger-3 granted again", TimeSpan.FromSeconds(120));
        Assert.Equal("branch-a3", again.GetProperty("summary").GetProperty("circuitId").GetString());
        Assert.DoesNotContain((await op.GetAsync("/api/commissioning").Expect(HttpStatusCode.OK)).GetProperty("removed").EnumerateArray(),
            r => r.GetString() == "charger-3");
        Assert.False(host.Process.Process.HasExited);
        await sampling.CancelAsync();
        var over = await samples;
        Assert.True(over.Count == 0, string.Join("\n", over.Take(20)));
    }

    private static bool Granted(JsonElement c) =>
        c.GetProperty("summary").GetProperty("state") is { ValueKind: JsonValueKind.Object } state
        && state.GetProperty("grantedAmps").GetDouble() >= 6 && state.GetProperty("drawnAmps").GetDouble() > 0;

    [Fact]
    public async Task The_topology_survives_a_restart()
    {
        var env = new Dictionary<string, string> { ["SMARTELEK_OPERATOR_USER"] = "boss", ["SMARTELEK_OPERATOR_PASSWORD"] = Password };
        long version;
        await using (var host = await ApiHost.StartAsync(_workDir, env))
        {
            using var op = await host.LoginAsync("boss", Password);
            // Kestrel answers before the node has joined its cluster (a change then is a 503): wait for the keeper's version.
            await Http.Eventually(op, "/api/commissioning", c => c.GetProperty("version").GetInt64() >= 1, "the keeper's first version");
            await op.PutAsJsonAsync("/api/circuits/panel-c", new { parentId = "feeder", ratingAmps = 30 }).Expect(HttpStatusCode.OK);
            await op.PostAsJsonAsync("/api/commissioning/chargers", new { chargerId = "charger-9", circuitId = "branch-c1", ratingAmps = 16, failSafeAmps = 6,
                newBranch = new { parentId = "panel-c", ratingAmps = 20 } }).Expect(HttpStatusCode.OK);
            await op.PutAsJsonAsync("/api/circuits/panel-a", new { ratingAmps = 50, lineLimitAmps = new Dictionary<string, double> { ["L1"] = 36 } }).Expect(HttpStatusCode.OK);
            version = (await op.DeleteAsync("/api/commissioning/chargers/charger-6").Expect(HttpStatusCode.OK)).GetProperty("version").GetInt64();
            await host.Process.InterruptAsync();
        }

        await using var again = await ApiHost.StartAsync(_workDir, env);
        using var client = await again.LoginAsync("boss", Password);
        var commissioning = await Http.Eventually(client, "/api/commissioning", c => c.GetProperty("version").GetInt64() >= version, "the stored version");
        Assert.Equal(version, commissioning.GetProperty("version").GetInt64());
        Assert.Equal(["charger-6"], commissioning.GetProperty("removed").EnumerateArray().Select(r => r.GetString()!).ToArray());
        var site = SmartElek.Site.Topology.SiteTopology.Parse(await client.GetStringAsync("/api/topology"));
        Assert.Equal("branch-c1", site.ChargerById[new ChargerId("charger-9")].CircuitId);
        Assert.Equal(6, site.ChargerById[new ChargerId("charger-9")].FailSafeAmps);
        Assert.Equal(36, site.Circuits["panel-a"].LimitOn(SmartElek.Site.Topology.Line.L1));
        Assert.Equal(40, site.Circuits["panel-a"].LimitOn(SmartElek.Site.Topology.Line.L2));
        Assert.False(site.ChargerById.ContainsKey(new ChargerId("charger-6")));
        var circuits = await client.GetAsync("/api/circuits").Expect(HttpStatusCode.OK);
        Assert.Contains(circuits.GetProperty("circuits").EnumerateArray(), c => c.GetProperty("id").GetString() == "panel-c");
    }
}
