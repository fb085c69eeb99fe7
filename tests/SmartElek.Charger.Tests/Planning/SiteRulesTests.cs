using NodaTime;
using SmartElek.Planning;
using SmartElek.Site.Allocation;
using SmartElek.Site.Topology;
using static SmartElek.Planning.SiteRulesCommands;
using static SmartElek.Planning.SiteRulesEvents;

namespace SmartElek.Charger.Tests.Planning;

/// <summary>The site's rules as a pure record: commands decided into events or refused by field, events applied, budgets counted.</summary>
public class SiteRulesTests
{
    internal static readonly SiteTopology Site = SiteTopology.Parse("""
        { "name": "t", "phases": "split-phase",
          "feeder": { "id": "feeder", "kind": "feeder", "ratingAmps": 100, "children": [
            { "id": "panel-a", "kind": "panel", "ratingAmps": 60, "children": [
              { "id": "branch-a1", "kind": "branch", "ratingAmps": 40, "chargers": [ { "id": "charger-1", "ratingAmps": 30, "lines": "L1-L2" } ] },
              { "id": "branch-a2", "kind": "branch", "ratingAmps": 40, "chargers": [ { "id": "charger-2", "ratingAmps": 30, "lines": "L1-L2" } ] } ] },
            { "id": "branch-b1", "kind": "branch", "ratingAmps": 40, "chargers": [ { "id": "charger-3", "ratingAmps": 30, "lines": "L1-L2" } ] } ] } }
        """);

    internal static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    // Saturday 5 December 2026, 10:07 in Berlin.
    internal static readonly Instant Now = Instant.FromUtc(2026, 12, 5, 9, 7);

    static readonly ChargerId C1 = new("charger-1");

    internal static LiveCharger Plugged(string id, string session = "s1", double wh = 0, double? level = null, bool asking = true) =>
        new(new ChargerId(id), true, asking, session, wh, 0, 0, level, null);

    static RulesContext Context(Instant? now = null, params LiveCharger[] live) =>
        new(now ?? Now, Site, live.ToDictionary(l => l.Id));

    static SiteRules Run(SiteRules rules, Command command, RulesContext context)
    {
        var d = rules.Decide(command, context);
        Assert.True(d.Refusal is null, $"refused: {d.Refusal}");
        return d.Events.Aggregate(rules, (r, e) => r.Apply(e));
    }

    static RulesRefusal Refused(SiteRules rules, Command command, RulesContext? context = null) =>
        rules.Decide(command, context ?? Context()).Refusal ?? throw new Xunit.Sdk.XunitException($"{command} was accepted");

    [Fact]
    public void A_kWh_target_by_a_time_of_day_is_set_for_the_session_plugged_in_and_counts_from_its_energy_then()
    {
        var rules = Run(SiteRules.Empty(Berlin), new SetDepartureTarget("charger-1", null, "07:30", 20, null, null, null, null, ChargeMode.Cheapest, "ann"),
            Context(null, Plugged("charger-1", "s1", wh: 3_000)));
        var t = rules.Targets[C1];
        Assert.Equal(Instant.FromUtc(2026, 12, 6, 6, 30), t.Departure); // 07:30 in Berlin, tomorrow
        Assert.Equal("s1", t.SessionId);
        Assert.Equal(20, t.RemainingKWh(3_000), 6);
        Assert.Equal(15, t.RemainingKWh(8_000), 6);
        Assert.Equal(1, rules.Version);
    }

    [Fact]
    public void A_battery_target_takes_the_vehicles_own_level_when_the_driver_gives_none()
    {
        var rules = Run(SiteRules.Empty(Berlin), new SetDepartureTarget("charger-1", Now.Plus(Duration.FromHours(5)).ToDateTimeOffset(), null, null, 80, null, 60, 0.9,
            ChargeMode.Fastest, "ann"), Context(null, Plugged("charger-1", level: 35)));
        var t = rules.Targets[C1];
        Assert.Equal(35, t.BatteryNowPercent);
        Assert.Equal((80 - 35) / 100.0 * 60 / 0.9, t.RemainingKWh(0), 6);
        Assert.Equal(ChargeMode.Fastest, t.Mode);
    }

    [Theory]
    [InlineData(null, "07:30", 20.0, null, null, null, "chargerId")]
    [InlineData("charger-9", "07:30", 20.0, null, null, null, "chargerId")]
    [InlineData("charger-1", "7h30", 20.0, null, null, null, "by")]
    [InlineData("charger-1", null, 20.0, null, null, null, "departure")]
    [InlineData("charger-1", "07:30", -1.0, null, null, null, "kWh")]
    [InlineData("charger-1", "07:30", 20.0, 80.0, null, 60.0, "kWh")]
    [InlineData("charger-1", "07:30", null, null, null, null, "kWh")]
    [InlineData("charger-1", "07:30", null, 120.0, 30.0, 60.0, "batteryToPercent")]
    [InlineData("charger-1", "07:30", null, 80.0, 30.0, null, "batteryKWh")]
    [InlineData("charger-1", "07:30", null, 80.0, null, 60.0, "batteryNowPercent")]
    [InlineData("charger-1", "07:30", null, 80.0, 90.0, 60.0, "batteryToPercent")]
    public void A_bad_target_is_refused_naming_its_field(string? charger, string? by, double? kwh, double? to, double? now, double? size, string field)
    {
        var rules = SiteRules.Empty(Berlin);
        var refusal = Refused(rules, new SetDepartureTarget(charger, null, by, kwh, to, now, size, null, ChargeMode.Cheapest, "ann"));
        Assert.Equal(field, refusal.Field);
        Assert.False(string.IsNullOrWhiteSpace(refusal.Reason));
        Assert.Equal(0, rules.Version);
    }

    [Fact]
    public void A_departure_in_the_past_and_a_command_without_its_author_are_refused()
    {
        var rules = SiteRules.Empty(Berlin);
        Assert.Equal("departure", Refused(rules, new SetDepartureTarget("charger-1", Now.Minus(Duration.FromMinutes(1)).ToDateTimeOffset(), null, 5,
            null, null, null, null, ChargeMode.Cheapest, "ann")).Field);
        Assert.Equal("setBy", Refused(rules, new ClearDepartureTarget("charger-1", " ")).Field);
    }

    [Fact]
    public void A_target_is_dropped_when_its_departure_passes_or_its_session_ends_and_bound_when_set_before_the_vehicle_came()
    {
        var rules = Run(SiteRules.Empty(Berlin), new SetDepartureTarget("charger-1", null, "18:00", 10, null, null, null, null, ChargeMode.Cheapest, "ann"),
            Context());
        Assert.Null(rules.Targets[C1].SessionId);
        // The vehicle comes: the target is its session's.
        var bound = rules.Housekeeping(Context(null, Plugged("charger-1", "s7", wh: 50)));
        rules = bound.Aggregate(rules, (r, e) => r.Apply(e));
        Assert.Equal("s7", rules.Targets[C1].SessionId);
        Assert.Empty(rules.Housekeeping(Context(null, Plugged("charger-1", "s7", wh: 900))));
        // The session ends: dropped.
        var ended = Assert.Single(rules.Housekeeping(Context(null, new LiveCharger(C1, false, false, null, 0, 0, 0, null, null))));
        Assert.Equal("its session ended", Assert.IsType<TargetCleared>(ended).Why);
        // The departure passes: dropped.
        var late = Assert.Single(rules.Housekeeping(Context(Instant.FromUtc(2026, 12, 5, 17, 0), Plugged("charger-1", "s7"))));
        Assert.Equal("its departure passed", Assert.IsType<TargetCleared>(late).Why);
    }

    [Fact]
    public void Timers_get_ids_are_replaced_and_removed_and_a_bad_one_is_refused_naming_its_field()
    {
        var rules = Run(SiteRules.Empty(Berlin), new SetTimer(null, TimerScopeKind.Circuit, "panel-a", "Mon-Fri", "22:00", "06:00", TimerEffect.Blocked, null, "op"), Context());
        rules = Run(rules, new SetTimer(null, TimerScopeKind.Charger, "charger-3", "daily", "08:00", "18:00", TimerEffect.Capped, 10, "op"), Context());
        Assert.Equal(["timer-1", "timer-2"], rules.Timers.Keys);
        rules = Run(rules, new SetTimer("timer-1", TimerScopeKind.Circuit, "panel-a", "Sat,Sun", "00:00", "24:00".Replace("24:00", "23:45"), TimerEffect.Blocked, null, "op"), Context());
        Assert.Equal("Sat,Sun", rules.Timers["timer-1"].Days);
        rules = Run(rules, new RemoveTimer("timer-2", "op"), Context());
        Assert.Equal(["timer-1"], rules.Timers.Keys);
        // A new timer never takes an id used before.
        rules = Run(rules, new SetTimer(null, TimerScopeKind.DriverGroup, "guests", null, "10:00", "11:00", TimerEffect.Allowed, null, "op"), Context());
        Assert.Contains("timer-3", rules.Timers.Keys);

        Assert.Equal("target", Refused(rules, new SetTimer(null, TimerScopeKind.Circuit, "panel-z", "daily", "22:00", "06:00", TimerEffect.Blocked, null, "op")).Field);
        Assert.Equal("target", Refused(rules, new SetTimer(null, TimerScopeKind.Charger, "charger-7", "daily", "22:00", "06:00", TimerEffect.Blocked, null, "op")).Field);
        Assert.Equal("days", Refused(rules, new SetTimer(null, TimerScopeKind.Charger, "charger-1", "Mon-Frx", "22:00", "06:00", TimerEffect.Blocked, null, "op")).Field);
        Assert.Equal("from", Refused(rules, new SetTimer(null, TimerScopeKind.Charger, "charger-1", "daily", "25:00", "06:00", TimerEffect.Blocked, null, "op")).Field);
        Assert.Equal("to", Refused(rules, new SetTimer(null, TimerScopeKind.Charger, "charger-1", "daily", "22:00", "", TimerEffect.Blocked, null, "op")).Field);
        Assert.Equal("capAmps", Refused(rules, new SetTimer(null, TimerScopeKind.Charger, "charger-1", "daily", "22:00", "06:00", TimerEffect.Capped, null, "op")).Field);
        Assert.Equal("capAmps", Refused(rules, new SetTimer(null, TimerScopeKind.Charger, "charger-1", "daily", "22:00", "06:00", TimerEffect.Blocked, 10, "op")).Field);
        Assert.Equal("timerId", Refused(rules, new RemoveTimer("timer-9", "op")).Field);
    }

    static SiteRules WithDriverBudget(double kwh, BudgetPeriod period = BudgetPeriod.Month)
    {
        var rules = Run(SiteRules.Empty(Berlin), new SetDrivers([new SessionDriver(C1, "ann", "residents")], "op"), Context());
        return Run(rules, new SetBudget(null, BudgetScope.Driver, "ann", period, kwh, "op"), Context());
    }

    [Fact]
    public void A_budget_counts_the_drivers_session_energy_once_and_when_spent_pauses_with_its_reason_until_lifted_or_the_period_turns()
    {
        var rules = WithDriverBudget(10);
        // 4 kWh, then 10 kWh into the same session: 10 kWh counted, not 14.
        foreach (var wh in new[] { 4_000.0, 10_000.0, 10_000.0 })
            rules = rules.CountEnergy(Context(null, Plugged("charger-1", "s1", wh)), 1).Aggregate(rules, (r, e) => r.Apply(e));
        var usage = rules.UsageOf(rules.Budgets["budget-1"], Now);
        Assert.Equal(10, usage.UsedKWh, 6);
        Assert.True(usage.Spent);
        var verdict = rules.BudgetFor("ann", "residents", Now);
        Assert.Equal("the driver's monthly budget is spent", verdict.SpentReason);
        var cap = RulePlanning.Caps(rules, Site, null, Now, Now)[C1];
        Assert.Equal((0.0, LimitKind.Budget, "the driver's monthly budget is spent"), (cap.Amps, cap.Kind, cap.Why));

        // The operator lifts it for this month; it cannot be lifted twice.
        var lifted = Run(rules, new LiftBudget("budget-1", "op"), Context());
        Assert.Null(lifted.BudgetFor("ann", "residents", Now).SpentReason);
        Assert.DoesNotContain(C1, RulePlanning.Caps(lifted, Site, null, Now, Now).Keys);
        Assert.Equal("budgetId", Refused(lifted, new LiftBudget("budget-1", "op")).Field);

        // The month turns: whole again.
        var january = Instant.FromUtc(2027, 1, 1, 8, 0);
        Assert.Equal(10, rules.BudgetFor("ann", "residents", january).RemainingKWh);
        // A budget not spent is not lifted.
        Assert.Equal("budgetId", Refused(WithDriverBudget(50), new LiftBudget("budget-1", "op")).Field);
    }

    [Fact]
    public void A_drivers_and_a_groups_budgets_count_in_local_periods_and_the_least_left_decides()
    {
        var rules = Run(SiteRules.Empty(Berlin), new SetBudget(null, BudgetScope.Driver, "ann", BudgetPeriod.Month, 100, "op"), Context());
        rules = Run(rules, new SetBudget(null, BudgetScope.Group, "fleet", BudgetPeriod.Day, 30, "op"), Context());
        static EnergyCounted Used(string driver, string? group, Instant at, double kwh) =>
            new(C1, $"s-{driver}-{at.ToUnixTimeSeconds()}", driver, group, kwh * 1000, kwh, at.ToDateTimeOffset());
        var t = Instant.FromUtc(2026, 12, 30, 10, 0);
        Assert.Equal(new BudgetVerdict(30, null), rules.BudgetFor("ann", "fleet", t));
        rules = rules.Apply(Used("ann", "fleet", t, 25));
        Assert.Equal(5, rules.BudgetFor("ann", "fleet", t).RemainingKWh!.Value, 9);
        // Another driver of the group spends what is left of the group's day.
        rules = rules.Apply(Used("bob", "fleet", t, 5));
        Assert.Equal(new BudgetVerdict(0, "the group 'fleet''s daily budget is spent"), rules.BudgetFor("ann", "fleet", t));
        // Midnight in Berlin (23:00 UTC) begins 31 December: the group's day is whole again; ann's month still counts her 25 kWh.
        var tomorrow = Instant.FromUtc(2026, 12, 30, 23, 0);
        Assert.Equal(30, rules.BudgetFor("ann", "fleet", tomorrow).RemainingKWh);
        rules = rules.Apply(Used("ann", null, tomorrow, 75));
        Assert.Equal("the driver's monthly budget is spent", rules.BudgetFor("ann", "fleet", tomorrow).SpentReason);
        // Lifted by the operator for this month only; January is a new month.
        var lifted = Run(rules, new LiftBudget("budget-1", "op"), Context(tomorrow));
        Assert.Equal(30, lifted.BudgetFor("ann", "fleet", tomorrow).RemainingKWh);
        Assert.Equal(100, rules.BudgetFor("ann", null, Instant.FromUtc(2026, 12, 31, 23, 0)).RemainingKWh);
    }

    [Fact]
    public void Energy_is_counted_in_steps_but_at_once_when_a_session_is_first_seen_or_spends_what_a_budget_has_left()
    {
        var rules = WithDriverBudget(0.1, BudgetPeriod.Day);
        // A session seen for the first time is counted at once, however little it used.
        rules = rules.Apply(Assert.Single(rules.CountEnergy(Context(null, Plugged("charger-1", "s1", 40)), 50)));
        Assert.Equal(0.06, rules.BudgetFor("ann", null, Now).RemainingKWh!.Value, 6);
        // 20 Wh more: under the 50 Wh step and under the 60 Wh left, not counted yet.
        Assert.Empty(rules.CountEnergy(Context(null, Plugged("charger-1", "s1", 60)), 50));
        // 50 Wh since the last count: a step.
        rules = rules.Apply(Assert.Single(rules.CountEnergy(Context(null, Plugged("charger-1", "s1", 90)), 50)));
        Assert.Equal(0.01, rules.BudgetFor("ann", null, Now).RemainingKWh!.Value, 6);
        // 5 Wh more: under a step and under the 10 Wh left; 10 Wh: what was left, counted now, not 40 Wh later.
        Assert.Empty(rules.CountEnergy(Context(null, Plugged("charger-1", "s1", 95)), 50));
        rules = rules.Apply(Assert.Single(rules.CountEnergy(Context(null, Plugged("charger-1", "s1", 100)), 50)));
        Assert.Equal("the driver's daily budget is spent", rules.BudgetFor("ann", null, Now).SpentReason);
        // Spent: further energy waits for the step again (nothing more to decide).
        Assert.Empty(rules.CountEnergy(Context(null, Plugged("charger-1", "s1", 120)), 50));
    }

    [Fact]
    public void The_rest_of_a_finished_session_is_counted_once_even_when_the_vehicle_left_between_two_looks()
    {
        var rules = WithDriverBudget(100, BudgetPeriod.Day);
        rules = rules.CountEnergy(Context(null, Plugged("charger-1", "s1", 1_000)), 50).Aggregate(rules, (r, e) => r.Apply(e));
        Assert.Empty(rules.CountEnergy(Context(null, Plugged("charger-1", "s1", 1_030)), 50));
        // s1 ended at 1,040 Wh and s2 began before the next look: s1's last 40 Wh and s2's first 5 Wh are counted.
        var next = Plugged("charger-1", "s2", 5) with { LastSessionId = "s1", LastSessionWh = 1_040 };
        var events = rules.CountEnergy(Context(null, next), 50);
        Assert.Equal([("s1", 0.04), ("s2", 0.005)], events.Cast<EnergyCounted>().Select(e => (e.SessionId, Math.Round(e.KWh, 6))));
        rules = events.Aggregate(rules, (r, e) => r.Apply(e));
        Assert.Equal(100 - 1.045, rules.BudgetFor("ann", null, Now).RemainingKWh!.Value, 6);
        // Looked at again, nothing counts twice; an unplugged charger's last session is counted to its end too.
        Assert.Empty(rules.CountEnergy(Context(null, next), 50));
        var gone = new LiveCharger(C1, false, false, null, 0, 0, 0, null, null, "s2", 20);
        rules = rules.Apply(Assert.Single(rules.CountEnergy(Context(null, gone), 50)));
        Assert.Empty(rules.CountEnergy(Context(null, gone), 50));
        Assert.Equal(100 - 1.06, rules.BudgetFor("ann", null, Now).RemainingKWh!.Value, 6);
    }

    [Fact]
    public void A_new_session_counts_from_0_and_energy_without_a_known_driver_counts_for_nobody()
    {
        var rules = WithDriverBudget(100, BudgetPeriod.Day);
        rules = rules.CountEnergy(Context(null, Plugged("charger-1", "s1", 6_000)), 1).Aggregate(rules, (r, e) => r.Apply(e));
        rules = rules.CountEnergy(Context(null, Plugged("charger-1", "s2", 2_000)), 1).Aggregate(rules, (r, e) => r.Apply(e));
        Assert.Empty(rules.CountEnergy(Context(null, Plugged("charger-2", "s3", 9_000)), 1));
        Assert.Equal(92, rules.BudgetFor("ann", null, Now).RemainingKWh!.Value, 6);
        Assert.Equal(100, rules.BudgetFor("ann", null, Now.Plus(Duration.FromDays(1))).RemainingKWh!.Value, 6);
    }

    [Fact]
    public void A_group_timer_applies_to_the_charger_its_driver_is_on_and_an_unknown_driver_has_no_group()
    {
        var rules = Run(SiteRules.Empty(Berlin), new SetTimer(null, TimerScopeKind.DriverGroup, "guests", "daily", "00:00", "00:00", TimerEffect.Blocked, null, "op"), Context());
        Assert.Empty(RulePlanning.Caps(rules, Site, null, Now, Now));
        rules = Run(rules, new SetDrivers([new SessionDriver(C1, "bob", "guests")], "op"), Context());
        var cap = Assert.Single(RulePlanning.Caps(rules, Site, null, Now, Now));
        Assert.Equal(C1, cap.Key);
        Assert.Equal((0.0, LimitKind.Timer), (cap.Value.Amps, cap.Value.Kind));
        Assert.Contains("driver group 'guests'", cap.Value.Why);
    }

    [Fact]
    public void A_target_is_planned_under_its_timer_and_its_caps_follow_the_plans_first_slot()
    {
        var rules = Run(SiteRules.Empty(Berlin), new SetDepartureTarget("charger-1", Now.Plus(Duration.FromHours(4)).ToDateTimeOffset(), null, 10, null, null, null, null,
            ChargeMode.Cheapest, "ann"), Context(null, Plugged("charger-1")));
        // Charging on charger-1 is capped at 16 A from 10:00 to 12:00 local (the plan's first slots).
        rules = Run(rules, new SetTimer(null, TimerScopeKind.Charger, "charger-1", "daily", "10:00", "12:00", TimerEffect.Capped, 16, "op"), Context());
        var inputs = new PlanInputs(Site, new Dictionary<ChargerId, LiveCharger> { [C1] = Plugged("charger-1"), [new("charger-2")] = Plugged("charger-2", "s2") }, null, Now);
        var q = RulePlanning.Request(rules, inputs)!;
        var pc = Assert.Single(q.Request.Chargers);
        Assert.Equal(ChargeMode.Fastest, pc.Mode); // no tariffs: nothing tells a cheaper hour
        Assert.Equal(16, pc.CapAmps[0]);
        Assert.Equal(30, pc.CapAmps[^1]);
        Assert.Equal(16, q.Request.Slots);
        Assert.Equal(6, q.Request.ReservedAmps[new("charger-2")]);
        var plan = SitePlanner.Plan(q.Request);
        var caps = RulePlanning.Caps(rules, Site, plan, q.Start, Now);
        // The first slot's amps, or the timer when it is tighter: never above either.
        Assert.Equal(Math.Min(plan[C1].Amps[0], 16), caps[C1].Amps, 6);
        Assert.True(plan[C1].PlannedKWh >= 10 - 1e-4);
    }

    [Fact]
    public void A_drivers_change_reads_as_who_drives_what()
    {
        var command = new SiteRulesCommands.SetDrivers([new SessionDriver(new ChargerId("charger-1"), "dan", "residents"), new SessionDriver(new ChargerId("charger-2"), "eve", null)], "operator-app");
        Assert.Equal("SetDrivers { Drivers = [charger-1: dan (residents), charger-2: eve], SetBy = operator-app }", command.ToString());
    }
}
