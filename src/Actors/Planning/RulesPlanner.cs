using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using NodaTime;
using NodaTime.Extensions;
using SmartElek.Planning;
using SmartElek.Site.Allocation;
using SmartElek.Site.Topology;
using SmartElek.Tariffs;
using static SmartElek.Actors.Planning.SiteRulesProtocol;

namespace SmartElek.Actors.Planning;

/// <summary>
/// The site's plan, as soft state beside the rules keeper (its child, so a singleton too): planned again at every
/// quarter hour and whenever reality differs from it (a rules change, a vehicle that starts or stops asking, a
/// vehicle that draws clearly less than its plan, a price update, a topology change). Every
/// <see cref="SiteRulesSettings.CapsEvery"/>, and after every plan, it sends the caps of the slot now to the allocator
/// (<see cref="RuleCapsPublished"/>). A solver that fails or throws leaves no plan: timers and budgets still cap, and the
/// allocator shares the amps as it would without a plan.
/// </summary>
public sealed class RulesPlanner : ReceiveActor, IWithTimers
{
    /// <summary>The rules as the keeper holds them now (after each change).</summary>
    internal sealed record RulesNow(SiteRules Rules);

    /// <summary>The chargers and the topology as the keeper looked at them.</summary>
    internal sealed record Observe(IReadOnlyDictionary<ChargerId, LiveCharger> Live, SiteTopology Topology);

    sealed record Replan(string Why);

    sealed record Planned(long Generation, RulePlanRequest? Question, SitePlan? Plan, string? Error, TimeSpan Took, string Why);

    sealed record SendCaps
    {
        public static SendCaps Instance { get; } = new();
    }

    readonly SiteRulesSettings settings;
    readonly ILoggingAdapter log = Context.GetLogger();
    readonly Action<TariffBook> onPrices;
    SiteRules? rules;
    IReadOnlyDictionary<ChargerId, LiveCharger> live = new Dictionary<ChargerId, LiveCharger>();
    SiteTopology? topology;
    RulePlanRequest? question;
    SitePlan? plan;
    Instant? madeAt;
    string? note;
    long generation;
    bool planning;
    string? again;
    Dictionary<ChargerId, RuleCap> capsNow = [];
    DateTimeOffset? capsValidUntil;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(SiteRulesSettings settings) => Akka.Actor.Props.Create(() => new RulesPlanner(settings));

    public RulesPlanner(SiteRulesSettings settings)
    {
        this.settings = settings;
        var self = Self;
        onPrices = _ => self.Tell(new Replan("the prices changed"));

        Receive<RulesNow>(r =>
        {
            var changed = rules is null || RulesChangedForPlan(rules, r.Rules);
            rules = r.Rules;
            if (changed) Self.Tell(new Replan("the rules changed"));
            else SendCapsNow();
        });
        Receive<Observe>(OnObserve);
        Receive<Replan>(r => StartPlan(r.Why));
        Receive<Planned>(OnPlanned);
        Receive<SendCaps>(_ => SendCapsNow());
        Receive<GetPlan>(_ => Sender.Tell(RulesViews.Plan(rules ?? SiteRules.Empty(settings.Zone), question, plan, madeAt,
            settings.Tariffs.Current?.Currency, note, capsNow, capsValidUntil)));
    }

    // Energy counted for budgets changes the plan only when a budget becomes spent (the caps say so at once) or its remainder
    // falls under a target; the quarter-hour plan takes that. Everything else is a change the plan must follow now.
    static bool RulesChangedForPlan(SiteRules before, SiteRules now) =>
        before.Targets != now.Targets || before.Timers != now.Timers || before.Budgets != now.Budgets || before.Lifted != now.Lifted
        || before.Drivers != now.Drivers || before.Shortfall != now.Shortfall;

    Instant Now => Instant.FromDateTimeOffset(Context.System.Scheduler.Now);

    protected override void PreStart()
    {
        settings.Tariffs.Changed += onPrices;
        Timers.StartPeriodicTimer("caps", SendCaps.Instance, settings.CapsEvery);
        ArmQuarterHour();
    }

    protected override void PostStop() => settings.Tariffs.Changed -= onPrices;

    void ArmQuarterHour()
    {
        var now = Now;
        var next = SiteClock.SlotOf(now) + SiteClock.Slot;
        // A moment after the boundary, so that the new plan's slot 0 is the new quarter hour.
        Timers.StartSingleTimer("quarter-hour", new Replan("a new quarter hour"), (next - now).ToTimeSpan() + TimeSpan.FromMilliseconds(200));
    }

    void OnObserve(Observe o)
    {
        var before = live;
        live = o.Live;
        var topologyChanged = topology is not null && !ReferenceEquals(topology, o.Topology);
        topology = o.Topology;
        string? why = null;
        if (topologyChanged) why = "the topology changed";
        foreach (var (id, now) in live)
        {
            var was = before.GetValueOrDefault(id);
            if (was is null || was.Plugged != now.Plugged || was.Asking != now.Asking || was.SessionId != now.SessionId)
            {
                // Only a vehicle that matters to a plan: one with a target, or one whose reserve the plan must keep.
                if (rules?.Targets.Count > 0) why ??= $"{id}: a vehicle {(now.Asking ? "asks for energy" : now.Plugged ? "stopped asking" : "left")}";
            }
            else if (DrawsLessThanPlanned(now)) why ??= $"{id}: the vehicle draws {now.DrawnAmps:0.#} A, less than planned";
        }
        if (why is not null) StartPlan(why);
    }

    bool DrawsLessThanPlanned(LiveCharger c)
    {
        if (plan is null || question is null || !c.Asking || c.OfferedAmps < SiteTopology.MinimumChargingAmps) return false;
        var p = plan.Chargers.FirstOrDefault(x => x.Id == c.Id);
        if (p is null) return false;
        var slot = (int)((SiteClock.SlotOf(Now) - question.Start).BclCompatibleTicks / SiteClock.Slot.BclCompatibleTicks);
        var planned = slot >= 0 && slot < p.Amps.Length ? p.Amps[slot] : 0;
        return c.DrawnAmps < c.OfferedAmps - settings.DrawsLessByAmps && c.DrawnAmps < planned - settings.DrawsLessByAmps;
    }

    void StartPlan(string why)
    {
        if (why == "a new quarter hour") ArmQuarterHour();
        if (rules is null || topology is null)
        {
            // Not looked at the site yet: the first look plans.
            if (rules is not null && topology is null) topology = settings.Topology();
            else return;
        }
        if (planning)
        {
            again ??= why;
            return;
        }
        planning = true;
        var id = ++generation;
        var inputs = new PlanInputs(topology, live, settings.Tariffs.Current, Now)
        {
            VoltsLineToLine = settings.VoltsLineToLine,
            DrawsLessByAmps = settings.DrawsLessByAmps,
        };
        var r = rules;
        // The solver runs off the actor's thread: the caps keep going out meanwhile.
        Task.Run(() =>
        {
            var started = DateTime.UtcNow;
            try
            {
                var q = RulePlanning.Request(r, inputs);
                return new Planned(id, q, q is null ? null : SitePlanner.Plan(q.Request), null, DateTime.UtcNow - started, why);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException)
            {
                return new Planned(id, null, null, $"{e.GetType().Name}: {e.Message}", DateTime.UtcNow - started, why);
            }
        }).PipeTo(Self, failure: e => new Planned(id, null, null, $"{e.GetType().Name}: {e.Message}", TimeSpan.Zero, why));
    }

    void OnPlanned(Planned p)
    {
        planning = false;
        madeAt = Now;
        question = p.Question;
        plan = p.Plan;
        var tariffs = settings.Tariffs.Current;
        if (p.Error is { } error)
        {
            note = $"no plan: the planner failed ({error}); timers and budgets still apply, targets are not planned";
            log.Warning("Site plan ({0}) failed: {1}; charging goes on without plan caps", p.Why, error);
        }
        else
        {
            note = p.Question is null ? "nothing to plan: no charger with a departure target has a vehicle plugged in"
                : tariffs is null ? "no tariffs are configured: every target is planned as fast as the site allows, and nothing is priced" : null;
            if (plan is not null)
                log.Info("Site plan made ({0}) in {1:0} ms: {2} chargers, {3}; {4} misses", p.Why, p.Took.TotalMilliseconds, plan.Chargers.Count,
                    plan.Method, plan.Misses.Count());
        }
        SendCapsNow();
        if (again is { } why)
        {
            again = null;
            StartPlan(why);
        }
    }

    void SendCapsNow()
    {
        if (rules is null) return;
        var now = Now;
        var site = topology ?? settings.Topology();
        capsNow = RulePlanning.Caps(rules, site, plan, question?.Start ?? now, now);
        var at = now.ToDateTimeOffset();
        capsValidUntil = at + settings.CapsValidFor;
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Publish(CapsTopic, new RuleCapsPublished(rules.Version, at, capsValidUntil.Value,
            [.. capsNow.OrderBy(c => c.Key.Value, StringComparer.Ordinal).Select(c => RulesViews.Cap(c.Key, c.Value))])));
    }
}
