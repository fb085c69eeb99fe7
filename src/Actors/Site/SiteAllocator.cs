using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using SmartElek.Site;
using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;
using static SmartElek.Site.SiteProtocol;

namespace SmartElek.Actors.Site;

/// <summary>Messages of the site allocator besides <see cref="SiteProtocol"/>.</summary>
public static class SiteAllocatorProtocol
{
    /// <summary>Asks the allocator for its ledger (dashboard, tests); answered with <see cref="LedgerState"/>.</summary>
    [WireName("site.get-ledger.v1")]
    public sealed record GetLedger : IWireMessage
    {
        public static GetLedger Instance { get; } = new();
    }

    [WireName("site.ledger-state.v1")]
    public sealed record LedgerState(long Epoch, DateTimeOffset StartedAt, bool Rebuilding, IReadOnlyList<LedgerView> Chargers) : IWireMessage;

    /// <summary>The allocation round timer (local).</summary>
    internal sealed record Reallocate
    {
        public static Reallocate Instance { get; } = new();
    }

    /// <summary>A round out of turn, after a report that lets the allocator act (local).</summary>
    internal sealed record ReallocateNow
    {
        public static ReallocateNow Instance { get; } = new();
    }

    /// <summary>The keeper has not answered in time: go by the node's own last version (local).</summary>
    internal sealed record KeeperSilent
    {
        public static KeeperSilent Instance { get; } = new();
    }

    /// <summary>The rules' caps were not refreshed by their validity time (local).</summary>
    internal sealed record RuleCapsExpired(DateTimeOffset ValidUntil);

    /// <summary>Asks the topology keeper again until it answered (local).</summary>
    internal sealed record AskTopology
    {
        public static AskTopology Instance { get; } = new();
    }
}

/// <summary>
/// The site's allocator, run as a cluster singleton. It holds only soft state: a fresh
/// <see cref="GrantLedger"/> at every start, rebuilt from the chargers' reports (invariant 3
/// keeps the site safe meanwhile). It answers each report with a lease renewal to the report's
/// sender and runs an allocation round every <c>reallocateEvery</c>.
/// <para>The topology is the keeper's (<see cref="SiteTopologyKeeper"/>): the allocator grants
/// nothing until it has the current version (an older one could hold a circuit's old, higher
/// rating), and takes every later version without a restart (<see cref="GrantLedger.ChangeTopology"/>).</para>
/// </summary>
public sealed class SiteAllocator : ReceiveActor, IWithTimers
{
    SiteTopology topology;
    long version = -1;
    readonly LeasePolicy lease;
    readonly AllocationPolicy allocation;
    readonly TimeSpan reallocateEvery;
    readonly Dictionary<ChargerId, IActorRef> members = [];
    readonly Dictionary<ChargerId, double> lastGranted = [];
    readonly Dictionary<ChargerId, (bool Wants, double Offered, bool Under, bool TakesItAll)> lastSeen = [];
    readonly ILoggingAdapter log = Context.GetLogger();
    GrantLedger? ledger;
    bool roundPending;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>How long a new allocator waits for the keeper before it goes by the node's own last version.</summary>
    public static readonly TimeSpan KeeperWait = TimeSpan.FromSeconds(10);

    /// <param name="live">The node's last version (cached on disk across starts): used when the keeper cannot answer
    /// (the site's database is down), so that the site charges on; null: wait for the keeper.</param>
    public static Props Props(SiteTopology topology, LeasePolicy? lease = null, AllocationPolicy? allocation = null, TimeSpan? reallocateEvery = null,
        LiveTopology? live = null) =>
        Akka.Actor.Props.Create(() => new SiteAllocator(topology, lease ?? LeasePolicy.Default, allocation ?? AllocationPolicy.Default,
            reallocateEvery ?? TimeSpan.FromSeconds(1), live));

    readonly LiveTopology? live;

    public SiteAllocator(SiteTopology topology, LeasePolicy lease, AllocationPolicy allocation, TimeSpan reallocateEvery, LiveTopology? live)
    {
        this.live = live;
        this.topology = topology;
        this.lease = lease;
        this.allocation = allocation;
        this.reallocateEvery = reallocateEvery;

        Receive<SiteTopologyProtocol.TopologyPublished>(OnTopology);
        Receive<SiteAllocatorProtocol.AskTopology>(_ =>
            Context.ActorSelection($"/user/{SiteTopologyProtocol.KeeperProxyName}").Tell(SiteTopologyProtocol.GetTopology.Instance));
        Receive<SubscribeAck>(_ => { });
        Receive<Planning.SiteRulesProtocol.RuleCapsPublished>(OnRuleCaps);
        Receive<SiteAllocatorProtocol.RuleCapsExpired>(e =>
        {
            if (e.ValidUntil != ruleCapsUntil || ruleCaps.Count == 0) return;
            log.Warning("The rules' caps were not refreshed by {0:O} (is the rules planner down?): dropped, the allocator shares the amps without them",
                e.ValidUntil);
            ruleCaps = new Dictionary<ChargerId, RuleCap>();
            ledger?.SetRuleCaps(ruleCaps);
            RoundSoon(TimeSpan.Zero);
        });
        Receive<SiteAllocatorProtocol.KeeperSilent>(_ =>
        {
            if (ledger is not null || this.live is null) return;
            var own = this.live.Current;
            log.Warning("The site's topology keeper did not answer within {0} s (is the site's database down?): allocating by this node's last version {1}",
                KeeperWait.TotalSeconds, own.Version);
            Start(own);
        });
        // Until the topology is known nothing is granted or renewed: the members' leases run on.
        Receive<ChargerReport>(r => ledger is not null, OnReport);
        Receive<ChargerReport>(_ => { });
        Receive<SiteAllocatorProtocol.Reallocate>(_ => OnReallocate());
        Receive<SiteAllocatorProtocol.ReallocateNow>(_ =>
        {
            roundPending = false;
            OnReallocate();
        });
        Receive<SiteAllocatorProtocol.GetLedger>(_ =>
        {
            var now = Now;
            Sender.Tell(ledger is null
                ? new SiteAllocatorProtocol.LedgerState(0, now, true, [])
                : new SiteAllocatorProtocol.LedgerState(ledger.Epoch, ledger.StartedAt, ledger.IsRebuilding(now), ledger.Snapshot(now)));
        });
    }

    void OnTopology(SiteTopologyProtocol.TopologyPublished published)
    {
        if (published.Version <= version) return;
        var snapshot = TopologySnapshot.From(published);
        var now = Now;
        if (ledger is null)
        {
            Start(snapshot);
            return;
        }
        version = published.Version;
        topology = snapshot.Topology;
        // A removed charger's last grant (0 A) goes to its member; its amps stay counted until its leases are over.
        foreach (var last in ledger.ChangeTopology(topology, now))
            if (members.Remove(last.Charger, out var member)) member.Tell(last);
        log.Info("Site allocator took topology version {0}: {1} chargers", version, topology.Chargers.Count);
        RoundSoon(TimeSpan.Zero);
        ScheduleNextRelease();
    }

    DateTimeOffset Now => Context.System.Scheduler.Now;

    // The rules' caps (timers, budgets, the departure plan): they only lower a grant, and the ledger keeps every
    // invariant whatever they say. Each sending holds until its validity time; one not refreshed by then is dropped.
    IReadOnlyDictionary<ChargerId, RuleCap> ruleCaps = new Dictionary<ChargerId, RuleCap>();
    DateTimeOffset ruleCapsUntil;
    DateTimeOffset ruleCapsMadeAt;

    void OnRuleCaps(Planning.SiteRulesProtocol.RuleCapsPublished published)
    {
        var now = Now;
        if (published.MadeAt < ruleCapsMadeAt || published.ValidUntil <= now) return;
        ruleCapsMadeAt = published.MadeAt;
        ruleCapsUntil = published.ValidUntil;
        var caps = published.Caps.ToDictionary(c => c.Charger, c => new RuleCap(c.Amps, c.Kind, c.Why, c.Planned));
        var changed = caps.Count != ruleCaps.Count || caps.Any(c => !ruleCaps.TryGetValue(c.Key, out var was) || was != c.Value);
        ruleCaps = caps;
        ledger?.SetRuleCaps(ruleCaps);
        Timers.StartSingleTimer("rule-caps", new SiteAllocatorProtocol.RuleCapsExpired(published.ValidUntil), published.ValidUntil - now);
        if (changed) RoundSoon(TimeSpan.Zero);
    }

    void Start(TopologySnapshot snapshot)
    {
        var now = Now;
        version = snapshot.Version;
        topology = snapshot.Topology;
        Timers.Cancel("ask-topology");
        Timers.Cancel("keeper-silent");
        // The epoch orders allocator incarnations for the chargers; wall-clock ticks grow across
        // nodes well enough, and a charger accepts a lower epoch once the higher one's lease ran out.
        ledger = new GrantLedger(topology, Math.Max(1, now.UtcTicks), now, lease, allocation, snapshot.Removed);
        ledger.SetRuleCaps(ruleCaps);
        log.Info("Site allocator started for site '{0}' at topology version {1} (epoch {2}); granting nothing new until every charger reported or {3:O}",
            topology.Name, version, ledger.Epoch, ledger.OldLeasesOverAt);
        Timers.StartPeriodicTimer("reallocate", SiteAllocatorProtocol.Reallocate.Instance, reallocateEvery);
    }

    protected override void PreStart()
    {
        Timers.StartSingleTimer("keeper-silent", SiteAllocatorProtocol.KeeperSilent.Instance, KeeperWait);
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(SiteTopologyProtocol.Topic, Self));
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(Planning.SiteRulesProtocol.CapsTopic, Self));
        Self.Tell(SiteAllocatorProtocol.AskTopology.Instance);
        Timers.StartPeriodicTimer("ask-topology", SiteAllocatorProtocol.AskTopology.Instance, TimeSpan.FromSeconds(1));
    }

    void OnReport(ChargerReport report)
    {
        var ledger = this.ledger!;
        // A unit taken out (or not yet placed) still reports until its node hears of it: no renewal.
        if (!ledger.Knows(report.Charger)) return;
        members[report.Charger] = Sender;
        var exposureBefore = ledger.ExposureOf(report.Charger, Now);
        foreach (var grant in ledger.OnReport(report, Now))
        {
            Sender.Tell(grant);
            lastGranted[grant.Charger] = grant.Amps;
        }

        // A vehicle that starts or stops asking, a new offer applied, a decrease followed or a
        // vehicle that comes to take all of its offer (a capped one asks for more) may let the
        // allocator move amps: run a round now instead of at the next tick (one at a time, so a
        // burst of reports makes one round).
        var seen = (report.WantsCurrent, Math.Round(report.OfferedAmps, 1),
            report.DrawnAmps.Max <= report.OfferedAmps + lease.MeterToleranceAmps,
            report.DrawnAmps.Max >= report.OfferedAmps - allocation.AsksForMoreWithinAmps);
        var changed = !lastSeen.TryGetValue(report.Charger, out var before) || before != seen;
        lastSeen[report.Charger] = seen;
        // A report that ends a held decrease frees amps for others: hand them on now.
        var released = ledger.ExposureOf(report.Charger, Now) < exposureBefore;
        if (changed || released) RoundSoon(TimeSpan.Zero);
    }

    void RoundSoon(TimeSpan after)
    {
        if (after > TimeSpan.Zero)
        {
            Timers.StartSingleTimer("after-window", SiteAllocatorProtocol.ReallocateNow.Instance, after);
            return;
        }
        if (roundPending) return;
        roundPending = true;
        Self.Tell(SiteAllocatorProtocol.ReallocateNow.Instance);
    }

    // A singleton whose node is leaving is about to hand over; its successor rebuilds from the
    // chargers' reports, which may not show an increase sent now. So a leaving allocator only
    // renews (OnReport never raises a grant) and leaves the rounds to its successor.
    bool Leaving => Context.System is ExtendedActorSystem { Provider: Akka.Cluster.ClusterActorRefProvider }
        && Akka.Cluster.Cluster.Get(Context.System).SelfMember.Status is not (Akka.Cluster.MemberStatus.Up or Akka.Cluster.MemberStatus.WeaklyUp);

    void OnReallocate()
    {
        if (Leaving || ledger is null) return;
        var decreased = false;
        foreach (var grant in ledger.Reallocate(Now))
        {
            if (members.TryGetValue(grant.Charger, out var member)) member.Tell(grant);
            decreased |= lastGranted.TryGetValue(grant.Charger, out var before) && grant.Amps < before;
            lastGranted[grant.Charger] = grant.Amps;
        }
        // Amps freed by a decrease may move once the vehicle's window has passed (invariant 2):
        // look again right then rather than up to a tick later. Each decrease has its own window,
        // so the round after one release is scheduled for the next.
        if (decreased || afterWindowDue is not null)
            ScheduleNextRelease();
    }

    DateTimeOffset? afterWindowDue;

    void ScheduleNextRelease()
    {
        var now = Now;
        if (ledger?.NextRelease(now) is not { } at)
        {
            afterWindowDue = null;
            return;
        }
        var due = at + TimeSpan.FromMilliseconds(50);
        if (afterWindowDue is { } pending && pending > now && pending <= due) return;
        afterWindowDue = due;
        RoundSoon(due - now);
    }
}
