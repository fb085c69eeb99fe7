using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Remote;
using Akka.Remote.Transport;
using SmartElek.Actors.Site;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;
using Xunit.Abstractions;
using static SmartElek.Site.SiteProtocol;

namespace SmartElek.Actors.Tests.Site;

[CollectionDefinition("site-cluster", DisableParallelization = true)]
public sealed class SiteClusterCollection;

/// <summary>
/// Real Akka.Cluster ActorSystems on 127.0.0.1 in one process: three cluster nodes running the
/// allocator singleton, a site member per charger, and each charger in its own local "unit"
/// ActorSystem (docs/site.md, "Two ActorSystems per node"). Every grant a charger applies is
/// recorded, and invariant 1 is checked on the vehicles' actual currents (a vehicle follows a
/// lower offer only after 4 s).
/// </summary>
[Collection("site-cluster")]
public sealed class SiteClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    const double FeederLimit = 48; // 60 A feeder
    static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    static readonly LeasePolicy Lease = new()
    {
        LeaseDuration = TimeSpan.FromSeconds(20),
        ReportInterval = TimeSpan.FromSeconds(2),
        SilentAfter = TimeSpan.FromSeconds(5),
    };

    static readonly SiteTopology Topology = SiteTestSupport.ThreeBranches("cluster-test", feederAmps: 60);

    static readonly Config NodeConfig = SiteTestSupport.FastClusterHocon;

    readonly List<ActorSystem> systems = [];
    readonly Timeline timeline = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Task.WhenAll(systems.Select(s => Task.WhenAny(s.Terminate(), Task.Delay(TimeSpan.FromSeconds(15)))));
        Environment.ExitCode = 0; // a downed node's coordinated shutdown may set it
    }

    sealed record Node(ActorSystem System, IActorRef Proxy)
    {
        public Address Address => Cluster.Get(System).SelfAddress;
    }

    /// <summary>Every grant each charger applied, with the time it got it.</summary>
    sealed class Timeline
    {
        readonly ConcurrentQueue<(DateTimeOffset At, ChargerId Charger, CurrentGrant Grant)> events = new();

        public void Add(ChargerId charger, CurrentGrant grant) => events.Enqueue((DateTimeOffset.UtcNow, charger, grant));

        public IReadOnlyList<(DateTimeOffset At, ChargerId Charger, CurrentGrant Grant)> Events => [.. events];

        public (DateTimeOffset At, CurrentGrant Grant)? First(ChargerId charger, Func<CurrentGrant, bool> match, DateTimeOffset after) =>
            events.Where(e => e.Charger == charger && e.At >= after && match(e.Grant)).Select(e => ((DateTimeOffset, CurrentGrant)?)(e.At, e.Grant)).FirstOrDefault();

        public CurrentGrant? Last(ChargerId charger) => events.LastOrDefault(e => e.Charger == charger).Grant;

        readonly ConcurrentQueue<(long Tick, ChargerId Charger, double Amps)> draws = new();
        long ticks;

        readonly ConcurrentQueue<(DateTimeOffset At, ChargerId Charger, double Amps)> drawTimes = new();

        /// <summary>A vehicle's current changed (the order of calls is the order of changes).</summary>
        public void Draw(ChargerId charger, double amps)
        {
            draws.Enqueue((Interlocked.Increment(ref ticks), charger, amps));
            drawTimes.Enqueue((DateTimeOffset.UtcNow, charger, amps));
        }

        /// <summary>
        /// The highest sum, over instants sampled every <paramref name="step"/>, of what each charger
        /// may be drawing: its applied offer, and an earlier higher one until <paramref name="window"/>
        /// after the change, or (when <paramref name="meterEndsWindow"/>) until its vehicle's current
        /// was already at or under the new offer.
        /// </summary>
        /// <summary>The first instant from <paramref name="from"/> on at which the vehicle's current is at or under <paramref name="amps"/>.</summary>
        static DateTimeOffset? UnderFrom(List<(DateTimeOffset At, ChargerId Charger, double Amps)> draws, DateTimeOffset from, double amps)
        {
            var inForce = draws.LastOrDefault(x => x.At <= from);
            if (inForce.At != default && inForce.Amps <= amps + 1e-9) return from;
            var later = draws.FirstOrDefault(x => x.At > from && x.Amps <= amps + 1e-9);
            return later.At == default ? null : later.At;
        }

        public (double Amps, DateTimeOffset At) PeakMayDraw(TimeSpan step, TimeSpan window, bool meterEndsWindow)
        {
            var grants = events.GroupBy(e => e.Charger).ToDictionary(g => g.Key, g => g.OrderBy(e => e.At).ToList());
            var drawn = drawTimes.GroupBy(d => d.Charger).ToDictionary(g => g.Key, g => g.OrderBy(d => d.At).ToList());
            if (grants.Count == 0) return (0, default);
            var from = grants.Values.Min(l => l[0].At);
            var to = grants.Values.Max(l => l[^1].At) + window;
            var peak = (Amps: 0.0, At: from);
            for (var t = from; t <= to; t += step)
            {
                var sum = 0.0;
                foreach (var (charger, list) in grants)
                {
                    var mayDraw = 0.0;
                    for (var i = 0; i < list.Count && list[i].At <= t; i++)
                    {
                        var amps = list[i].Grant.Amps;
                        if (i + 1 < list.Count && list[i + 1].At <= t)
                        {
                            var next = list[i + 1];
                            var until = next.At + window;
                            if (meterEndsWindow && drawn.TryGetValue(charger, out var d)
                                && UnderFrom(d, next.At, next.Grant.Amps) is { } under && under < until)
                                until = under;
                            if (t >= until) continue;
                        }
                        mayDraw = Math.Max(mayDraw, amps);
                    }
                    sum += mayDraw;
                }
                if (sum > peak.Amps) peak = (sum, t);
            }
            return peak;
        }

        public IEnumerable<string> Dump() =>
            events.Select(e => (e.At, $"{e.Charger} grant {e.Grant.AllocatorEpoch % 100000}/{e.Grant.GrantSeq} {e.Grant.Amps} A {e.Grant.LimitReason}"))
                .Concat(drawTimes.Select(d => (d.At, $"{d.Charger} draws {d.Amps} A")))
                .OrderBy(x => x.Item1).Select(x => $"{x.Item1:HH:mm:ss.fff} {x.Item2}");

        /// <summary>The highest sum of the vehicles' actual currents at any moment.</summary>
        public double PeakDraw()
        {
            var now = new Dictionary<ChargerId, double>();
            var peak = 0.0;
            foreach (var (_, charger, amps) in draws.OrderBy(d => d.Tick))
            {
                now[charger] = amps;
                peak = Math.Max(peak, now.Values.Sum());
            }
            return peak;
        }
    }

    /// <summary>
    /// Stands in for the charger: applies each grant at once; its vehicle takes a higher offer
    /// after 0.5 s and follows a lower one only after 4 s (J1772 allows 5), and stops drawing
    /// at once when it stops asking.
    /// </summary>
    sealed class RecordingCharger : ReceiveActor, IWithTimers
    {
        public ITimerScheduler Timers { get; set; } = null!;

        public sealed record SetWants(bool Wants);

        sealed record Follow(double Amps);

        public RecordingCharger(ChargerId id, Timeline timeline)
        {
            var wants = true;
            var draw = 0.0;
            var followKey = 0L;
            IActorRef? member = null;
            CurrentGrant? applied = null;
            Receive<CurrentGrant>(g =>
            {
                timeline.Add(id, g);
                applied = g;
                member = Sender;
                var target = wants ? g.Amps : 0;
                if (Math.Abs(target - draw) > 1e-9)
                    Timers.StartSingleTimer(++followKey, new Follow(target), TimeSpan.FromMilliseconds(target < draw ? 4000 : 500));
                Status();
            });
            Receive<Follow>(f =>
            {
                draw = wants ? f.Amps : 0;
                timeline.Draw(id, draw);
                Status();
            });
            Receive<SetWants>(m =>
            {
                wants = m.Wants;
                if (!wants)
                {
                    draw = 0;
                    timeline.Draw(id, 0);
                }
                Status();
            });
            void Status()
            {
                var offer = applied?.Amps ?? 0;
                member?.Tell(new SiteMemberProtocol.StatusChanged(new SiteChargerStatus(wants, wants ? "C" : "B",
                    new LineCurrents(draw, draw), offer, applied?.AllocatorEpoch ?? 0, applied?.GrantSeq ?? 0)));
            }
        }
    }

    async Task<Node[]> StartCluster(int count, LeasePolicy? lease = null)
    {
        var nodes = new List<Node>();
        for (var i = 0; i < count; i++)
        {
            var system = ActorSystem.Create("site", NodeConfig);
            systems.Add(system);
            var cluster = Cluster.Get(system);
            if (i == 0) await cluster.JoinAsync(cluster.SelfAddress);
            else await cluster.JoinSeedNodesAsync([nodes[0].Address]);
            nodes.Add(new Node(system, null!));
        }
        await WaitFor("all nodes up", TimeSpan.FromSeconds(30), () =>
            nodes.All(n => Cluster.Get(n.System).State.Members.Count(m => m.Status == MemberStatus.Up) == count));
        return [.. nodes.Select(n => n with { Proxy = SiteCluster.StartAllocator(n.System, Topology, lease ?? Lease, reallocateEvery: TimeSpan.FromMilliseconds(500)) })];
    }

    IActorRef StartCharger(Node node, string id, LeasePolicy? lease = null)
    {
        var unit = ActorSystem.Create($"unit-{id}", "akka.loglevel = WARNING");
        systems.Add(unit);
        var chargerId = new ChargerId(id);
        var charger = unit.ActorOf(Props.Create(() => new RecordingCharger(chargerId, timeline)), "charger");
        node.System.ActorOf(SiteMember.Props(chargerId, 0, charger, node.Proxy, lease ?? Lease), $"member-{id}");
        return charger;
    }

    static RemoteTransport TransportOf(ActorSystem system) =>
        ((RemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Transport;

    static async Task WaitFor(string what, TimeSpan timeout, Func<bool> condition)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}");
            await Task.Delay(100);
        }
    }

    static readonly ChargerId A = new("a"), B = new("b"), C = new("c");

    async Task AllChargingAt16()
    {
        try
        {
            await Wait16();
        }
        catch (TimeoutException)
        {
            foreach (var e in timeline.Events.TakeLast(30)) output.WriteLine($"{e.At:HH:mm:ss.fff} {e.Charger}: {e.Grant}");
            throw;
        }
    }

    async Task Wait16()
    {
        await WaitFor("a, b and c at 16 A", TimeSpan.FromSeconds(40), () =>
            new[] { A, B, C }.All(id => timeline.Last(id) is { IsFailSafe: false, Amps: 16 }));
    }

    [Fact]
    public async Task When_the_singletons_node_leaves_the_allocator_moves_and_allocation_resumes_without_a_breach()
    {
        var nodes = await StartCluster(3);
        StartCharger(nodes[1], "a");
        StartCharger(nodes[1], "b");
        var c = StartCharger(nodes[2], "c");
        await AllChargingAt16();
        var firstEpoch = timeline.Last(A)!.AllocatorEpoch;

        // The oldest node runs the singleton; it leaves gracefully.
        var left = DateTimeOffset.UtcNow;
        await Cluster.Get(nodes[0].System).LeaveAsync();
        await WaitFor("grants from the new allocator", TimeSpan.FromSeconds(40), () =>
            new[] { A, B, C }.All(id => timeline.First(id, g => !g.IsFailSafe && g.AllocatorEpoch != firstEpoch, left) is not null));
        var moved = new[] { A, B, C }.Max(id => timeline.First(id, g => g.AllocatorEpoch != firstEpoch, left)!.Value.At);
        output.WriteLine($"graceful leave: every charger renewed by the new allocator after {(moved - left).TotalSeconds:0.0} s");

        // Allocation goes on: c's vehicle stops, a and b share its amps.
        var stopped = DateTimeOffset.UtcNow;
        c.Tell(new RecordingCharger.SetWants(false));
        await WaitFor("a and b at 24 A", TimeSpan.FromSeconds(30), () =>
            timeline.Last(A) is { Amps: 24 } && timeline.Last(B) is { Amps: 24 });
        var shared = new[] { A, B }.Max(id => timeline.First(id, g => g.Amps == 24, stopped)!.Value.At);
        output.WriteLine($"after the move: c's amps went to a and b {(shared - stopped).TotalSeconds:0.0} s after c's vehicle stopped");

        Assert.DoesNotContain(timeline.Events, e => e.At > left && e.Grant.IsFailSafe); // the lease carried them through
        var peak = timeline.PeakDraw();
        if (peak > FeederLimit) foreach (var line in timeline.Dump()) output.WriteLine(line);
        output.WriteLine($"peak of the vehicles' summed current on the feeder: {peak:0.##} A of {FeederLimit} A");
        Assert.True(peak <= FeederLimit + 1e-6, $"feeder over its limit: {peak} A");
    }

    [Fact]
    public async Task A_cut_off_node_falls_back_before_its_lease_ends_and_the_others_get_its_amps_only_after()
    {
        var nodes = await StartCluster(3);
        StartCharger(nodes[0], "a");
        StartCharger(nodes[1], "b");
        StartCharger(nodes[2], "c");
        await AllChargingAt16();

        // Cut node 3 off from both others, in both directions.
        var cut = DateTimeOffset.UtcNow;
        var lastGrantToC = timeline.Last(C)!;
        foreach (var other in nodes.Take(2))
        {
            Assert.True(await TransportOf(nodes[2].System).ManagementCommand(
                new SetThrottle(other.Address, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)));
            Assert.True(await TransportOf(other.System).ManagementCommand(
                new SetThrottle(nodes[2].Address, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)));
        }

        await WaitFor("c on fail-safe", TimeSpan.FromSeconds(40), () => timeline.Last(C) is { IsFailSafe: true });
        var fellBack = timeline.First(C, g => g.IsFailSafe, cut)!.Value.At;
        await WaitFor("a or b above 16 A", TimeSpan.FromSeconds(60), () =>
            timeline.First(A, g => g.Amps > 16, cut) is not null || timeline.First(B, g => g.Amps > 16, cut) is not null);
        var reused = new[] { A, B }.Select(id => timeline.First(id, g => g.Amps > 16, cut)).Where(e => e is not null).Min(e => e!.Value.At);

        output.WriteLine($"partition: c fell back to fail-safe {(fellBack - cut).TotalSeconds:0.0} s after the cut " +
            $"(its last grant's allocator-side lease end was {(lastGrantToC.LeaseExpiry - cut).TotalSeconds:0.0} s after it); " +
            $"a/b got its amps {(reused - cut).TotalSeconds:0.0} s after the cut");
        Assert.True(fellBack < lastGrantToC.LeaseExpiry, "c must fall back before its lease ends");

        // keep-majority: the cut-off node (one of three) downs itself and stops its cluster
        // ActorSystem; c's unit system, where the charger lives, stays up.
        var downed = await Task.WhenAny(nodes[2].System.WhenTerminated, Task.Delay(TimeSpan.FromSeconds(30))) == nodes[2].System.WhenTerminated;
        output.WriteLine($"node 3 downed by the split brain resolver: {downed}");
        Assert.True(downed, "the minority node must be downed by the split brain resolver");
        Assert.True(Cluster.Get(nodes[0].System).State.Members.All(m => m.Address != nodes[2].Address || m.Status != MemberStatus.Up));
        Assert.True(reused >= fellBack + Window, "c's amps were reused before its vehicle's window after the fall-back");
        var peak = timeline.PeakDraw();
        output.WriteLine($"peak of the vehicles' summed current on the feeder: {peak:0.##} A of {FeederLimit} A");
        Assert.True(peak <= FeederLimit + 1e-6, $"feeder over its limit: {peak} A");
    }

    [Fact]
    public async Task When_the_singletons_node_crashes_the_allocator_moves_and_no_circuit_limit_is_breached()
    {
        // A crash fails over in about 14 s at stable-after 3 s: a lease that outlasts it plus the
        // fail-safe lead and a report interval keeps the chargers on their grants meanwhile.
        var lease = Lease with { LeaseDuration = TimeSpan.FromSeconds(26) };
        var nodes = await StartCluster(3, lease);
        StartCharger(nodes[1], "a", lease);
        StartCharger(nodes[1], "b", lease);
        var c = StartCharger(nodes[2], "c", lease);
        await AllChargingAt16();
        var firstEpoch = timeline.Last(A)!.AllocatorEpoch;

        // The oldest node runs the singleton; it dies without leaving: cut off from the others
        // first, so that nothing of its shutdown (no leave, no hand-over) reaches them.
        var crashed = DateTimeOffset.UtcNow;
        foreach (var other in nodes.Skip(1))
        {
            await SiteTestSupport.Throttle(other.System, nodes[0].Address, blackhole: true);
            await SiteTestSupport.Throttle(nodes[0].System, other.Address, blackhole: true);
        }
        await nodes[0].System.Terminate();
        await WaitFor("grants from the new allocator", TimeSpan.FromSeconds(60), () =>
            new[] { A, B, C }.All(id => timeline.First(id, g => !g.IsFailSafe && g.AllocatorEpoch != firstEpoch, crashed) is not null));
        var moved = new[] { A, B, C }.Min(id => timeline.First(id, g => g.AllocatorEpoch != firstEpoch, crashed)!.Value.At);
        var allMoved = new[] { A, B, C }.Max(id => timeline.First(id, g => g.AllocatorEpoch != firstEpoch, crashed)!.Value.At);

        // Allocation goes on under the new allocator: c's vehicle stops, a and b share its amps.
        var stopped = DateTimeOffset.UtcNow;
        c.Tell(new RecordingCharger.SetWants(false));
        await WaitFor("a and b at 24 A", TimeSpan.FromSeconds(30), () =>
            timeline.Last(A) is { Amps: 24 } && timeline.Last(B) is { Amps: 24 });
        var shared = new[] { A, B }.Max(id => timeline.First(id, g => g.Amps == 24, stopped)!.Value.At);
        await Task.Delay(Window);

        output.WriteLine($"crash of the singleton's node: first grant of the new allocator {(moved - crashed).TotalSeconds:0.0} s after it, " +
            $"every charger renewed after {(allMoved - crashed).TotalSeconds:0.0} s; c's amps went to a and b {(shared - stopped).TotalSeconds:0.0} s after c's vehicle stopped");
        var fellBack = timeline.Events.Where(e => e.At > crashed && e.Grant.IsFailSafe).Select(e => e.Charger).Distinct().ToList();
        output.WriteLine($"chargers that fell back to fail-safe during the fail-over: {(fellBack.Count == 0 ? "none" : string.Join(", ", fellBack))}");
        Assert.Empty(fellBack);

        var strict = timeline.PeakMayDraw(TimeSpan.FromMilliseconds(50), Window, meterEndsWindow: false);
        var metered = timeline.PeakMayDraw(TimeSpan.FromMilliseconds(50), Window, meterEndsWindow: true);
        var peak = timeline.PeakDraw();
        output.WriteLine($"feeder, {FeederLimit} A per line: peak of sum(max(old, new offer) for 5 s) {strict.Amps:0.##} A at {strict.At:HH:mm:ss.ff}; " +
            $"the same with the window ended by a metered current under the new offer {metered.Amps:0.##} A; peak of the vehicles' currents {peak:0.##} A");
        Assert.True(metered.Amps <= FeederLimit + 1e-6, $"feeder may be drawing {metered.Amps} A at {metered.At:O}");
        Assert.True(peak <= FeederLimit + 1e-6, $"feeder over its limit: {peak} A");
    }
}
