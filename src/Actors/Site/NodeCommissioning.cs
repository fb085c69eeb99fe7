using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using SmartElek.Actors.Charger;
using SmartElek.Actors.SiteView;
using SmartElek.Charger.Leds;
using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using static SmartElek.Actors.Site.SiteTopologyProtocol;

namespace SmartElek.Actors.Site;

/// <summary>Messages of a node's commissioning actor.</summary>
public static class NodeCommissioningProtocol
{
    public const string Name = "node-commissioning";

    /// <summary>A unit powered up on this node while the life runs (the simulator's new unit).</summary>
    public sealed record UnitAdded(SiteUnit Unit);

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
    long heard = -1;
    int made;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IEnumerable<SiteUnit> units, IEnumerable<SiteLifeUnit> joined, LiveTopology live, IActorRef allocator,
        LeasePolicy lease, AllocationPolicy? allocation) =>
        Akka.Actor.Props.Create(() => new NodeCommissioning(units, joined, live, allocator, lease, allocation));

    public NodeCommissioning(IEnumerable<SiteUnit> units, IEnumerable<SiteLifeUnit> joined, LiveTopology live, IActorRef allocator,
        LeasePolicy lease, AllocationPolicy? allocation)
    {
        this.units = [.. units];
        this.joined = joined.ToDictionary(u => u.Id);
        this.live = live;
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
        Receive<NodeCommissioningProtocol.Tick>(_ =>
        {
            Keeper.Tell(GetTopology.Instance);
            Announce();
        });
        Receive<SubscribeAck>(_ => { });
    }

    ActorSelection Keeper => Context.System.ActorSelection($"/user/{KeeperProxyName}");

    protected override void PreStart()
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(Topic, Self));
        Keeper.Tell(GetTopology.Instance);
        Timers.StartPeriodicTimer("tick", NodeCommissioningProtocol.Tick.Instance, AnnounceEvery);
    }

    void Reconcile()
    {
        var topology = live.Current.Topology;
        foreach (var unit in units)
        {
            var placed = topology.ChargerById.TryGetValue(unit.Id, out var placement);
            if (placed && !joined.ContainsKey(unit.Id))
            {
                var name = $"{Uri.EscapeDataString(unit.Id.Value)}-{++made}";
                var member = Context.ActorOf(SiteMember.Props(unit.Id, placement!.FailSafeAmps, unit.Unit, allocator, lease, allocation,
                    startUnreserved: true), $"member-{name}");
                var link = Context.ActorOf(ChargerSiteLink.Props(unit.Unit, member), $"link-{name}");
                var life = new SiteLifeUnit(unit.Id, unit.Unit, member, link);
                joined[unit.Id] = life;
                Context.System.ActorSelection($"/user/{ChargerCommandProtocol.RouterName}").Tell(new ChargerCommandProtocol.AddUnit(life));
                Show(unit, Cluster.Get(Context.System).SelfMember.Status == MemberStatus.Up ? NetworkIndication.Connected : NetworkIndication.Searching);
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
