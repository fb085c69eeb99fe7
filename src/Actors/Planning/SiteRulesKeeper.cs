using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using NodaTime;
using SmartElek.Planning;
using SmartElek.Site.Topology;
using SmartElek.Tariffs;
using static SmartElek.Actors.Planning.SiteRulesProtocol;

namespace SmartElek.Actors.Planning;

/// <summary>
/// What the rules keeper and its planner look at on the node they run on: the site's zone, its topology now, its
/// chargers now (from the node's site view), the node's tariffs; and how often they look.
/// </summary>
public sealed record SiteRulesSettings(
    DateTimeZone Zone,
    Func<SiteTopology> Topology,
    Func<IReadOnlyDictionary<ChargerId, LiveCharger>> Live,
    LiveTariffs Tariffs)
{
    /// <summary>How often the chargers' state is looked at: targets dropped, energy counted for budgets, reality against the plan.</summary>
    public TimeSpan LookEvery { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A session's energy is journalled for its driver's budgets once it grew by this much (or its session ends).</summary>
    public double CountEveryWh { get; init; } = 50;

    /// <summary>How often the caps are sent to the allocator, and how long each sending holds.</summary>
    public TimeSpan CapsEvery { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan CapsValidFor { get; init; } = TimeSpan.FromSeconds(45);

    public double VoltsLineToLine { get; init; } = 240;

    /// <summary>A vehicle that draws this much less than it is offered and than its plan says is planned again.</summary>
    public double DrawsLessByAmps { get; init; } = 2;
}

/// <summary>
/// The site's rules as a persistent cluster singleton (persistenceId <c>site-rules</c>, in the site's journal):
/// every command is judged by <see cref="SiteRules.Decide"/>, stored, answered with <see cref="RulesAnswer"/> and
/// published (<see cref="RulesView"/> on <see cref="SiteRulesProtocol.Topic"/>). Every <see cref="SiteRulesSettings.LookEvery"/>
/// it looks at the chargers: drops targets whose departure passed or session ended, and journals the energy drivers'
/// sessions used (so a budget survives any restart). Its child <see cref="RulesPlanner"/> holds the plan (soft state).
/// </summary>
public sealed class SiteRulesKeeper : ReceivePersistentActor, IWithTimers
{
    public const string PersistenceIdValue = "site-rules";

    readonly SiteRulesSettings settings;
    readonly ILoggingAdapter log = Context.GetLogger();
    SiteRules rules;
    IActorRef planner = ActorRefs.Nobody;

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId => PersistenceIdValue;

    public static Props Props(SiteRulesSettings settings) => Akka.Actor.Props.Create(() => new SiteRulesKeeper(settings));

    public SiteRulesKeeper(SiteRulesSettings settings)
    {
        this.settings = settings;
        rules = SiteRules.Empty(settings.Zone);
        Recover<SiteRulesEvents.Event>(e => rules = rules.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            log.Info("Site rules recovered at version {0}: {1} targets, {2} timers, {3} budgets", rules.Version, rules.Targets.Count,
                rules.Timers.Count, rules.Budgets.Count);
            planner = Context.ActorOf(RulesPlanner.Props(settings), "planner");
            planner.Tell(new RulesPlanner.RulesNow(rules));
            Publish();
            Timers.StartPeriodicTimer("look", Look.Instance, settings.LookEvery);
            Self.Tell(Look.Instance);
        });

        Command<SiteRulesCommands.Command>(OnCommand);
        Command<GetRules>(_ => Sender.Tell(View()));
        Command<GetPlan>(g => planner.Forward(g));
        Command<Look>(_ => OnLook());
    }

    Instant Now => Instant.FromDateTimeOffset(Context.System.Scheduler.Now);

    RulesContext ContextNow() => new(Now, settings.Topology(), settings.Live());

    void OnCommand(SiteRulesCommands.Command command)
    {
        var decision = rules.Decide(command, ContextNow());
        if (decision.Refusal is { } refusal)
        {
            Sender.Tell(new RulesAnswer(rules.Version, refusal.Field, refusal.Reason));
            return;
        }
        if (decision.Events.Count == 0)
        {
            Sender.Tell(new RulesAnswer(rules.Version, null, null));
            return;
        }
        var asker = Sender;
        Store(decision.Events, () =>
        {
            log.Info("Site rules version {0}: {1}", rules.Version, command);
            asker.Tell(new RulesAnswer(rules.Version, null, null, MadeId(decision.Events)));
        });
    }

    static string? MadeId(IEnumerable<SiteRulesEvents.Event> events) =>
        events.Select(e => e switch { SiteRulesEvents.TimerSet t => t.TimerId, SiteRulesEvents.BudgetSet b => b.BudgetId, _ => null })
            .LastOrDefault(id => id is not null);

    void OnLook()
    {
        var context = ContextNow();
        var events = rules.Housekeeping(context).Concat(rules.CountEnergy(context, settings.CountEveryWh)).ToList();
        if (events.Count > 0)
            Store(events, () =>
            {
                foreach (var e in events.OfType<SiteRulesEvents.TargetCleared>()) log.Info("Departure target of {0} dropped: {1}", e.Charger, e.Why);
            });
        planner.Tell(new RulesPlanner.Observe(context.Live, context.Topology));
    }

    void Store(IReadOnlyList<SiteRulesEvents.Event> events, Action then)
    {
        PersistAll(events, e => rules = rules.Apply(e));
        DeferAsync(events, _ =>
        {
            then();
            planner.Tell(new RulesPlanner.RulesNow(rules));
            // Energy counts change only the budgets' figures: the view is asked for; rule changes are published.
            if (events.Any(e => e is not SiteRulesEvents.EnergyCounted)) Publish();
        });
    }

    RulesView View() => RulesViews.Of(rules, Now);

    void Publish() => DistributedPubSub.Get(Context.System).Mediator.Tell(new Publish(Topic, View()));

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        log.Error(cause, "Site rules: the journal did not take {0}; the keeper restarts from the journal", @event.GetType().Name);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    sealed record Look
    {
        public static Look Instance { get; } = new();
    }
}
