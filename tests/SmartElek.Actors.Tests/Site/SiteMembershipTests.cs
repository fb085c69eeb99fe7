using Akka.Actor;
using Akka.Cluster;
using SmartElek.Actors.Site;
using SmartElek.Charger.Simulation;
using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;
using Xunit.Abstractions;
using static SmartElek.TestSupport.SiteTestSupport;

namespace SmartElek.Actors.Tests.Site;

/// <summary>
/// Three nodes, each a <see cref="SiteMembership"/> (the clustered life) over one real charger unit
/// on simulated hardware in its own local ActorSystem (the unit's life), on fixed loopback ports
/// so that a restarted life comes back at the same address.
/// </summary>
[Collection("site-cluster")]
public sealed class SiteMembershipTests(ITestOutputHelper output) : IAsyncLifetime
{
    static readonly LeasePolicy Lease = new()
    {
        LeaseDuration = TimeSpan.FromSeconds(20),
        ReportInterval = TimeSpan.FromSeconds(2),
        SilentAfter = TimeSpan.FromSeconds(5),
    };

    static readonly ChargerId A = new("a"), B = new("b"), C = new("c");

    // 60 A feeder (48 A per line) over three 40 A branches; c keeps 6 A when cut off.
    static readonly SiteTopology Topology = SiteTopology.FromSpec(new SiteSpec
    {
        Name = "membership-test",
        Feeder = new CircuitSpec
        {
            Id = "feeder", RatingAmps = 60,
            Children = [.. new[] { "a", "b", "c" }.Select(id => new CircuitSpec
            {
                Id = $"branch-{id}", RatingAmps = 40, Chargers = [new ChargerSpec { Id = id, FailSafeAmps = id == "c" ? 6 : 0 }],
            })],
        },
    });

    readonly List<UnitUnderTest> units = [];
    readonly List<SiteMembership> memberships = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Task.WhenAll(memberships.Select(m => Task.WhenAny(m.StopAsync(), Task.Delay(TimeSpan.FromSeconds(15)))));
        await Task.WhenAll(units.Select(u => Task.WhenAny(u.System.Terminate(), Task.Delay(TimeSpan.FromSeconds(10)))));
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
            // A node's life may end after the test did.
        }
    }

    [Fact]
    public async Task A_downed_node_keeps_its_units_at_fail_safe_and_rejoins_by_itself_when_the_partition_heals()
    {
        var ports = new[] { FreePort(), FreePort(), FreePort() };
        var seeds = ports.Select(p => $"akka.tcp://{SiteNodeSettings.DefaultSystemName}@127.0.0.1:{p}").ToList();
        var ids = new[] { A, B, C };
        for (var i = 0; i < 3; i++)
        {
            var id = ids[i];
            var unit = UnitUnderTest.Start(id);
            units.Add(unit);
            unit.Board.PlugIn(new VehicleSpec(BatteryKwh: 80, StartSocPercent: 20, ResponseDelay: TimeSpan.FromMilliseconds(500)));
            var membership = new SiteMembership(new SiteNodeSettings
            {
                Hocon = FastClusterHocon, Port = ports[i], Seeds = seeds, Topology = Topology, Lease = Lease,
                ReallocateEvery = TimeSpan.FromMilliseconds(500), RejoinDelay = TimeSpan.FromSeconds(1),
                Allocation = new AllocationPolicy { MinimumPause = TimeSpan.FromSeconds(5) },
            }, [unit.AsSiteUnit(ids[i])], line => Log($"node {id}: {line}"));
            memberships.Add(membership);
            await membership.StartAsync();
        }

        await WaitForAsync("every unit offering its 16 A share", TimeSpan.FromSeconds(60), async () =>
            (await Task.WhenAll(units.Select(u => u.Status()))).All(s => s.AppliedGrantEpoch > 0 && s.OfferedAmps is > 15.5 and <= 16));

        // Cut node c off from both others, both ways.
        var cNode = memberships[2];
        var cAddress = cNode.System!.Cluster().SelfAddress;
        var cut = DateTimeOffset.UtcNow;
        foreach (var other in memberships.Take(2))
        {
            await Throttle(other.System!, cAddress, blackhole: true);
            await Throttle(cNode.System!, other.System!.Cluster().SelfAddress, blackhole: true);
        }

        await WaitFor("node c's first life downed", TimeSpan.FromSeconds(40), () => cNode.Lives[0].EndedAt is not null);
        var downedAt = cNode.Lives[0].EndedAt!.Value;
        var unitC = units[2];
        var before = await unitC.Status();
        Assert.Equal(LimitKind.FailSafe, before.GrantLimit?.Kind);
        Assert.Equal(6, before.GrantedAmps);

        // Outside the cluster the unit goes on: it meters, keeps its relays and its 6 A fail-safe offer,
        // while its node starts a new life by itself (which cannot join yet).
        var after = before;
        await WaitForAsync("unit c metering on outside the cluster and node c in a new life", TimeSpan.FromSeconds(30), async () =>
        {
            after = await unitC.Status();
            return after.RegisterWh > before.RegisterWh + 1 && cNode.Lives.Count >= 2;
        });
        Assert.True(after.At > before.At, "the unit's status must stay live");
        Assert.True(after.RegisterWh > before.RegisterWh, $"the unit must go on metering: {before.RegisterWh} -> {after.RegisterWh} Wh");
        Assert.InRange(after.OfferedAmps, 5.9, 6);
        Assert.True(after.DrawnAmps <= 6.2, $"vehicle c draws {after.DrawnAmps} A over its fail-safe 6 A");
        Assert.True(after.RelaysClosed);
        Assert.Empty(after.Faults);
        Assert.True(cNode.Lives.Count >= 2, "a new life must have started by itself");
        Assert.Null(cNode.Lives[^1].UpAt); // cut off: it cannot join yet, and never founds a cluster of its own

        var healed = DateTimeOffset.UtcNow;
        foreach (var other in memberships.Take(2))
            await Throttle(other.System!, cAddress, blackhole: false);

        await WaitFor("node c up again", TimeSpan.FromSeconds(40), () => cNode.Lives[^1].UpAt is not null);
        var upAgain = cNode.Lives[^1].UpAt!.Value;
        try
        {
            await WaitForAsync("unit c granted more than its fail-safe again", TimeSpan.FromSeconds(40), async () =>
                await unitC.Status() is { AppliedGrantEpoch: > 0, OfferedAmps: > 10 } s && s.GrantLimit?.Kind != LimitKind.FailSafe);
        }
        catch (TimeoutException)
        {
            Log($"unit c: {await unitC.Status()}");
            var ledger = await memberships[0].AllocatorProxy!.Ask<SiteAllocatorProtocol.LedgerState>(SiteAllocatorProtocol.GetLedger.Instance, TimeSpan.FromSeconds(5));
            foreach (var v in ledger.Chargers) Log($"ledger: {v}");
            throw;
        }
        var granted = DateTimeOffset.UtcNow;

        Log($"cut -> node c downed (its cluster system ended): {(downedAt - cut).TotalSeconds:0.0} s");
        Log($"lives of node c: {string.Join("; ", cNode.Lives.Select(l => $"#{l.Number} {l.StartedAt:HH:mm:ss.f}..{l.EndedAt:HH:mm:ss.f} up {l.UpAt:HH:mm:ss.f}"))}");
        Log($"heal -> node c up again: {(upAgain - healed).TotalSeconds:0.0} s; heal -> unit c above fail-safe: {(granted - healed).TotalSeconds:0.0} s");
        var members = Cluster.Get(memberships[0].System!).State.Members;
        Assert.Equal(3, members.Count(m => m.Status == MemberStatus.Up));
    }
}

static class ClusterOf
{
    public static Cluster Cluster(this ActorSystem system) => Akka.Cluster.Cluster.Get(system);
}
