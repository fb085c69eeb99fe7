using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using SmartElek.Actors.Site;
using SmartElek.Actors.SiteView;
using SmartElek.Charger.Simulation;
using SmartElek.Operator.Commands;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;
using SmartElek.Site.View;
using Xunit.Abstractions;
using static SmartElek.TestSupport.SiteTestSupport;

namespace SmartElek.Operator.Tests.SiteView;

[CollectionDefinition("site-view-cluster", DisableParallelization = true)]
public sealed class SiteViewClusterCollection;

/// <summary>
/// One site, any node: three real cluster nodes on loopback (each a <see cref="SiteMembership"/>
/// over one real charger unit), each with its site view. Every node shows every charger; a node
/// cut off from the others leaves its charger shown as unreachable with its last-known state.
/// </summary>
[Collection("site-view-cluster")]
public sealed class SiteViewClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Ids = ["a", "b", "c"];

    private static readonly SiteTopology Topology = SiteTopology.FromSpec(new SiteSpec
    {
        Name = "view-cluster-test",
        Feeder = new CircuitSpec
        {
            Id = "feeder", RatingAmps = 60,
            Children = [.. Ids.Select(id => new CircuitSpec { Id = $"branch-{id}", RatingAmps = 40, Chargers = [new ChargerSpec { Id = id }] })],
        },
    });

    private readonly List<UnitUnderTest> _units = [];
    private readonly List<SiteMembership> _memberships = [];
    private readonly List<SiteViewStore> _stores = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_memberships.Select(m => Task.WhenAny(m.StopAsync(), Task.Delay(TimeSpan.FromSeconds(15)))));
        await Task.WhenAll(_units.Select(u => Task.WhenAny(u.System.Terminate(), Task.Delay(TimeSpan.FromSeconds(10)))));
        Environment.ExitCode = 0;
    }

    private ChargerRow Row(int node, string id) =>
        _stores[node].Current.Row(Topology.ChargerById[new ChargerId(id)], DateTimeOffset.UtcNow);

    [Fact]
    public async Task Every_node_shows_every_charger_and_a_cut_off_node_leaves_its_charger_unreachable_with_its_last_state()
    {
        var ports = Ids.Select(_ => FreePort()).ToArray();
        var seeds = ports.Select(p => $"akka.tcp://{SiteNodeSettings.DefaultSystemName}@127.0.0.1:{p}").ToList();
        for (var i = 0; i < Ids.Length; i++)
        {
            var id = new ChargerId(Ids[i]);
            var unit = UnitUnderTest.Start(id);
            _units.Add(unit);
            var store = new SiteViewStore();
            _stores.Add(store);
            var membership = new SiteMembership(new SiteNodeSettings
            {
                Hocon = FastClusterHocon, Port = ports[i], Seeds = seeds, Topology = Topology,
                Lease = new LeasePolicy { LeaseDuration = TimeSpan.FromSeconds(20), ReportInterval = TimeSpan.FromSeconds(2), SilentAfter = TimeSpan.FromSeconds(5) },
                ReallocateEvery = TimeSpan.FromMilliseconds(500), RejoinDelay = TimeSpan.FromSeconds(30),
                LifeServices = [new SiteViewLife(store)],
            }, [unit.AsSiteUnit(id)], line => output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} node {id}: {line}"));
            _memberships.Add(membership);
            await membership.StartAsync();
        }

        await WaitFor("every node showing every charger live", TimeSpan.FromSeconds(60), () =>
            Enumerable.Range(0, 3).All(n => Ids.All(id => Row(n, id).Reach == ChargerReach.Live)));
        Assert.Equal(_memberships[2].System!.ClusterAddress().ToString(), Row(0, "c").Node);

        // A change on node c (a vehicle plugs in) reaches the others' views.
        var plugged = Stopwatch.StartNew();
        _units[2].Board.PlugIn(new VehicleSpec(BatteryKwh: 80, StartSocPercent: 20, ResponseDelay: TimeSpan.FromMilliseconds(500)));
        await WaitFor("node a seeing c's vehicle", TimeSpan.FromSeconds(20), () => Row(0, "c").Last?.Pilot is not null and not Charger.J1772.PilotState.A);
        output.WriteLine($"plug-in on node c seen by node a after {plugged.ElapsedMilliseconds} ms (pilot debounce included)");
        await WaitFor("node a seeing c charging", TimeSpan.FromSeconds(30), () => Row(0, "c").Last is { DrawnAmps: > 5 });

        // A command from node a for c's charger goes through the cluster to node c and its answer comes back.
        var commands = new ChargerCommands(_stores[0], TimeProvider.System);
        var placementC = Topology.ChargerById[new ChargerId("c")];
        var current = Row(0, "c").Last!.Settings!;
        var outcome = await commands.SendAsync(placementC, new ChargerCommandProtocol.Request(placementC.Id, ChargerCommandKind.UpdateSettings, "test",
            Settings: current with { MaxCurrent = 12 }), CancellationToken.None);
        var answered = Assert.IsType<ChargerCommands.Outcome.Answered>(outcome);
        Assert.True(answered.Reply.Accepted, answered.Reply.Reason);
        Assert.Equal(12, (await _units[2].Unit.Ask<SmartElek.Charger.Settings.ChargerSettings>(SmartElek.Actors.Charger.ChargerProtocol.GetSettings.Instance, TimeSpan.FromSeconds(5))).MaxCurrent);
        await WaitFor("node b's view showing c's new maximum", TimeSpan.FromSeconds(10), () => Row(1, "c").Last?.Settings?.MaxCurrent == 12);
        var refused = await commands.SendAsync(placementC, new ChargerCommandProtocol.Request(placementC.Id, ChargerCommandKind.UpdateSettings, "test",
            Settings: current with { MaxCurrent = 45 }), CancellationToken.None);
        Assert.Equal("MaxCurrent", Assert.Single(Assert.IsType<ChargerCommands.Outcome.Answered>(refused).Reply.Errors!).Setting);

        // Cut node c off from both others, both ways: a and b keep c's last state and say it is unreachable.
        var c = _memberships[2].System!;
        var cAddress = c.ClusterAddress();
        foreach (var other in _memberships.Take(2))
        {
            await Throttle(other.System!, cAddress, blackhole: true);
            await Throttle(c, other.System!.ClusterAddress(), blackhole: true);
        }
        await WaitFor("nodes a and b showing c unreachable", TimeSpan.FromSeconds(30), () =>
            Row(0, "c").Reach == ChargerReach.Unreachable && Row(1, "c").Reach == ChargerReach.Unreachable);
        var seen = Row(0, "c");
        Assert.NotNull(seen.Last);
        Assert.True(seen.Last!.DrawnAmps > 5, "the last-known state is kept");
        Assert.NotNull(seen.Why);
        Assert.Equal(ChargerReach.Live, Row(0, "a").Reach);
        Assert.Equal(ChargerReach.Live, Row(0, "b").Reach);

        // Its age grows: never shown as fresh.
        var age = seen.Age!.Value;
        await WaitFor("the age of an unreachable charger's state growing by a second", TimeSpan.FromSeconds(15),
            () => Row(0, "c").Age > age + TimeSpan.FromSeconds(1));
        Assert.Equal(ChargerReach.Unreachable, Row(0, "c").Reach);
        Assert.IsType<ChargerCommands.Outcome.Unreachable>(await commands.SendAsync(placementC,
            new ChargerCommandProtocol.Request(placementC.Id, ChargerCommandKind.Stop, "test"), CancellationToken.None));
    }
}

internal static class ClusterAddresses
{
    public static Address ClusterAddress(this ActorSystem system) => Cluster.Get(system).SelfAddress;
}
