using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using SmartElek.Site.Commissioning;
using static SmartElek.Actors.Site.SiteTopologyProtocol;

namespace SmartElek.Actors.Site;

/// <summary>
/// The site's topology as a persistent cluster singleton (persistenceId <c>site-topology</c>, in the
/// site's journal). On the site's first start it stores the configuration file's topology as its
/// first event; afterwards every change the operator makes is validated by
/// <see cref="SiteTopologyState.Decide"/>, stored, and published to every node
/// (<see cref="SiteTopologyProtocol.Topic"/>). Units waiting to join are soft state: a node
/// announces them while permit-join is open, and they drop out when it stops.
/// </summary>
public sealed class SiteTopologyKeeper : ReceivePersistentActor, IWithTimers
{
    public const string PersistenceIdValue = "site-topology";

    /// <summary>A pending unit that has not announced itself for this long is no longer shown.</summary>
    public static readonly TimeSpan PendingFor = TimeSpan.FromSeconds(10);

    readonly string seedJson;
    readonly ILoggingAdapter log = Context.GetLogger();
    readonly Dictionary<ChargerId, PendingCharger> pending = [];
    SiteTopologyState? state;

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId => PersistenceIdValue;

    /// <param name="seedJson">The configuration file's topology (site.json), stored only when the journal holds none.</param>
    public static Props Props(string seedJson) => Akka.Actor.Props.Create(() => new SiteTopologyKeeper(seedJson));

    public SiteTopologyKeeper(string seedJson)
    {
        this.seedJson = seedJson;
        Recover<TopologyEvents.Seeded>(e => state = SiteTopologyState.From(e));
        Recover<IWireMessage>(e => state = state?.Apply(e) ?? throw new InvalidOperationException($"topology event {e.GetType().Name} before the seed"));
        Recover<RecoveryCompleted>(_ =>
        {
            if (state is not null)
            {
                log.Info("Site topology recovered at version {0}", state.Version);
                Publish();
                return;
            }
            Persist(SiteTopologyState.Seed(seedJson, Now), e =>
            {
                state = SiteTopologyState.From(e);
                log.Info("Site topology seeded from the configuration file (version 1)");
                Publish();
            });
        });

        Command<GetTopology>(_ => Sender.Tell(Published()));
        Command<TopologyCommands.Command>(OnChange);
        Command<Announce>(OnAnnounce);
        Command<Tick>(_ =>
        {
            var now = Now;
            var gone = pending.Values.Where(p => now - p.LastSeen > PendingFor).Select(p => p.Charger).ToList();
            foreach (var id in gone) pending.Remove(id);
            if (gone.Count > 0) Publish();
        });
    }

    DateTimeOffset Now => Context.System.Scheduler.Now;

    protected override void PreStart()
    {
        base.PreStart();
        Timers.StartPeriodicTimer("expire", Tick.Instance, TimeSpan.FromSeconds(1));
    }

    void OnChange(TopologyCommands.Command command)
    {
        var decision = state!.Decide(command, Now);
        if (decision.Refusal is { } refusal)
        {
            Sender.Tell(new ChangeAnswer(state.Version, refusal.Errors));
            return;
        }
        if (decision.Events.Count == 0)
        {
            Sender.Tell(new ChangeAnswer(state.Version, null));
            return;
        }
        var asker = Sender;
        PersistAll(decision.Events, e => state = state.Apply(e));
        DeferAsync(command, _ =>
        {
            foreach (var e in decision.Events)
                if (e is TopologyEvents.ChargerPlaced placed) pending.Remove(placed.Charger);
            log.Info("Site topology version {0}: {1}", state.Version, command);
            asker.Tell(new ChangeAnswer(state.Version, null));
            Publish();
        });
    }

    void OnAnnounce(Announce a)
    {
        var now = Now;
        if (!state!.PermitJoinOpen(now) || state.Topology.ChargerById.ContainsKey(a.Charger)) return;
        var isNew = !pending.TryGetValue(a.Charger, out var was);
        pending[a.Charger] = new PendingCharger(a.Charger, a.Node, was?.FirstSeen ?? now, now);
        if (isNew)
        {
            log.Info("Charger {0} on {1} asks to join the site", a.Charger, a.Node);
            Publish();
        }
    }

    TopologyPublished Published() => TopologySnapshot.Publish(state!, [.. pending.Values.OrderBy(p => p.FirstSeen)]);

    void Publish() => DistributedPubSub.Get(Context.System).Mediator.Tell(new Publish(Topic, Published()));

    sealed record Tick
    {
        public static Tick Instance { get; } = new();
    }
}
