using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SmartElek.Actors.Charger;
using SmartElek.Host.Ocpp;
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
        using var host = BuildHost(options, ids);
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
    };

    // The repository's own config/: the default site topology and its Akka HOCON.
    private static IHost BuildHost(HostOptions options, IReadOnlyList<ChargerId> ids)
    {
        var config = Path.GetFullPath(Path.Combine(CentralSystemProcess.InteropDirectory(), "..", "..", "config"));
        var topology = SmartElek.Site.Topology.SiteTopology.Load(Path.Combine(config, "site.json"));
        return SiteHost.Build(options, ids, topology, config);
    }

    [Fact]
    public async Task A_hard_reset_from_the_central_system_power_cycles_the_chargers_unit()
    {
        using var folder = new TempFolder();
        Environment.SetEnvironmentVariable(KeyVariable, Password);
        var options = Options(folder);
        var id = new ChargerId("charger-1");
        using var host = BuildHost(options, [id]);
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            await WaitFor("the boot and status", x => x.Of("StatusNotification").Any(), 30);
            var first = await system.ActorSelection("/user/" + id.Value).ResolveOne(TimeSpan.FromSeconds(5));

            Assert.Equal("Accepted", Status(await CentralSystem.CallAsync("Reset", new { type = "Hard" }, id.Value)));
            await WaitFor("the boot after the reset and its status", x =>
                x.Of("BootNotification").Count() == 2 && x.Received.Last().Method == "StatusNotification", 30);

            // The old unit has stopped and a new one runs on the same hardware, under the power-cycled name.
            var second = await system.ActorSelection("/user/" + OcppGatewayHosting.PowerCycledUnitName(id, 1)).ResolveOne(TimeSpan.FromSeconds(5));
            Assert.NotEqual(first, second);
            await Until(() => system.ActorSelection("/user/" + id.Value).ResolveOne(TimeSpan.FromSeconds(1))
                .ContinueWith(t => t.IsFaulted).GetAwaiter().GetResult(), "the old unit stopped");

            // The charge point drives the new unit: ChangeAvailability reaches it.
            Assert.Equal("Accepted", Status(await CentralSystem.CallAsync("ChangeAvailability", new { connectorId = 1, type = "Inoperative" }, id.Value)));
            await Until(() => !second.Ask<ChargerStatus>(ChargerProtocol.GetStatus.Instance, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult().Operative,
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
