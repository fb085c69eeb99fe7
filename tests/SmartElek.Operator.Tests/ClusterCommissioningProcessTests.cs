using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Xunit.Abstractions;

namespace SmartElek.Operator.Tests;

/// <summary>
/// Commissioning on a site of three Host processes (config/host.node1..3.json on free loopback ports)
/// sharing one PostgreSQL database (a throw-away server): changes made through different nodes' APIs
/// reach every node as the same topology version, a demo unit powered up on one node and placed
/// through another is granted, a unit that left the site (factory reset) is pending on every node and
/// granted again once placed, and no circuit line any node shows is over its limit meanwhile.
/// </summary>
[Collection(SecondApiProcessCollection.Name)]
public sealed class ClusterCommissioningProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _workDir = Directory.CreateTempSubdirectory("smartelek-commissioning-3-").FullName;
    private ThrowawayPostgreSql _server = null!;
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _server = await ThrowawayPostgreSql.StartAsync();
        _connection = await _server.CreateDatabaseAsync("site3");
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _server.DisposeAsync();
        try { Directory.Delete(_workDir, recursive: true); }
        catch (IOException) { /* the OS cleans temp */ }
    }

    private static async Task<long> VersionAsync(HttpClient client) =>
        (await client.GetAsync("/api/commissioning").Expect(HttpStatusCode.OK)).GetProperty("version").GetInt64();

    // Every node's API at version (at least) `version`, and all exporting the same topology.
    private static async Task<string> SameTopologyEverywhereAsync(IReadOnlyList<HttpClient> nodes, long version, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var seen = new long[nodes.Count];
        while (true)
        {
            for (var i = 0; i < nodes.Count; i++) seen[i] = await VersionAsync(nodes[i]);
            if (seen.All(v => v == version))
            {
                var exported = await Task.WhenAll(nodes.Select(n => n.GetStringAsync("/api/topology")));
                if (exported.Distinct().Count() == 1) return exported[0];
            }
            Assert.True(seen.All(v => v <= version), $"{what}: a node is past version {version}: {string.Join(", ", seen)}");
            Assert.True(DateTime.UtcNow < deadline, $"{what}: the nodes show versions {string.Join(", ", seen)}, not all {version}");
            await Task.Delay(100);
        }
    }

    private static bool Granted(JsonElement c) =>
        c.GetProperty("summary").GetProperty("state") is { ValueKind: JsonValueKind.Object } state
        && state.GetProperty("grantedAmps").GetDouble() >= 6 && state.GetProperty("drawnAmps").GetDouble() > 0;

    [Fact]
    public async Task Changes_made_on_any_node_reach_every_node_as_one_version_the_placed_charger_is_granted_and_no_circuit_is_over_its_limit()
    {
        var environment = SecurityProcessTests.ChargingSite();
        // host.node*.json read the connection string from SMARTELEK_POSTGRES.
        environment["SMARTELEK_POSTGRES"] = _connection;
        environment["SMARTELEK__Storage__Provider"] = "PostgreSql";
        var hostFiles = LoopbackSite.WriteConfig(_workDir);
        await using var node1 = await ApiHost.StartAsync(_workDir, environment, hostFiles[0]);
        using var op1 = await node1.LoginAsync("boss", Password);
        await using var node2 = await ApiHost.StartAsync(_workDir, environment, hostFiles[1]);
        await using var node3 = await ApiHost.StartAsync(_workDir, environment, hostFiles[2]);
        using var op2 = await node2.LoginAsync("boss", Password);
        using var op3 = await node3.LoginAsync("boss", Password);
        HttpClient[] ops = [op1, op2, op3];

        // One site: the keeper's seed on every node, and its six vehicles sharing the 80 A the feeder carries.
        await SameTopologyEverywhereAsync(ops, 1, "the seed");
        await Http.Eventually(op2, "/api/circuits", c => c.GetProperty("circuits")[0].GetProperty("lines")[0].GetProperty("grantedAmps").GetDouble() > 70,
            "a saturated feeder", TimeSpan.FromSeconds(120));

        await CircuitSampler.OldLeasesOverAsync(node1, node2, node3);
        using var sampling = new CancellationTokenSource();
        var samplers = new[] { node1, node2, node3 }.Select((node, i) => Task.Run(async () =>
        {
            using var client = await node.LoginAsync("boss", Password);
            return await CircuitSampler.SampleAsync(client, sampling.Token, $"node{i + 1}");
        })).ToList();

        // A circuit added through node 1.
        var version = (await op1.PutAsJsonAsync("/api/circuits/panel-c", new { parentId = "feeder", ratingAmps = 30 }).Expect(HttpStatusCode.OK))
            .GetProperty("version").GetInt64();
        var topology = await SameTopologyEverywhereAsync(ops, version, "panel-c added");
        Assert.Contains("\"panel-c\"", topology, StringComparison.Ordinal);

        // A demo unit powered up on node 3 asks to join; every node shows it pending; it is placed through node 2.
        Assert.Equal("charger-7", (await op3.PostAsync("/api/demo/units", null).Expect(HttpStatusCode.OK)).GetProperty("charger").GetString());
        version = (await op1.PostAsJsonAsync("/api/commissioning/permit-join", new { minutes = 5 }).Expect(HttpStatusCode.OK)).GetProperty("version").GetInt64();
        await SameTopologyEverywhereAsync(ops, version, "permit-join opened");
        foreach (var op in ops)
            await Http.Eventually(op, "/api/commissioning",
                c => c.GetProperty("pending").EnumerateArray().Any(p => p.GetProperty("charger").GetString() == "charger-7"), "charger-7 pending");
        version = (await op2.PostAsJsonAsync("/api/commissioning/chargers", new
        {
            chargerId = "charger-7", circuitId = "branch-b4", ratingAmps = 30, lines = "L1-L2", failSafeAmps = 0,
            newBranch = new { parentId = "panel-b", ratingAmps = 40 },
        }).Expect(HttpStatusCode.OK)).GetProperty("version").GetInt64();
        topology = await SameTopologyEverywhereAsync(ops, version, "charger-7 placed");
        Assert.Equal("branch-b4", SmartElek.Site.Topology.SiteTopology.Parse(topology).ChargerById[new ChargerId("charger-7")].CircuitId);

        // Granted, and seen so from another node than its own.
        var granted = await Http.Eventually(op1, "/api/chargers/charger-7", Granted, "charger-7 granted and charging (node 1's answer)", TimeSpan.FromSeconds(90));
        Assert.Equal("live", granted.GetProperty("summary").GetProperty("reach").GetString());

        // A circuit re-rated through node 3: panel-b, now with four chargers, from a 60 A to a 70 A breaker (56 A a line).
        version = (await op3.PutAsJsonAsync("/api/circuits/panel-b", new { ratingAmps = 70 }).Expect(HttpStatusCode.OK)).GetProperty("version").GetInt64();
        topology = await SameTopologyEverywhereAsync(ops, version, "panel-b re-rated");
        Assert.Equal(56, SmartElek.Site.Topology.SiteTopology.Parse(topology).Circuits["panel-b"].LimitOn(SmartElek.Site.Topology.Line.L1));
        foreach (var op in ops)
        {
            var circuits = await op.GetAsync("/api/circuits").Expect(HttpStatusCode.OK);
            var panelB = circuits.GetProperty("circuits").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "panel-b");
            Assert.Equal(56, panelB.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("line").GetString() == "L1").GetProperty("limitAmps").GetDouble());
        }

        // charger-4 (node 2's unit) leaves the site with a factory reset (13 SET taps), asked through node 1: its node
        // takes it out, every node shows it pending while permit-join is open, and placed back through node 3 it is granted again.
        await op1.PostAsJsonAsync("/api/chargers/charger-4/actions", new { action = "factory-reset", confirm = true }).Expect(HttpStatusCode.OK);
        var removed = await Http.Eventually(op2, "/api/commissioning",
            c => c.GetProperty("removed").EnumerateArray().Any(r => r.GetString() == "charger-4"), "charger-4 taken out");
        await SameTopologyEverywhereAsync(ops, removed.GetProperty("version").GetInt64(), "charger-4 taken out");
        foreach (var op in ops)
            await Http.Eventually(op, "/api/commissioning",
                c => c.GetProperty("pending").EnumerateArray().Any(p => p.GetProperty("charger").GetString() == "charger-4"), "charger-4 pending");
        version = (await op3.PostAsJsonAsync("/api/commissioning/chargers",
            new { chargerId = "charger-4", circuitId = "branch-b1", ratingAmps = 30, lines = "L1-L2", failSafeAmps = 0 }).Expect(HttpStatusCode.OK))
            .GetProperty("version").GetInt64();
        await SameTopologyEverywhereAsync(ops, version, "charger-4 placed again");
        await Http.Eventually(op1, "/api/chargers/charger-4", Granted, "charger-4 granted again (node 1's answer)", TimeSpan.FromSeconds(120));

        await sampling.CancelAsync();
        var over = (await Task.WhenAll(samplers)).SelectMany(o => o).ToList();
        output.WriteLine($"version {version} on every node; charger-7 granted {granted.GetProperty("summary").GetProperty("state").GetProperty("grantedAmps").GetDouble()} A");
        Assert.True(over.Count == 0, string.Join("\n", over.Take(20)));
    }
}
