using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using SmartElek.Actors.Charger;
using SmartElek.Actors.SiteView;
using SmartElek.Charger.Leds;
using System.Collections.Concurrent;
using Akka.Event;
using SmartElek.Site.Allocation;
using SmartElek.Site.Commissioning;
using SmartElek.Site.Grants;
using static SmartElek.Actors.Site.SiteTopologyProtocol;

namespace SmartElek.Actors.Site;

/// <summary>Messages of a node's commissioning actor.</summary>
public static class NodeCommissioningProtocol
{
    public const string Name = "node-commissioning";

    /// <summary>A unit powered up on this node while the life runs (the simulator's new unit).</summary>
    public sealed record UnitAdded(SiteUnit Unit);

    /// <summary>
    /// From a unit's site link: whether its radio holds the site's membership (false after 13 SET taps).
    /// Not a dead letter when no commissioning listens: a life's links start before its commissioning,
    /// which asks every unit for its status when it starts.
    /// </summary>
    public sealed record UnitNetworkChanged(ChargerId Charger, bool Joined) : IDeadLetterSuppression;

    internal sealed record TakenOut(ChargerId Charger, SiteTopologyProtocol.ChangeAnswer Answer);

    internal sealed record TakeOutFailed(ChargerId Charger, string Reason);

    internal sealed record Tick
    {
        public static Tick Instance { get; } = new();
    }
}

/// <summary>
/// One per node and cluster life: follows the topology keeper's versions (pub-sub, and asking on
/// start and every few seconds) into the node's <see cref="LiveTopology"/>, and keeps the node's
/// units in step with it. A unit placed in the topology gets a site member (starting at 0 A until
/// its first grant: its fail-safe share is not reserved yet) and a link; a unit taken out gets 0 A
/// from its member, which stops. A unit not in the topology is pending: while permit-join is open it
/// announces itself to the keeper every <see cref="AnnounceEvery"/> and its NETWORK LED flashes once
/// a second (the manual's "waiting to join"); otherwise it flashes fast, searching.
/// <para>A placed unit whose radio left the site's network (13 SET taps, the manual's factory reset and
/// leave) is taken out of the topology by its node (the keeper's <c>RemoveCharger</c>, asked until it
/// answers), so that it is pending like a new unit; placed again, its node tells it to join
/// (<see cref="ChargerProtocol.JoinSite"/>) and it is granted again.</para>
/// </summary>
public sealed class NodeCommissioning : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan AnnounceEvery = TimeSpan.FromSeconds(2);

    readonly List<SiteUnit> units;
    readonly Dictionary<ChargerId, SiteLifeUnit> joined;
    readonly LiveTopology live;
    readonly IActorRef allocator;
    readonly LeasePolicy lease;
    readonly AllocationPolicy? allocation;
    readonly Dictionary<ChargerId, NetworkIndication> shown = [];
    readonly LeftUnits left;
    // Placed units whose radio left and that the keeper has not taken out yet; those asked right now.
    readonly HashSet<ChargerId> offSite = [];
    readonly HashSet<ChargerId> takingOut = [];
    // The version each site member was made at: one older than a unit's leaving belongs to its old placement.
    readonly Dictionary<ChargerId, long> memberSince = [];
    readonly ILoggingAdapter log = Context.GetLogger();
    long heard = -1;
    int made;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="left">The node's units that left the site's network, kept across its cluster lives.</param>
    public static Props Props(IEnumerable<SiteUnit> units, IEnumerable<SiteLifeUnit> joined, LiveTopology live, IActorRef allocator,
        LeasePolicy lease, AllocationPolicy? allocation, LeftUnits? left = null) =>
        Akka.Actor.Props.Create(() => new NodeCommissioning(units, joined, live, allocator, lease, allocation, left ?? new LeftUnits()));

    public NodeCommissioning(IEnumerable<SiteUnit> units, IEnumerable<SiteLifeUnit> joined, LiveTopology live, IActorRef allocator,
        LeasePolicy lease, AllocationPolicy? allocation, LeftUnits left)
    {
        this.units = [.. units];
        this.joined = joined.ToDictionary(u => u.Id);
        this.live = live;
        this.left = left;
        foreach (var id in this.joined.Keys) memberSince[id] = live.Current.Version;
        this.allocator = allocator;
        this.lease = lease;
        this.allocation = allocation;

        Receive<TopologyPublished>(p =>
        {
            if (p.Version < heard) return;
            heard = p.Version;
            live.Offer(p);
            Reconcile();
        });
        Receive<NodeCommissioningProtocol.UnitAdded>(a =>
        {
            if (this.units.Any(u => u.Id == a.Unit.Id)) return;
            this.units.Add(a.Unit);
            Context.System.ActorSelection($"/user/{SiteViewProtocol.PublisherName}").Tell(new SiteViewProtocol.AddUnit(a.Unit.Id, a.Unit.Unit));
            Reconcile();
        });
        Receive<NodeCommissioningProtocol.UnitNetworkChanged>(OnUnitNetwork);
        // Asked once at start: a unit that left while the node was out of the cluster still says so.
        Receive<SmartElek.Actors.Charger.ChargerStatus>(s =>
        {
            if (!s.SiteJoined) OnUnitNetwork(new NodeCommissioningProtocol.UnitNetworkChanged(s.ChargerId, false));
        });
        Receive<NodeCommissioningProtocol.TakenOut>(t =>
        {
            takingOut.Remove(t.Charger);
            offSite.Remove(t.Charger);
            if (t.Answer.Errors is { } errors && live.Current.Topology.ChargerById.ContainsKey(t.Charger))
            {
                // Only a site the file's rules would refuse without it (its last charger) keeps it: it stays placed, off the network.
                log.Warning("Charger {0} left the site's network; the site keeps it in its topology: {1}", t.Charger,
                    string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
                return;
            }
            left.TookOut(t.Charger, t.Answer.Version);
            log.Info("Charger {0} left the site's network: out of the topology from version {1}; pending while permit-join is open",
                t.Charger, t.Answer.Version);
        });
        Receive<NodeCommissioningProtocol.TakeOutFailed>(f =>
        {
            takingOut.Remove(f.Charger);
            log.Warning("Charger {0} left the site's network; taking it out of the topology failed ({1}); asking again", f.Charger, f.Reason);
        });
        Receive<NodeCommissioningProtocol.Tick>(_ =>
        {
            Keeper.Tell(GetTopology.Instance);
            foreach (var id in offSite.ToList()) TakeOut(id);
            Announce();
        });
        Receive<SubscribeAck>(_ => { });
    }

    ActorSelection Keeper => Context.System.ActorSelection($"/user/{KeeperProxyName}");

    protected override void PreStart()
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(Topic, Self));
        Keeper.Tell(GetTopology.Instance);
        foreach (var member in joined.Values) member.Unit.Tell(ChargerProtocol.GetStatus.Instance);
        Timers.StartPeriodicTimer("tick", NodeCommissioningProtocol.Tick.Instance, AnnounceEvery);
    }

    void OnUnitNetwork(NodeCommissioningProtocol.UnitNetworkChanged changed)
    {
        var unit = units.FirstOrDefault(u => u.Id == changed.Charger);
        if (unit is null) return;
        if (changed.Joined)
        {
            left.Forget(unit.Id);
            offSite.Remove(unit.Id);
            return;
        }
        var current = live.Current;
        if (!current.Topology.ChargerById.ContainsKey(unit.Id)) return;
        if (left.TryGetValue(unit.Id, out var outAt))
        {
            // Placed again since it was taken out (maybe while this node was between lives): it joins.
            if (current.Version > outAt) unit.Unit.Tell(ChargerProtocol.JoinSite.Instance);
            return;
        }
        offSite.Add(unit.Id);
        TakeOut(unit.Id);
    }

    void TakeOut(ChargerId id)
    {
        if (!live.Current.Topology.ChargerById.ContainsKey(id) || left.TryGetValue(id, out _) || !takingOut.Add(id)) return;
        Keeper.Ask<ChangeAnswer>(new TopologyCommands.RemoveCharger(id.Value), TimeSpan.FromSeconds(5)).PipeTo(Self,
            success: a => new NodeCommissioningProtocol.TakenOut(id, a),
            failure: e => new NodeCommissioningProtocol.TakeOutFailed(id, e.Message));
    }

    void Reconcile()
    {
        var current = live.Current;
        var topology = current.Topology;
        foreach (var unit in units)
        {
            var placed = topology.ChargerById.TryGetValue(unit.Id, out var placement);
            // Placed again after it left: a member still kept from its old placement goes (a version was missed).
            var outAt = 0L;
            var again = placed && left.TryGetValue(unit.Id, out outAt) && current.Version > outAt;
            if (again && joined.TryGetValue(unit.Id, out var stale) && memberSince.GetValueOrDefault(unit.Id) <= outAt)
            {
                joined.Remove(unit.Id);
                stale.Member.Tell(SiteMemberProtocol.Leave.Instance);
            }
            if (placed && !joined.ContainsKey(unit.Id))
            {
                var name = $"{Uri.EscapeDataString(unit.Id.Value)}-{++made}";
                var member = Context.ActorOf(SiteMember.Props(unit.Id, placement!.FailSafeAmps, unit.Unit, allocator, lease, allocation,
                    startUnreserved: true), $"member-{name}");
                var link = Context.ActorOf(ChargerSiteLink.Props(unit.Unit, member), $"link-{name}");
                var life = new SiteLifeUnit(unit.Id, unit.Unit, member, link);
                joined[unit.Id] = life;
                memberSince[unit.Id] = current.Version;
                Context.System.ActorSelection($"/user/{ChargerCommandProtocol.RouterName}").Tell(new ChargerCommandProtocol.AddUnit(life));
                // Placed: commissioned, its radio joins the site's network (a unit that left takes grants again).
                unit.Unit.Tell(ChargerProtocol.JoinSite.Instance);
                Show(unit, Cluster.Get(Context.System).SelfMember.Status == MemberStatus.Up ? NetworkIndication.Connected : NetworkIndication.Searching);
            }
            else if (again)
            {
                unit.Unit.Tell(ChargerProtocol.JoinSite.Instance);
            }
            else if (!placed && joined.Remove(unit.Id, out var gone))
            {
                gone.Member.Tell(SiteMemberProtocol.Leave.Instance);
            }
        }
        Announce();
    }

    // Units outside the topology ask to join while permit-join is open, and show it.
    void Announce()
    {
        var now = Context.System.Scheduler.Now;
        var current = live.Current;
        var node = Cluster.Get(Context.System).SelfAddress.ToString();
        foreach (var unit in units.Where(u => !current.Topology.ChargerById.ContainsKey(u.Id)))
        {
            var open = current.PermitJoinOpen(now);
            if (open) Keeper.Tell(new Announce(unit.Id, node));
            Show(unit, open ? NetworkIndication.PermitJoinOpen : NetworkIndication.Searching);
        }
    }

    void Show(SiteUnit unit, NetworkIndication indication)
    {
        if (shown.TryGetValue(unit.Id, out var was) && was == indication) return;
        shown[unit.Id] = indication;
        unit.Unit.Tell(new ChargerProtocol.SetNetworkIndication(indication));
    }
}

/// <summary>
/// The units of one node that left the site's network (13 SET taps) and the topology version from which
/// each is out of it; kept across the node's cluster lives, forgotten once the unit has joined again.
/// </summary>
public sealed class LeftUnits
{
    readonly ConcurrentDictionary<ChargerId, long> outSince = new();

    public void TookOut(ChargerId charger, long version) => outSince[charger] = version;

    public bool TryGetValue(ChargerId charger, out long version) => outSince.TryGetValue(charger, out version);

    public void Forget(ChargerId charger) => outSince.TryRemove(charger, out _);
}
