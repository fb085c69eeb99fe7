using CsCheck;
using NodaTime;
using SmartElek.Charger.Tests.Site;
using SmartElek.Planning;
using SmartElek.Site.Allocation;
using static SmartElek.Planning.SiteRulesCommands;

namespace SmartElek.Charger.Tests.Planning;

/// <summary>
/// The caps the rules put on the allocator, over random sites, timers (every scope and effect), budgets with random
/// use, drivers and plans: a composed cap is never above any of its sources, is 0 A when a timer blocks or a budget
/// is spent, and a charger that no rule limits has none.
/// </summary>
public class RuleCapsProperties
{
    static readonly Gen<RuleCap?> PlanCap = Gen.Frequency(
        (1, Gen.Const((RuleCap?)null)),
        (3, Gen.Double[0, 40].Select(a => (RuleCap?)new RuleCap(a, LimitKind.Plan, "plan"))));

    static readonly Gen<TimerVerdict> Timer = Gen.Frequency(
        (2, Gen.Const(TimerVerdict.Free)),
        (1, Gen.Const(new TimerVerdict(0, "blocked"))),
        (2, Gen.Double[0, 40].Select(a => new TimerVerdict(a, "capped"))));

    static readonly Gen<BudgetVerdict> Budget = Gen.Frequency(
        (2, Gen.Const(new BudgetVerdict(null, null))),
        (1, Gen.Const(new BudgetVerdict(0, "the driver's monthly budget is spent"))),
        (2, Gen.Double[0.001, 50].Select(k => new BudgetVerdict(k, null))));

    [Fact]
    public void The_tightest_cap_is_never_above_a_source_and_is_0_when_a_timer_blocks_or_a_budget_is_spent()
    {
        Gen.Select(PlanCap, Timer, Budget).Sample((plan, timer, budget) =>
        {
            var cap = RulePlanning.Tightest(plan, timer, budget);
            if (plan is null && timer.CapAmps is null && budget.SpentReason is null)
            {
                Assert.Null(cap);
                return;
            }
            var c = Assert.NotNull(cap);
            if (plan is { } p) Assert.True(c.Amps <= p.Amps, $"{c} above the plan's {p}");
            if (timer.CapAmps is { } t) Assert.True(c.Amps <= t, $"{c} above the timer's {t}");
            if (timer.CapAmps == 0) Assert.Equal(0, c.Amps);
            if (budget.SpentReason is not null) Assert.Equal(0, c.Amps);
            // The one that limits is named: a budget or timer at 0 A is the cause, not the plan.
            if (budget.SpentReason is not null && timer.CapAmps != 0) Assert.Equal(LimitKind.Budget, c.Kind);
            if (c.Kind == LimitKind.Timer) Assert.Equal(timer.CapAmps, c.Amps);
            // A planned charger stays planned whichever rule's cap it shows (the allocator serves it first).
            Assert.Equal(plan is not null, c.Planned);
            Assert.Equal(plan is not null, c.ServedFirst);
        }, iter: 5_000);
    }

    [Fact]
    public void Every_chargers_cap_on_a_random_site_is_the_tightest_of_its_plan_its_timers_and_its_budgets()
    {
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var topology = RandomSites.Build(random, 8);
            var zone = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
            var now = Instant.FromUtc(2026, 3, 1, 0, 0) + Duration.FromMinutes(random.Next(0, 60 * 24 * 60));
            var rules = SiteRules.Empty(zone);
            var context = new RulesContext(now, topology, new Dictionary<ChargerId, LiveCharger>());
            SiteRules Do(Command c)
            {
                var d = rules.Decide(c, context);
                Assert.Null(d.Refusal);
                return d.Events.Aggregate(rules, (r, e) => r.Apply(e));
            }
            var circuits = topology.Circuits.Keys.ToArray();
            string[] groups = ["residents", "guests"];
            string[] days = ["daily", "Mon-Fri", "Sat,Sun", "Fri-Mon", "Wed"];
            for (var i = random.Next(0, 6); i > 0; i--)
            {
                var scope = (TimerScopeKind)random.Next(3);
                var target = scope switch
                {
                    TimerScopeKind.Charger => topology.Chargers[random.Next(topology.Chargers.Count)].Id.Value,
                    TimerScopeKind.Circuit => circuits[random.Next(circuits.Length)],
                    _ => groups[random.Next(2)],
                };
                var effect = (TimerEffect)random.Next(3);
                rules = Do(new SetTimer(null, scope, target, days[random.Next(days.Length)], $"{random.Next(24):00}:{15 * random.Next(4):00}",
                    $"{random.Next(24):00}:{15 * random.Next(4):00}", effect, effect == TimerEffect.Capped ? random.Next(0, 33) : null, "op"));
            }
            var drivers = topology.Chargers.Where(_ => random.Next(3) > 0)
                .Select(c => new SessionDriver(c.Id, $"driver-{random.Next(4)}", random.Next(3) == 0 ? null : groups[random.Next(2)])).ToList();
            rules = Do(new SetDrivers(drivers, "op"));
            for (var i = random.Next(0, 4); i > 0; i--)
                rules = random.Next(2) == 0
                    ? Do(new SetBudget(null, BudgetScope.Driver, $"driver-{random.Next(4)}", (BudgetPeriod)random.Next(3), random.Next(1, 30), "op"))
                    : Do(new SetBudget(null, BudgetScope.Group, groups[random.Next(2)], (BudgetPeriod)random.Next(3), random.Next(1, 30), "op"));
            // Energy used by the drivers' sessions, counted as the keeper counts it.
            var live = drivers.ToDictionary(d => d.Charger, d => new LiveCharger(d.Charger, true, true, "s", random.Next(0, 30_000), 0, 0, null, null));
            rules = rules.CountEnergy(context with { Live = live }, 1).Aggregate(rules, (r, e) => r.Apply(e));
            // A plan for some chargers, its slot 0 now.
            var plan = new SitePlan([.. topology.Chargers.Where(_ => random.Next(2) == 0)
                .Select(c => new ChargerPlan(c.Id, [random.Next(2) == 0 ? 0 : 6 + random.NextDouble() * 24], 5, 5, 0, 0, 0, 1, null))], 0, 0, true, "test");

            var caps = RulePlanning.Caps(rules, topology, plan, SiteClock.SlotOf(now), now);
            var timers = rules.WeeklyTimers;
            foreach (var placement in topology.Chargers)
            {
                var driver = rules.DriverOf(placement.Id);
                var timer = timers.At(now.InZone(zone).LocalDateTime, placement.Id.Value, topology.PathToFeeder(placement.Id).Select(c => c.Id), driver?.Group);
                var budget = rules.BudgetFor(driver?.Driver, driver?.Group, now);
                var planned = plan.Chargers.FirstOrDefault(p => p.Id == placement.Id);
                var why = $"seed {seed}, {placement.Id}: timer {timer}, budget {budget}, plan {planned?.Amps[0]}";
                if (!caps.TryGetValue(placement.Id, out var cap))
                {
                    Assert.True(timer.CapAmps is null && budget.SpentReason is null && planned is null, $"no cap: {why}");
                    continue;
                }
                if (planned is not null) Assert.True(cap.Amps <= planned.Amps[0] + 1e-9, $"{cap} over the plan: {why}");
                if (timer.CapAmps is { } t) Assert.True(cap.Amps <= t + 1e-9, $"{cap} over the timer: {why}");
                if (timer.CapAmps == 0 || budget.SpentReason is not null) Assert.Equal(0, cap.Amps);
                if (budget.SpentReason is { } spent && timer.CapAmps != 0) Assert.Equal((LimitKind.Budget, spent), (cap.Kind, cap.Why));
            }
        }, iter: 300, threads: 1);
    }

    /// <summary>
    /// However a session's energy grows between the keeper's looks, a budget is spent at the first look that sees
    /// the driver past it (energy is counted in 50 Wh steps, but at once when it spends what is left), and what is
    /// counted is never more than the session used.
    /// </summary>
    [Fact]
    public void A_budget_is_spent_at_the_first_count_that_sees_it_used_up_and_never_counts_more_than_was_used()
    {
        var site = SiteRulesTests.Site;
        var at = SiteRulesTests.Now;
        Gen.Select(Gen.Int[1, 400], Gen.Int[0, 80].Array[1, 40]).Sample((budgetWh, steps) =>
        {
            var rules = SiteRules.Empty(SiteRulesTests.Berlin);
            var context = new RulesContext(at, site, new Dictionary<ChargerId, LiveCharger>());
            foreach (var command in new Command[] { new SetDrivers([new SessionDriver(new("charger-1"), "ann", null)], "op"),
                         new SetBudget(null, BudgetScope.Driver, "ann", BudgetPeriod.Day, budgetWh / 1000.0, "op") })
                rules = rules.Decide(command, context).Events.Aggregate(rules, (r, e) => r.Apply(e));
            var sessionWh = 0.0;
            foreach (var step in steps)
            {
                sessionWh += step;
                var look = context with { Live = new Dictionary<ChargerId, LiveCharger> { [new("charger-1")] = SiteRulesTests.Plugged("charger-1", "s1", sessionWh) } };
                rules = rules.CountEnergy(look, 50).Aggregate(rules, (r, e) => r.Apply(e));
                var verdict = rules.BudgetFor("ann", null, at);
                var used = rules.UsageOf(rules.Budgets["budget-1"], at).UsedKWh;
                Assert.True(used <= sessionWh / 1000 + 1e-9, $"counted {used} kWh of {sessionWh} Wh used");
                if (sessionWh >= budgetWh) Assert.True(verdict.SpentReason is not null, $"{sessionWh} Wh used of a {budgetWh} Wh budget, not spent (counted {used} kWh)");
                else Assert.Null(verdict.SpentReason);
            }
        }, iter: 500, threads: 1);
    }
}
