using SmartElek.Planning;
using SmartElek.Site.Allocation;
using SmartElek.Site.Topology;

namespace SmartElek.Charger.Tests.Planning;

/// <summary>The planner's rules on small sites worked out by hand.</summary>
public class PlannerTests
{
    // A 50 A panel (40 A a line) with three 30 A chargers on their own 40 A branches, split-phase.
    static readonly SiteLimits Site = new(SiteTopology.Parse("""
        { "name": "t", "feeder": { "id": "feeder", "ratingAmps": 100, "children": [
          { "id": "panel", "ratingAmps": 50, "children": [
            { "id": "b1", "ratingAmps": 40, "chargers": [ { "id": "c1", "ratingAmps": 30 } ] },
            { "id": "b2", "ratingAmps": 40, "chargers": [ { "id": "c2", "ratingAmps": 30 } ] },
            { "id": "b3", "ratingAmps": 40, "chargers": [ { "id": "c3", "ratingAmps": 30 } ] } ] } ] } }
        """));

    const double E = 240 * 0.25 / 1000; // kWh per amp and slot

    // Solvers answer to ~1e-8 kWh.
    static double[] Rounded(double[] amps) => [.. amps.Select(a => Math.Round(a, 4))];

    static double[] Flat(int n, double v) => Enumerable.Repeat(v, n).ToArray();

    static PlanCharger Target(string id, double kwh, int departure, double[]? prices = null, ChargeMode mode = ChargeMode.Cheapest) =>
        new(new ChargerId(id), kwh, departure, Flat(8, 30), prices ?? Flat(8, 0.3), mode);

    [Fact]
    public void Energy_goes_to_the_cheapest_slots_before_departure_and_a_fastest_target_runs_first()
    {
        double[] prices = [0.4, 0.4, 0.1, 0.1, 0.4, 0.4, 0.4, 0.4];
        var plan = SitePlanner.Plan(new PlanRequest(Site, 8, [Target("c1", 30 * E * 2, 6, prices)]));
        Assert.Equal([0, 0, 30, 30, 0, 0, 0, 0], Rounded(plan.Chargers[0].Amps));
        Assert.Equal(4, plan.Chargers[0].FinishSlot);
        Assert.Equal(60 * E * 0.1, plan.Cost, 6);
        Assert.Equal(60 * E * 0.4, plan.ChargeNowCost, 9);
        var fast = SitePlanner.Plan(new PlanRequest(Site, 8, [Target("c1", 30 * E * 2, 6, prices, ChargeMode.Fastest)]));
        Assert.Equal([30, 30, 0, 0, 0, 0, 0, 0], Rounded(fast.Chargers[0].Amps));
    }

    [Theory]
    [InlineData(2_500, "MIP")] // exact
    [InlineData(0, "LP")]      // the LP and the 6 A repair
    public void Where_quarter_hours_cost_the_same_the_energy_goes_as_early_as_it_can(int exactUpTo, string method)
    {
        // 2.5 slots' worth at 30 A over a flat price: any spread costs the same; the earliest is the one a driver expects.
        var plan = SitePlanner.Plan(new PlanRequest(Site, 8, [Target("c1", 75 * E, 8)]) { ExactUpTo = exactUpTo });
        Assert.StartsWith(method, plan.Method);
        Assert.Equal([30, 30, 15, 0, 0, 0, 0, 0], Rounded(plan.Chargers[0].Amps));
        Assert.Equal(3, plan.Chargers[0].FinishSlot);
        // Cheaper hours still come first: equal prices only break ties, among the cheap ones too.
        double[] prices = [0.4, 0.1, 0.4, 0.1, 0.1, 0.4, 0.1, 0.4];
        var cheap = SitePlanner.Plan(new PlanRequest(Site, 8, [Target("c1", 75 * E, 8, prices)]) { ExactUpTo = exactUpTo });
        Assert.Equal([0, 30, 0, 30, 15, 0, 0, 0], Rounded(cheap.Chargers[0].Amps));
    }

    [Fact]
    public void The_panel_is_shared_in_every_slot_and_a_charger_without_a_target_keeps_its_reserve()
    {
        // Two targets that both want the two cheap slots; the panel's 40 A a line, less c3's 6 A reserve, is 34 A.
        double[] prices = [0.1, 0.1, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3];
        var request = new PlanRequest(Site, 8, [Target("c1", 30 * E * 2, 8, prices), Target("c2", 30 * E * 2, 8, prices)])
        {
            ReservedAmps = new Dictionary<ChargerId, double> { [new ChargerId("c3")] = 6 },
        };
        var plan = SitePlanner.Plan(request);
        for (var t = 0; t < 8; t++) Assert.True(plan.Chargers.Sum(p => p.Amps[t]) <= 34 + 1e-6, $"slot {t}");
        Assert.Equal(34, plan.Chargers.Sum(p => p.Amps[0]), 6);
        Assert.Equal(34, plan.Chargers.Sum(p => p.Amps[1]), 6);
        Assert.Empty(plan.Misses);
        Assert.All(plan.Chargers, p => Assert.Equal(60 * E, p.PlannedKWh, 4));
    }

    [Fact]
    public void Targets_the_panel_cannot_meet_are_reported_at_once_naming_it_and_shared_by_the_operators_rule()
    {
        // Both want 4 slots at 30 A; the panel carries 40 A a line. c1 leaves after 4 slots, c2 after 6.
        var targets = new[] { Target("c1", 30 * E * 4, 4), Target("c2", 30 * E * 4, 6) };
        var earliest = SitePlanner.Plan(new PlanRequest(Site, 8, targets, Rule: ShortfallRule.EarliestDepartureFirst));
        Assert.Null(earliest.Chargers[0].Miss); // 30 A in its 4 slots
        var late = earliest.Chargers[1].Miss!;
        // c2 gets 10 A while c1 runs, 30 A in its last two: 4 x 10 + 2 x 30 = 100 of 120 A-slots.
        Assert.Equal(20 * E, late.ShortKWh, 4);
        Assert.Equal("panel", late.CircuitId);
        Assert.Contains("circuit 'panel' is full on L1", late.Why);

        var proportional = SitePlanner.Plan(new PlanRequest(Site, 8, targets, Rule: ShortfallRule.Proportional));
        // 40 x 4 + 30 x 2 = 220 of 240 A-slots: each target gets the same 220/240 of itself.
        Assert.All(proportional.Chargers, p => Assert.Equal(110 * E, p.PlannedKWh, 3));
        Assert.All(proportional.Chargers, p => Assert.Equal(10 * E, p.Miss!.ShortKWh, 3));
    }

    [Fact]
    public void A_target_above_what_the_chargers_own_caps_allow_is_missed_by_that_much_and_says_so()
    {
        var capped = Target("c1", 50 * E * 4, 4) with { CapAmps = [16, 16, 0, 16, 16, 16, 16, 16] };
        var plan = SitePlanner.Plan(new PlanRequest(Site, 8, [capped]));
        Assert.Equal([16, 16, 0, 16, 0, 0, 0, 0], Rounded(plan.Chargers[0].Amps));
        var miss = plan.Chargers[0].Miss!;
        Assert.Equal((200 - 48) * E, miss.ShortKWh, 6);
        Assert.Null(miss.CircuitId);
        Assert.Contains("its own cap", miss.Why);
    }

    [Fact]
    public void A_bad_question_is_refused_naming_what_is_wrong()
    {
        Assert.Contains("'nope' is not on site", Assert.Throws<ArgumentException>(() =>
            SitePlanner.Plan(new PlanRequest(Site, 8, [Target("nope", 1, 4)]))).Message);
        Assert.Contains("two targets", Assert.Throws<ArgumentException>(() =>
            SitePlanner.Plan(new PlanRequest(Site, 8, [Target("c1", 1, 4), Target("c1", 2, 4)]))).Message);
        Assert.Contains("-1 kWh", Assert.Throws<ArgumentException>(() =>
            SitePlanner.Plan(new PlanRequest(Site, 8, [Target("c1", -1, 4)]))).Message);
    }
}
