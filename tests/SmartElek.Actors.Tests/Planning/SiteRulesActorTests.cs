using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using NodaTime;
using NodaTime.Extensions;
using SmartElek.Actors.Planning;
using SmartElek.Actors.Site;
using SmartElek.Actors.Tests.Persistence;
using SmartElek.Actors.Tests.Site;
using SmartElek.Planning;
using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;
using SmartElek.Tariffs;
using Xunit.Abstractions;
using static SmartElek.Actors.Planning.SiteRulesProtocol;
using static SmartElek.Planning.SiteRulesCommands;
using static SmartElek.Site.SiteProtocol;

namespace SmartElek.Actors.Tests.Planning;

// One node: no failure detector or split brain resolver to starve, so it runs beside the other tests, one test at a time.
[CollectionDefinition("site-rules")]
public sealed class SiteRulesCollection;

/// <summary>
/// The rules keeper, its planner and the real allocator singleton on a one-node cluster over 127.0.0.1, with the
/// keeper journalling in a real SQLite file: each charger is a site member (real) in front of a vehicle that takes
/// whatever it is granted. The rules reach the amps only through the allocator's caps.
/// </summary>
[Collection("site-rules")]
public sealed class SiteRulesActorTests(ITestOutputHelper output) : IAsyncLifetime
{
    static readonly LeasePolicy Lease = new()
    {
        LeaseDuration = TimeSpan.FromSeconds(20),
        ReportInterval = TimeSpan.FromSeconds(1),
        SilentAfter = TimeSpan.FromSeconds(5),
    };

    // 3 x 30 A chargers under a 100 A feeder (80 A a line): they share; without one the other two have their rating.
    static readonly SiteTopology Topology = SiteTestSupport.ThreeBranches("rules-test", feederAmps: 100);

    static readonly ChargerId A = new("a"), B = new("b"), C = new("c");
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    readonly TempSqliteDatabase database = new();
    readonly List<ActorSystem> systems = [];
    readonly ConcurrentDictionary<ChargerId, CurrentGrant> grants = new();
    readonly ConcurrentDictionary<ChargerId, LiveCharger> live = new();
    readonly LiveTariffs tariffs = new(null);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Task.WhenAll(systems.Select(s => Task.WhenAny(s.Terminate(), Task.Delay(TimeSpan.FromSeconds(15)))));
        database.Dispose();
    }

    sealed record Node(ActorSystem System, IActorRef Keeper);

    SiteRulesSettings Settings => new(DateTimeZoneProviders.Tzdb["Europe/Berlin"], () => Topology,
        () => live.ToDictionary(p => p.Key, p => p.Value), tariffs)
    {
        LookEvery = TimeSpan.FromMilliseconds(300),
        CapsEvery = TimeSpan.FromSeconds(1),
        CapsValidFor = TimeSpan.FromSeconds(5),
        CountEveryWh = 1,
    };

    async Task<Node> StartSite(bool withChargers = true, bool withKeeper = true)
    {
        var system = ActorSystem.Create("site", SiteTestSupport.FastClusterHocon.WithFallback(database.Database.Config()));
        systems.Add(system);
        var cluster = Cluster.Get(system);
        await cluster.JoinAsync(cluster.SelfAddress);
        // A short minimum pause (2 min on a site): a charger paused by a rule resumes within the test once the rule lets it.
        var allocator = SiteCluster.StartAllocator(system, Topology, Lease, new AllocationPolicy { MinimumPause = TimeSpan.FromSeconds(2) },
            reallocateEvery: TimeSpan.FromMilliseconds(300));
        var keeper = withKeeper ? SiteRulesLife.StartKeeper(system, Settings) : ActorRefs.Nobody;
        if (withChargers)
            foreach (var id in new[] { A, B, C })
            {
                var vehicle = system.ActorOf(Props.Create(() => new Vehicle(id, grants)), $"vehicle-{id}");
                system.ActorOf(SiteMember.Props(id, 0, vehicle, allocator, Lease), $"member-{id}");
                live[id] = new LiveCharger(id, true, true, $"session-{id}", 0, 0, 0, null, null);
            }
        return new Node(system, keeper);
    }

    /// <summary>A vehicle that asks for energy and takes at once whatever it is granted.</summary>
    sealed class Vehicle : ReceiveActor
    {
        public Vehicle(ChargerId id, ConcurrentDictionary<ChargerId, CurrentGrant> grants)
        {
            Receive<CurrentGrant>(g =>
            {
                grants[id] = g;
                Sender.Tell(new SiteMemberProtocol.StatusChanged(new SiteChargerStatus(true, "C", new LineCurrents(g.Amps, g.Amps), g.Amps,
                    g.AllocatorEpoch, g.GrantSeq)));
            });
        }
    }

    async Task WaitFor(string what, Func<bool> condition)
    {
        try
        {
            await SiteTestSupport.WaitFor(what, Patience, condition);
        }
        catch (TimeoutException)
        {
            foreach (var (id, g) in grants.OrderBy(g => g.Key.Value)) output.WriteLine($"{id}: {g.Amps} A, {g.LimitReason}");
            throw;
        }
    }

    static async Task<RulesAnswer> Ask(Node node, Command command)
    {
        var answer = await node.Keeper.Ask<RulesAnswer>(command, TimeSpan.FromSeconds(20));
        Assert.True(answer.Accepted, $"{command} refused: {answer.RefusedField}: {answer.RefusedReason}");
        return answer;
    }

    bool Granted(ChargerId id, Func<CurrentGrant, bool> match) => grants.TryGetValue(id, out var g) && !g.IsFailSafe && match(g);

    [Fact]
    public async Task A_timer_that_blocks_a_charger_now_takes_its_grant_to_0_A_with_the_timers_words_while_the_others_keep_charging()
    {
        var node = await StartSite();
        await WaitFor("every charger granted at least 6 A", () => new[] { A, B, C }.All(id => Granted(id, g => g.Amps >= 6)));

        await Ask(node, new SetTimer(null, TimerScopeKind.Charger, "b", "daily", "00:00", "00:00", TimerEffect.Blocked, null, "operator"));

        await WaitFor("b at 0 A by its timer", () => Granted(B, g => g.Amps == 0 && g.LimitReason.Kind == LimitKind.Timer));
        Assert.Equal("blocked by the timer of charger 'b' daily 00:00-24:00", grants[B].LimitReason.ToString());
        // The other two share the feeder's 80 A without b: each its rating.
        await WaitFor("a and c at their 30 A", () => Granted(A, g => g.Amps == 30) && Granted(C, g => g.Amps == 30));

        // The timer removed, b charges again.
        await Ask(node, new RemoveTimer("timer-1", "operator"));
        await WaitFor("b charging again", () => Granted(B, g => g.Amps >= 6));
    }

    [Fact]
    public async Task Caps_not_refreshed_by_their_validity_are_dropped_and_the_allocator_shares_as_without_them()
    {
        var node = await StartSite(withKeeper: false);
        await WaitFor("every charger granted at least 6 A", () => new[] { A, B, C }.All(id => Granted(id, g => g.Amps >= 6)));
        // One sending of caps, as a planner that then falls silent: b capped at 0 A for 4 s.
        var mediator = Akka.Cluster.Tools.PublishSubscribe.DistributedPubSub.Get(node.System).Mediator;
        var at = DateTimeOffset.UtcNow;
        mediator.Tell(new Akka.Cluster.Tools.PublishSubscribe.Publish(CapsTopic,
            new RuleCapsPublished(1, at, at + TimeSpan.FromSeconds(4), [new CapView(B, 0, LimitKind.Timer, "blocked by a test")])));
        await WaitFor("b at 0 A by the cap", () => Granted(B, g => g.Amps == 0 && g.LimitReason.Kind == LimitKind.Timer));
        await WaitFor("b charging again once the cap ran out", () => Granted(B, g => g.Amps >= 6));
        Assert.True(DateTimeOffset.UtcNow >= at + TimeSpan.FromSeconds(4), "b resumed before its cap ran out");
    }

    [Fact]
    public async Task A_spent_budget_pauses_its_drivers_charger_with_the_budgets_reason()
    {
        var node = await StartSite();
        await Ask(node, new SetDrivers([new SessionDriver(A, "ann", "residents")], "operator"));
        await Ask(node, new SetBudget(null, BudgetScope.Driver, "ann", BudgetPeriod.Day, 2, "operator"));
        await WaitFor("a charging", () => Granted(A, g => g.Amps >= 6));

        // The session moves 2.5 kWh: the keeper counts it and the budget is spent.
        live[A] = live[A] with { SessionWh = 2_500 };
        await WaitFor("a at 0 A by its budget", () => Granted(A, g => g.Amps == 0 && g.LimitReason.Kind == LimitKind.Budget));
        Assert.Equal("the driver's daily budget is spent", grants[A].LimitReason.ToString());
        Assert.True(Granted(B, g => g.Amps >= 6) && Granted(C, g => g.Amps >= 6));
        var view = await node.Keeper.Ask<RulesView>(GetRules.Instance, TimeSpan.FromSeconds(20));
        var budget = Assert.Single(view.Budgets);
        Assert.Equal((2.5, 0.0, true), (budget.UsedKWh, budget.RemainingKWh, budget.Spent));

        // The operator lifts it: a charges again.
        await Ask(node, new LiftBudget(budget.Id, "operator"));
        await WaitFor("a charging after the lift", () => Granted(A, g => g.Amps >= 6));
    }

    static TariffBook FeedBook() => TariffConfiguration.Parse("""
        { "currency": "EUR", "defaultTariff": "market",
          "tariffs": { "market": { "followsFeed": true, "feedMarkupPerKWh": 0,
            "seasons": [ { "name": "all", "from": "01-01", "to": "12-31", "basePerKWh": 0.30, "bands": [] } ] } },
          "feed": { "source": "prices.json", "format": "json", "refreshMinutes": 60, "staleAfterHours": 36 } }
        """);

    /// <summary>Day-ahead prices from the quarter hour now: the given ones, then 0.50.</summary>
    static DayAheadPrices Prices(Instant now, params double[] first)
    {
        var start = SiteClock.SlotOf(now);
        var entries = Enumerable.Range(0, 16).Select(i => new
        {
            start = (start + SiteClock.Slot * i).ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            minutes = 15,
            pricePerKWh = i < first.Length ? first[i] : 0.50,
        });
        return DayAheadPrices.ParseJson(System.Text.Json.JsonSerializer.Serialize(new { prices = entries }), now);
    }

    [Fact]
    public async Task A_target_caps_its_charger_by_the_plans_first_slot_and_a_price_update_replans()
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        // Cheapest now: the plan charges at once.
        tariffs.Replace(FeedBook().WithFeed(Prices(now, 0.05, 0.06, 0.07, 0.08)));
        var node = await StartSite();
        live[B] = live[B] with { Plugged = false, Asking = false, SessionId = null };
        live[C] = live[C] with { Plugged = false, Asking = false, SessionId = null };
        await Ask(node, new SetDepartureTarget("a", now.Plus(Duration.FromHours(3)).ToDateTimeOffset(), null, 4, null, null, null, null,
            ChargeMode.Cheapest, "driver"));

        PlanView plan = null!;
        await WaitFor("a plan for a that charges now", () =>
        {
            plan = node.Keeper.Ask<PlanView>(GetPlan.Instance, TimeSpan.FromSeconds(20)).Result;
            return plan.Chargers.Any(c => c.Charger == A && c.Amps[0] >= 6);
        });
        var a = plan.Chargers.Single(c => c.Charger == A);
        Assert.Equal(4, a.TargetKWh, 3);
        Assert.Equal("EUR", plan.Currency);
        Assert.True(a.Cost > 0 && a.ExpectedFinish is not null);
        // The cap in force is the plan's first slot, and the allocator keeps to it.
        Assert.Equal(a.Amps[0], Assert.Single(plan.CapsNow, c => c.Charger == A).Amps, 6);
        await WaitFor("a granted at most its planned amps", () => Granted(A, g => g.Amps >= 6 && g.Amps <= a.Amps[0] + 1e-6));

        // The prices change: the first two quarter hours are dear now, the next ones cheap: the plan waits.
        tariffs.Replace(FeedBook().WithFeed(Prices(SystemClock.Instance.GetCurrentInstant(), 0.90, 0.90, 0.01, 0.01, 0.01, 0.01)));
        await WaitFor("a at 0 A by the plan", () => Granted(A, g => g.Amps == 0 && g.LimitReason.Kind == LimitKind.Plan));
        Assert.Contains("it waits for cheaper quarter hours before its departure", grants[A].LimitReason.ToString());
        plan = await node.Keeper.Ask<PlanView>(GetPlan.Instance, TimeSpan.FromSeconds(20));
        Assert.Equal(0, plan.Chargers.Single(c => c.Charger == A).Amps[0]);
    }

    [Fact]
    public async Task A_target_set_before_the_vehicle_comes_is_planned_when_it_arrives()
    {
        var node = await StartSite();
        live[B] = live[B] with { Plugged = false, Asking = false, SessionId = null };
        await Ask(node, new SetDepartureTarget("b", DateTimeOffset.UtcNow + TimeSpan.FromHours(2), null, 3, null, null, null, null,
            ChargeMode.Fastest, "driver"));
        var before = await node.Keeper.Ask<PlanView>(GetPlan.Instance, TimeSpan.FromSeconds(20));
        Assert.Empty(before.Chargers);

        // The vehicle arrives: its session takes the target and the plan has it, fastest (no tariffs), done before departure.
        live[B] = live[B] with { Plugged = true, Asking = true, SessionId = "session-b2" };
        PlanView plan = null!;
        await WaitFor("a plan for b", () =>
        {
            plan = node.Keeper.Ask<PlanView>(GetPlan.Instance, TimeSpan.FromSeconds(20)).Result;
            return plan.Chargers.Any(c => c.Charger == B);
        });
        var b = plan.Chargers.Single(c => c.Charger == B);
        Assert.Equal(3, b.TargetKWh, 3);
        Assert.True(b.PlannedKWh >= 3 - 1e-3, $"planned {b.PlannedKWh} kWh of 3");
        Assert.Null(b.Miss);
        Assert.Null(plan.Currency);
        Assert.Contains("no tariffs", plan.Note);
        var rules = await node.Keeper.Ask<RulesView>(GetRules.Instance, TimeSpan.FromSeconds(20));
        Assert.Equal("session-b2", Assert.Single(rules.Targets).SessionId);

        // It leaves: the target is dropped.
        live[B] = live[B] with { Plugged = false, Asking = false, SessionId = null };
        await WaitFor("b's target dropped", () => node.Keeper.Ask<RulesView>(GetRules.Instance, TimeSpan.FromSeconds(20)).Result.Targets.Count == 0);
    }

    [Fact]
    public async Task A_vehicle_that_draws_clearly_less_than_its_plan_is_planned_again_at_what_it_draws()
    {
        var node = await StartSite();
        live[B] = live[B] with { Plugged = false, Asking = false, SessionId = null };
        live[C] = live[C] with { Plugged = false, Asking = false, SessionId = null };
        await Ask(node, new SetDepartureTarget("a", DateTimeOffset.UtcNow + TimeSpan.FromHours(3), null, 20, null, null, null, null,
            ChargeMode.Fastest, "driver"));
        await WaitFor("a planned at its 30 A now", () =>
            node.Keeper.Ask<PlanView>(GetPlan.Instance, TimeSpan.FromSeconds(20)).Result.Chargers.Any(c => c.Charger == A && c.Amps[0] == 30));

        // Offered 30 A, the vehicle takes 11.2 A: the plan follows it (rounded up to the half amp).
        live[A] = live[A] with { OfferedAmps = 30, DrawnAmps = 11.2 };
        await WaitFor("a planned at 11.5 A", () =>
            node.Keeper.Ask<PlanView>(GetPlan.Instance, TimeSpan.FromSeconds(20)).Result.Chargers.Any(c => c.Charger == A && c.Amps[0] == 11.5));
    }

    [Fact]
    public async Task A_restarted_keeper_keeps_its_rules_and_the_energy_its_budgets_counted()
    {
        var first = await StartSite(withChargers: false);
        live[A] = new LiveCharger(A, true, true, "s1", 0, 0, 0, null, null);
        // The keeper numbers new timers and budgets and answers with the id it gave; other commands name none.
        Assert.Equal("timer-1", (await Ask(first, new SetTimer(null, TimerScopeKind.Circuit, "branch-c", "Mon-Fri", "22:00", "06:00", TimerEffect.Capped, 10, "operator"))).MadeId);
        Assert.Null((await Ask(first, new SetDrivers([new SessionDriver(A, "ann", null)], "operator"))).MadeId);
        Assert.Equal("budget-1", (await Ask(first, new SetBudget(null, BudgetScope.Driver, "ann", BudgetPeriod.Month, 50, "operator"))).MadeId);
        live[A] = live[A] with { SessionWh = 3_000 };
        RulesView before = null!;
        await WaitFor("3 kWh counted", () =>
        {
            before = first.Keeper.Ask<RulesView>(GetRules.Instance, TimeSpan.FromSeconds(20)).Result;
            return before.Budgets.Single().UsedKWh == 3;
        });
        await first.System.Terminate();

        // A new site on the same journal, the session where it was: nothing lost, nothing counted twice.
        var second = await StartSite(withChargers: false);
        var after = await second.Keeper.Ask<RulesView>(GetRules.Instance, TimeSpan.FromSeconds(30));
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Timers, after.Timers);
        Assert.Equal(before.Drivers, after.Drivers);
        Assert.Equal(3, after.Budgets.Single().UsedKWh);
        live[A] = live[A] with { SessionWh = 4_000 };
        await WaitFor("4 kWh counted after the restart", () =>
            second.Keeper.Ask<RulesView>(GetRules.Instance, TimeSpan.FromSeconds(20)).Result.Budgets.Single().UsedKWh == 4);
    }
}
