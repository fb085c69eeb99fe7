using CsCheck;
using SmartElek.Planning;
using SmartElek.Site.Allocation;

namespace SmartElek.Charger.Tests.Planning;

/// <summary>
/// The site planner over random sites, arrivals, targets and price curves (<see cref="RandomPlans"/>).
/// Every property here holds for every seed on a correct planner: the witness makes a feasible case
/// feasible by construction, and the exact planner's solver runs under deterministic limits only.
/// </summary>
[Trait("Speed", "Slow")] // solvers (GLOP, SCIP) on hundreds of random sites: minutes on 2 cores
public class PlannerProperties
{
    /// <summary>The planner's own: a target counts as met within 0.1 Wh.</summary>
    const double Tol = 1e-4;

    static readonly Gen<RandomPlans.Case> Feasible = Gen.Int.Select(seed => RandomPlans.Build(seed, feasible: true));
    // Feasible or not, planned exactly (MIP) or by the large sites' LP and 6 A repair.
    static readonly Gen<RandomPlans.Case> Any = Gen.Int.Select(Gen.Bool, Gen.Bool).Select((seed, feasible, exact) =>
    {
        var c = RandomPlans.Build(seed, feasible);
        return exact ? c : c with { Request = c.Request with { ExactUpTo = 0 } };
    });

    [Fact]
    public void No_circuit_line_is_over_its_limit_in_any_slot_and_every_current_is_0_or_at_least_6_A()
    {
        Any.Sample(c =>
        {
            var plan = SitePlanner.Plan(c.Request);
            PlanChecks.AssertKeepsTheSite(c.Request, plan);
        }, iter: 150, threads: 1);
    }

    [Fact]
    public void Every_feasible_set_of_targets_is_met()
    {
        Feasible.Sample(c =>
        {
            var plan = SitePlanner.Plan(c.Request);
            foreach (var p in plan.Chargers)
            {
                Assert.True(p.Miss is null, $"{c}: {p.Id} reported {p.Miss} though a schedule meets every target");
                Assert.True(p.PlannedKWh >= p.TargetKWh - Tol, $"{c}: {p.Id} planned {p.PlannedKWh} of {p.TargetKWh} kWh");
            }
        }, iter: 150, threads: 1);
    }

    [Fact]
    public void A_target_that_cannot_be_met_is_reported_at_planning_with_its_shortfall_and_bottleneck()
    {
        Gen.Int.Select(Gen.Bool).Select((seed, exact) =>
        {
            var c = RandomPlans.Build(seed, feasible: false);
            return exact ? c : c with { Request = c.Request with { ExactUpTo = 0 } };
        }).Sample(c =>
        {
            var plan = SitePlanner.Plan(c.Request);
            var e = c.Request.KWhPerAmpSlot;
            foreach (var (p, pc) in plan.Chargers.Zip(c.Request.Chargers))
            {
                var planned = p.Amps.Sum() * e;
                Assert.Equal(planned, p.PlannedKWh, 6);
                // What the charger's own caps allow before departure, counted here again: a target above it must be missed by at least the difference.
                var own = pc.CapAmps.Take(Math.Min(pc.DepartureSlot, c.Request.Slots))
                    .Sum(a => Math.Min(a, c.Request.Site.RatingAmps[c.Request.Site.Index[pc.Id]]) is var m && m >= 6 ? m : 0) * e;
                if (planned < pc.EnergyKWh - Tol)
                {
                    Assert.True(p.Miss is not null, $"{c}: {p.Id} plans {planned} of {pc.EnergyKWh} kWh and no miss is reported");
                    Assert.Equal(pc.EnergyKWh - planned, p.Miss!.ShortKWh, 5);
                    Assert.False(string.IsNullOrWhiteSpace(p.Miss.Why));
                    if (p.Miss.CircuitId is not null)
                        Assert.Contains(c.Request.Site.Topology.PathToFeeder(pc.Id), circuit => circuit.Id == p.Miss.CircuitId);
                }
                else
                {
                    Assert.Null(p.Miss);
                }
                if (pc.EnergyKWh > own + Tol) Assert.True(p.Miss is { } m && m.ShortKWh >= pc.EnergyKWh - own - Tol, $"{c}: {p.Id}");
            }
        }, iter: 150, threads: 1);
    }

    [Fact]
    public void A_plan_never_costs_more_than_charging_at_once_for_the_same_energy()
    {
        Any.Sample(c =>
        {
            var plan = SitePlanner.Plan(c.Request);
            var e = c.Request.KWhPerAmpSlot;
            var cost = plan.Chargers.Zip(c.Request.Chargers).Sum(x => x.First.Amps.Select((a, t) => a * e * (t < x.Second.PricePerKWh.Length ? x.Second.PricePerKWh[t] : 0)).Sum());
            Assert.Equal(cost, plan.Cost, 6);
            // Charging at once rounds its amps down to 0.01 A: where it delivers a little less, the plan may cost that little more.
            var sameEnergy = plan.Chargers.All(p => p.ChargeNowKWh >= p.PlannedKWh - Tol);
            var highest = c.Request.Chargers.SelectMany(pc => pc.PricePerKWh).DefaultIfEmpty(0).Max(Math.Abs);
            var less = plan.Chargers.Sum(p => Math.Max(0, p.PlannedKWh - p.ChargeNowKWh)) * highest;
            if (plan.ChargeNowFits && sameEnergy)
                Assert.True(plan.Cost <= plan.ChargeNowCost + less + 1e-6, $"{c}: plan {plan.Cost} > charging at once {plan.ChargeNowCost} ({plan.Method})");
        }, iter: 150, threads: 1);
    }

    [Fact]
    public void Without_the_6_A_rule_the_plan_costs_what_an_independent_LP_says_is_the_least()
    {
        Gen.Int.Select(seed => RandomPlans.Build(seed, feasible: true, maxChargers: 16, maxSlots: 24, minimumAmps: 0)).Sample(c =>
        {
            var plan = SitePlanner.Plan(c.Request);
            Assert.Empty(plan.Misses);
            var optimum = IndependentOptimum.Cost(c.Request, integral: false);
            Assert.True(Math.Abs(plan.Cost - optimum) <= 1e-6 * (1 + Math.Abs(optimum)), $"{c}: plan {plan.Cost}, optimum {optimum}");
        }, iter: 150, threads: 1);
    }

    [Fact]
    public void Without_the_6_A_rule_no_amps_could_move_to_an_earlier_quarter_hour_of_the_same_price()
    {
        // The LP answers optimally (no node limit): whenever a charger runs in a slot while an earlier
        // slot of the same price has room under its cap and every circuit on its path, the plan is not
        // the earliest at its cost. Fails when the earliest step is left out (a flat tariff scatters).
        Gen.Int.Select(seed => RandomPlans.Build(seed, feasible: true, maxChargers: 16, maxSlots: 24, minimumAmps: 0)).Sample(c =>
        {
            var r = c.Request;
            var plan = SitePlanner.Plan(r);
            var byId = plan.Chargers.ToDictionary(p => p.Id, p => p.Amps);
            var amps = r.Chargers.Select(pc => byId[pc.Id]).ToArray();
            double Load(LineLimit limit, int t) => limit.ChargerIndexes.Select(k => r.Site.ChargerIds[k])
                .Sum(id => byId.TryGetValue(id, out var a) ? a[t] : r.ReservedAmps.GetValueOrDefault(id));
            for (var c1 = 0; c1 < r.Chargers.Count; c1++)
            {
                var pc = r.Chargers[c1];
                var limits = r.Site.LimitsOf(r.Site.Index[pc.Id]).Select(l => r.Site.Limits[l]).ToArray();
                var rating = r.Site.RatingAmps[r.Site.Index[pc.Id]];
                var slots = Math.Min(pc.DepartureSlot, r.Slots);
                for (var t = 0; t < slots; t++)
                {
                    var room = Math.Min(Math.Min(rating, pc.CapAmps[t]) - amps[c1][t], limits.Select(l => l.LimitAmps - Load(l, t)).DefaultIfEmpty(double.MaxValue).Min());
                    if (room <= 1e-5) continue;
                    for (var u = t + 1; u < slots; u++)
                        Assert.False(pc.PricePerKWh[u] == pc.PricePerKWh[t] && amps[c1][u] > 1e-5,
                            $"{c}: {pc.Id} runs {amps[c1][u]} A in slot {u} while slot {t} at the same price has {room} A of room");
                }
            }
        }, iter: 150, threads: 1);
    }

    [Fact]
    public void With_the_6_A_rule_the_exact_plan_costs_what_an_independent_MIP_says_is_the_least()
    {
        Feasible.Sample(c =>
        {
            var plan = SitePlanner.Plan(c.Request);
            Assert.StartsWith("MIP", plan.Method);
            var optimum = IndependentOptimum.Cost(c.Request, integral: true);
            // The relaxation: no 0-or-6 A rule, the same energy window (the target up to one 6 A slot more).
            var e = c.Request.KWhPerAmpSlot;
            var relaxed = IndependentOptimum.Cost(c.Request with
            {
                MinimumAmps = 0,
                Chargers = [.. c.Request.Chargers.Select(pc => pc with { MaxEnergyKWh = pc.EnergyKWh + 6 * e })],
            }, integral: false);
            Assert.True(plan.Cost >= relaxed - 1e-6 * (1 + Math.Abs(relaxed)), $"{c}: plan {plan.Cost} beats the relaxation {relaxed}");
            Assert.True(Math.Abs(plan.Cost - optimum) <= 1e-5 * (1 + Math.Abs(optimum)), $"{c}: plan {plan.Cost}, optimum {optimum}");
        }, iter: 40, threads: 1);
    }
}
