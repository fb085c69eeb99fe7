using Akka.Actor;
using Akka.Cluster;
using SmartElek.Actors.Site;
using SmartElek.Site.View;
using static SmartElek.Actors.SiteView.SiteViewProtocol;
using View = SmartElek.Site.View.SiteView;

namespace SmartElek.Actors.SiteView;

/// <summary>
/// This node's view of the whole site: holds a <see cref="View"/> projection and applies the
/// nodes' status batches, the cluster's reachability and membership, and the allocator's ledger
/// (asked every second); hands each new projection to the <see cref="SiteViewStore"/>.
/// </summary>
public sealed class SiteViewActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan LedgerEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FullAskEvery = TimeSpan.FromSeconds(2);
    private readonly SiteViewStore _store;
    private readonly IActorRef _allocator;
    private readonly Dictionary<string, DateTimeOffset> _fullAsked = new(StringComparer.Ordinal);
    private View _view;
    private bool _ledgerAsked;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(SiteViewStore store, IActorRef allocator) =>
        Akka.Actor.Props.Create(() => new SiteViewActor(store, allocator));

    public SiteViewActor(SiteViewStore store, IActorRef allocator)
    {
        _store = store;
        _allocator = allocator;
        _view = store.Current;

        Receive<StatusBatch>(b =>
        {
            Apply(new SiteViewEvent.BatchReceived(b.Node, b.Publisher, b.Seq, b.Full, b.Chargers, Now));
            if (_view.NeedsFull(b.Node) && (!_fullAsked.TryGetValue(b.Node, out var at) || Now - at >= FullAskEvery))
            {
                _fullAsked[b.Node] = Now;
                Sender.Tell(new SendFull(b.Publisher));
            }
        });
        Receive<ClusterEvent.UnreachableMember>(m => Apply(new SiteViewEvent.NodeUnreachable(m.Member.Address.ToString(), Now)));
        Receive<ClusterEvent.ReachableMember>(m => Apply(new SiteViewEvent.NodeReachable(m.Member.Address.ToString(), Now)));
        Receive<ClusterEvent.MemberUp>(m => Apply(new SiteViewEvent.NodeReachable(m.Member.Address.ToString(), Now)));
        Receive<ClusterEvent.MemberRemoved>(m => Apply(new SiteViewEvent.NodeRemoved(m.Member.Address.ToString(), Now)));
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
        Receive<LedgerTick>(_ =>
        {
            if (_ledgerAsked) return;
            _ledgerAsked = true;
            _allocator.Ask<SiteAllocatorProtocol.LedgerState>(SiteAllocatorProtocol.GetLedger.Instance, LedgerEvery + LedgerEvery).PipeTo(Self);
        });
        Receive<SiteAllocatorProtocol.LedgerState>(l =>
        {
            _ledgerAsked = false;
            Apply(new SiteViewEvent.AllocationReceived(l.Rebuilding, l.Chargers, Now));
        });
        // The allocator did not answer (moving, or this node is between lives): the view keeps the last ledger and its time.
        Receive<Status.Failure>(_ => _ledgerAsked = false);
    }

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    protected override void PreStart()
    {
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer("ledger", LedgerTick.Instance, TimeSpan.FromMilliseconds(100), LedgerEvery);
    }

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private void Apply(SiteViewEvent e)
    {
        _view = _view.Apply(e);
        _store.Set(_view);
    }
}

/// <summary>Starts the site view, this node's status publisher (and the command router) in every cluster life.</summary>
public sealed class SiteViewLife(SiteViewStore store, PublisherPacing? pacing = null) : ISiteLifeService
{
    public void Start(SiteLifeStart life)
    {
        ArgumentNullException.ThrowIfNull(life);
        life.System.ActorOf(SiteViewActor.Props(store, life.AllocatorProxy), ViewName);
        var publisher = life.System.ActorOf(NodeStatusPublisher.Props([.. life.AllUnits.Select(u => (u.Id, u.Unit))], pacing), PublisherName);
        life.System.ActorOf(ChargerCommandRouter.Props(life.Units, publisher), ChargerCommandProtocol.RouterName);
        store.Started(life, Cluster.Get(life.System).SelfAddress.ToString());
    }
}
