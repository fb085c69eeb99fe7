using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SmartElek.Actors.Charger;
using SmartElek.Host.Ocpp;
using SmartElek.Site.Allocation;
using SmartElek.Gateway.Tests.Interop;
using SmartElek.Host;
using SmartElek.Host.Configuration;
using HostOptions = SmartElek.Host.Configuration.HostOptions;
using Xunit.Abstractions;

namespace SmartElek.Gateway.Tests.Host;

/// <summary>The Host with Ocpp:Enabled: every local charger is a charge point of the node central system.</summary>
[Collection("interop")]
public sealed class OcppHostTests(ITestOutputHelper output) : InteropTest(output, "host-key-0123456789", heartbeatSeconds: 30)
{
    private const string KeyVariable = "SMARTELEK_TEST_OCPP_KEY";

    [Fact]
    public async Task The_host_with_Ocpp_enabled_boots_each_charger_at_the_central_system_and_reports_its_status()
    {
        using var folder = new TempFolder();
        Environment.SetEnvironmentVariable(KeyVariable, Password);
        var options = Options(folder);
        ChargerId[] ids = [new("charger-1"), new("charger-2"), new("charger-3")];
        using var host = await BuildHostAsync(options, ids);
        await host.StartAsync();
        try
        {
            var r = await WaitFor("a boot and a status from each charger", x => ids.All(id =>
                x.Received.Any(c => c.Identity == id.Value && c.Method == "BootNotification")
                && x.Received.Any(c => c.Identity == id.Value && c.Method == "StatusNotification")), 30);
            foreach (var id in ids)
            {
                var mine = r.Received.Where(c => c.Identity == id.Value).ToList();
                Assert.Equal("BootNotification", mine[0].Method); // nothing before Boot
                Assert.Equal(id.Value, mine[0].Params["chargePointSerialNumber"]!.GetValue<string>());
                Assert.Contains(mine, c => c.Method == "StatusNotification" && Status(c.Params) == "Available");
            }
            Assert.Equal(ids.Length, r.PasswordMatched.Count);
            Assert.All(r.PasswordMatched, Assert.True); // the key came from the environment variable
            Assert.Empty(r.Failures);

            // The central system reaches one charger by its identity: its composite schedule shows the charger's 30 A.
            var composite = await CentralSystem.CallAsync("GetCompositeSchedule", new { connectorId = 1, duration = 60, chargingRateUnit = "A" }, "charger-2");
            Assert.Equal(30m, composite["chargingSchedule"]!["chargingSchedulePeriod"]![0]!["limit"]!.GetValue<decimal>());
        }
        finally
        {
            await host.StopAsync();
            Environment.SetEnvironmentVariable(KeyVariable, null);
        }
    }

    [Fact]
    public async Task With_PostgreSQL_down_at_start_the_host_starts_and_each_charge_point_boots_once_its_store_answers()
    {
        const string connectionVariable = "SMARTELEK_TEST_OCPP_POSTGRESQL";
        await using var postgres = await ThrowawayPostgreSql.StartAsync();
        var database = await postgres.CreateDatabaseAsync("ocpphost");
        using var folder = new TempFolder();
        Environment.SetEnvironmentVariable(KeyVariable, Password);
        Environment.SetEnvironmentVariable(connectionVariable, database);
        var options = Options(folder);
        options.Ocpp.DataFile = "";
        options.Storage = new StorageOptions { Provider = "PostgreSql", PostgreSqlConnectionVariable = connectionVariable };
        ChargerId[] ids = [new("charger-1"), new("charger-2")];
        await postgres.StopAsync();
        using var host = await BuildHostAsync(options, ids);
        try
        {
            await host.StartAsync();
            // Nothing is said to the central system while a charge point cannot know its queue:
            // the starter tried the store twice, both charge points still wait, and nobody spoke.
            var starter = await host.Services.GetRequiredService<ActorSystem>().ActorSelection("/user/" + ChargePointStarter.Name)
                .ResolveOne(TimeSpan.FromSeconds(10));
            ChargePointStarter.StartsState starts;
            var until = DateTime.UtcNow.AddSeconds(30);
            while ((starts = await starter.Ask<ChargePointStarter.StartsState>(ChargePointStarter.GetStartsState.Instance,
                       TimeSpan.FromSeconds(5))).FailedAttempts < 2 && DateTime.UtcNow < until)
                await Task.Delay(100);
            Assert.True(starts.FailedAttempts >= 2, $"the store was tried {starts.FailedAttempts} time(s)");
            Assert.Equal(ids.Length, starts.Waiting);
            Assert.NotNull(starts.LastFailure);
            Assert.DoesNotContain((await CentralSystem.RecordAsync()).Received, c => ids.Any(id => id.Value == c.Identity));

            await postgres.StartAgainAsync();
            var r = await WaitFor("a boot and a status from each charger once the store answers", x => ids.All(id =>
                x.Received.Any(c => c.Identity == id.Value && c.Method == "BootNotification")
                && x.Received.Any(c => c.Identity == id.Value && c.Method == "StatusNotification")), 60);
            Assert.Empty(r.Failures);
        }
        finally
        {
            await host.StopAsync();
            Environment.SetEnvironmentVariable(KeyVariable, null);
            Environment.SetEnvironmentVariable(connectionVariable, null);
        }
    }

    // OCPP on against the test's central system, everything stored in the test's folder, no vehicles.
    private HostOptions Options(TempFolder folder) => new()
    {
        Ocpp = new OcppOptions
        {
            Enabled = true,
            CentralSystemUrl = $"ws://127.0.0.1:{CentralSystem.Port}/ocpp/",
            AuthorizationKeyVariable = KeyVariable,
            DataFile = folder.File("ocpp.db"),
        },
        Storage = new StorageOptions { DataFolder = folder.File("data") },
        Console = new ConsoleOptions { LiveTable = false },
        Simulation = new SimulationOptions { MeanArrivalSeconds = 3600 },
        // Any free port: the operator's API must not collide with a site or another test on 8080.
        Api = new ApiOptions { Url = "http://127.0.0.1:0" },
    };

    // The repository's own config/: the default site topology and its Akka HOCON.
    // As the Host's start does: the storage is prepared once, then the node is built on it.
    private static async Task<IHost> BuildHostAsync(HostOptions options, IReadOnlyList<ChargerId> ids)
    {
        var config = Path.GetFullPath(Path.Combine(CentralSystemProcess.InteropDirectory(), "..", "..", "config"));
        var topology = SmartElek.Site.Topology.SiteTopology.Load(Path.Combine(config, "site.json"));
        var storage = await SmartElek.Host.Storage.HostStorage.PrepareAsync(options.Storage, options.Ocpp.Enabled, "host.json", TextWriter.Null);
        Assert.NotNull(storage);
        return SiteHost.Build(options, ids, topology, config, storage);
    }

    private static async Task<ChargerStatus> Eventually(IActorRef unit, Func<ChargerStatus, bool> ok, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var status = await unit.Ask<ChargerStatus>(ChargerProtocol.GetStatus.Instance, TimeSpan.FromSeconds(5));
            if (ok(status)) return status;
            if (DateTime.UtcNow > deadline) Assert.Fail($"not within 60 s: {what}; last status {status}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_hard_reset_from_the_central_system_power_cycles_the_chargers_unit_in_place_and_the_site_grants_it_again()
    {
        using var folder = new TempFolder();
        Environment.SetEnvironmentVariable(KeyVariable, Password);
        var options = Options(folder);
        var id = new ChargerId("charger-1");
        using var host = await BuildHostAsync(options, [id]);
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            await WaitFor("the boot and status", x => x.Of("StatusNotification").Any(), 30);
            var unit = await system.ActorSelection("/user/" + id.Value).ResolveOne(TimeSpan.FromSeconds(5));
            var granted = await Eventually(unit, s => s.AppliedGrantEpoch > 0, "a site grant before the reset");
            var watcher = Inbox.Create(system);
            watcher.Send(unit, new ChargerProtocol.SubscribeStatus(watcher.Receiver));

            Assert.Equal("Accepted", Status(await CentralSystem.CallAsync("Reset", new { type = "Hard" }, id.Value)));
            await WaitFor("the boot after the reset and its status", x =>
                x.Of("BootNotification").Count() == 2 && x.Received.Last().Method == "StatusNotification", 30);

            // The unit powered up again in place: the subscriber saw it with its relays not yet verified and no grant.
            while (await watcher.ReceiveAsync(TimeSpan.FromSeconds(30)) is not ChargerStatus { RelaysVerified: false }) { }
            Assert.Equal(unit, await system.ActorSelection("/user/" + id.Value).ResolveOne(TimeSpan.FromSeconds(5)));
            // The site link still feeds it: a grant from the allocator comes back (not the fail-safe one it restarted with).
            var regranted = await Eventually(unit, s => s.AppliedGrantEpoch > 0 && s.GrantLimit is { Kind: not LimitKind.FailSafe }, "a site grant after the power cycle");
            Assert.True(regranted.AppliedGrantSeq > granted.AppliedGrantSeq || regranted.AppliedGrantEpoch > granted.AppliedGrantEpoch);

            // The charge point drives the new unit: ChangeAvailability reaches it.
            Assert.Equal("Accepted", Status(await CentralSystem.CallAsync("ChangeAvailability", new { connectorId = 1, type = "Inoperative" }, id.Value)));
            await Until(() => !unit.Ask<ChargerStatus>(ChargerProtocol.GetStatus.Instance, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult().Operative,
                "the new unit inoperative");
            Assert.Empty((await CentralSystem.RecordAsync()).Failures);
        }
        finally
        {
            await host.StopAsync();
            Environment.SetEnvironmentVariable(KeyVariable, null);
        }
    }
}
