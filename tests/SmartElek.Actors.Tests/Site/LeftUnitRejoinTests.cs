using Akka.Actor;
using SmartElek.Actors.Charger;
using SmartElek.Actors.Site;
using SmartElek.Charger.Button;
using SmartElek.Charger.Leds;
using SmartElek.Charger.Settings;
using SmartElek.Charger.Simulation;
using SmartElek.Site.Commissioning;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;
using Xunit.Abstractions;
using static SmartElek.TestSupport.SiteTestSupport;

namespace SmartElek.Actors.Tests.Site;

/// <summary>
/// The manual's "leave network" and commissioning again, on one real cluster node (a
/// <see cref="SiteMembership"/> with the topology keeper and the allocator) over a real charger unit
/// on simulated hardware: 13 taps of SET take the unit out of the site, and the operator places it
/// again from the pending units of permit-join, without a restart.
/// </summary>
// One node: no failure detector or split brain resolver to starve, so it runs beside the other tests.
public sealed class LeftUnitRejoinTests(ITestOutputHelper output) : IAsyncLifetime
{
    static readonly ChargerId A = new("a");

    static readonly SiteTopology Topology = SiteTopology.FromSpec(new SiteSpec
    {
        Name = "rejoin-test",
        Feeder = new CircuitSpec
        {
            Id = "feeder", RatingAmps = 60,
            // b runs on no node here: a site keeps at least one charger, so a can be taken out.
            Children = [.. new[] { "a", "b" }.Select(id => new CircuitSpec { Id = $"branch-{id}", RatingAmps = 40, Chargers = [new ChargerSpec { Id = id }] })],
        },
    });

    // Taps far from the limits of the default timing: a loaded machine stretches the test's delays.
    static readonly SetButtonTiming Tolerant = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5));

    ActorSystem? unitSystem;
    SiteMembership? membership;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (membership is not null) await Task.WhenAny(membership.StopAsync(), Task.Delay(TimeSpan.FromSeconds(15)));
        if (unitSystem is not null) await Task.WhenAny(unitSystem.Terminate(), Task.Delay(TimeSpan.FromSeconds(10)));
        Environment.ExitCode = 0;
    }

    void Log(string line)
    {
        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
        }
        catch (InvalidOperationException)
        {
            // The node's life may end after the test did.
        }
    }

    async Task<SiteTopologyProtocol.ChangeAnswer> ChangeAsync(TopologyCommands.Command command) =>
        await membership!.System!.ActorSelection($"/user/{SiteTopologyProtocol.KeeperProxyName}")
            .Ask<SiteTopologyProtocol.ChangeAnswer>(command, TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Thirteen_taps_take_the_unit_out_of_the_site_and_placed_again_from_permit_join_it_is_granted_again()
    {
        unitSystem = ActorSystem.Create("unit-a", "akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING");
        var board = new SimulatedCharger(ChargerClock.Of(unitSystem));
        var unitRef = unitSystem.ActorOf(ChargerUnit.Props(A, board, ChargerSettings.Factory with { AutoStart = true, Name = "a" },
            ChargerUnitOptions.Default with { ButtonTiming = Tolerant, InitialGrantAmps = 0 }), "unit");
        var unit = new UnitUnderTest(unitSystem, unitRef, board);
        board.PlugIn(new VehicleSpec(BatteryKwh: 80, StartSocPercent: 20, ResponseDelay: TimeSpan.FromMilliseconds(500)));
        membership = new SiteMembership(new SiteNodeSettings
        {
            Hocon = FastClusterHocon, Topology = Topology, ReallocateEvery = TimeSpan.FromMilliseconds(500), RejoinDelay = TimeSpan.FromSeconds(1),
            Lease = new LeasePolicy { LeaseDuration = TimeSpan.FromSeconds(20), ReportInterval = TimeSpan.FromSeconds(2), SilentAfter = TimeSpan.FromSeconds(5) },
        }, [unit.AsSiteUnit(A)], line => Log($"node: {line}"));
        await membership.StartAsync();

        await WaitForAsync("unit a granted and charging", TimeSpan.FromSeconds(60), async () =>
            await unit.Status() is { AppliedGrantEpoch: > 0, OfferedAmps: >= 6, DrawnAmps: > 1 });
        var version = membership.Live.Current.Version;

        // 13 taps of SET: factory reset and leave the site's network.
        for (var i = 0; i < 13; i++)
        {
            board.PressSetButton();
            await Task.Delay(100);
            board.ReleaseSetButton();
            await Task.Delay(200);
        }
        await WaitForAsync("unit a out of the site's network", TimeSpan.FromSeconds(20), async () => await unit.Status() is { SiteJoined: false });

        // Its node takes it out of the topology: no member, no grant; it offers nothing (its fail-safe is 0 A).
        await WaitFor("charger a out of the topology", TimeSpan.FromSeconds(30), () => !membership.Live.Current.Topology.ChargerById.ContainsKey(A));
        Assert.Contains(membership.Live.Current.Removed, r => r.Id == A);
        Assert.True(membership.Live.Current.Version > version);
        var outOfSite = await unit.Status();
        await WaitForAsync("unit a offering and drawing nothing", TimeSpan.FromSeconds(30), async () =>
            (outOfSite = await unit.Status()) is { OfferedAmps: 0, GrantedAmps: 0, DrawnAmps: < 0.5, OnSiteLink: false });
        Assert.Equal(SetButtonAction.FactoryResetAndLeaveNetwork, outOfSite.LastButtonAction);
        Assert.Empty(membership.Live.Current.Pending);

        // Permit-join: the unit asks to join again, pending, its NETWORK LED flashing once a second.
        var opened = await ChangeAsync(new TopologyCommands.OpenPermitJoin(TimeSpan.FromMinutes(5)));
        Assert.Null(opened.Errors);
        await WaitFor("charger a pending", TimeSpan.FromSeconds(20), () => membership.Live.Current.Pending.Any(p => p.Charger == A));
        await WaitForAsync("unit a showing that it waits to join", TimeSpan.FromSeconds(10), async () =>
            (await unit.Status()).NetworkLed == NetworkLed.For(NetworkIndication.PermitJoinOpen));
        Assert.False((await unit.Status()).OnSiteLink);

        // Placed again by the operator: it joins the site's network and is granted again, charging its vehicle.
        var placed = await ChangeAsync(new TopologyCommands.PlaceCharger("a", "branch-a", 30, "L1-L2", 0));
        Assert.Null(placed.Errors);
        SmartElek.Actors.Charger.ChargerStatus? again = null;
        await WaitForAsync("unit a joined and granted again", TimeSpan.FromSeconds(60), async () =>
            (again = await unit.Status()) is { SiteJoined: true, OnSiteLink: true, AppliedGrantEpoch: > 0, OfferedAmps: >= 6, DrawnAmps: > 1 });
        Assert.Equal(NetworkLed.For(NetworkIndication.Connected), again!.NetworkLed);
        Assert.DoesNotContain(membership.Live.Current.Pending, p => p.Charger == A);
        Assert.DoesNotContain(membership.Live.Current.Removed, r => r.Id == A);
        Assert.Equal("branch-a", membership.Live.Current.Topology.ChargerById[A].CircuitId);
        Assert.Single(membership.Lives);
    }
}
