using Google.OrTools.LinearSolver;
using SmartElek.Planning;

namespace SmartElek.Charger.Tests.Planning;

/// <summary>The site's rules, checked on a plan from the request alone (not from the planner's own bookkeeping).</summary>
public static class PlanChecks
{
    public static void AssertKeepsTheSite(PlanRequest request, SitePlan plan, double tolerance = 1e-6)
    {
        var site = request.Site;
        var byId = plan.Chargers.ToDictionary(p => p.Id);
        Assert.Equal(request.Chargers.Count, plan.Chargers.Count);
        foreach (var pc in request.Chargers)
        {
            var amps = byId[pc.Id].Amps;
            var rating = site.RatingAmps[site.Index[pc.Id]];
            for (var t = 0; t < request.Slots; t++)
            {
                var a = amps[t];
                Assert.True(a == 0 || a >= request.MinimumAmps - tolerance, $"{pc.Id} slot {t}: {a} A is neither 0 nor at least {request.MinimumAmps} A");
                if (t >= pc.DepartureSlot) Assert.True(a == 0, $"{pc.Id} slot {t}: {a} A after its departure (slot {pc.DepartureSlot})");
                else Assert.True(a <= Math.Min(rating, pc.CapAmps[t]) + tolerance, $"{pc.Id} slot {t}: {a} A above its cap {pc.CapAmps[t]} / rating {rating}");
            }
        }
        foreach (var limit in site.Limits)
        {
            for (var t = 0; t < request.Slots; t++)
            {
                var load = 0.0;
                foreach (var k in limit.ChargerIndexes)
                {
                    var id = site.ChargerIds[k];
                    load += byId.TryGetValue(id, out var p) ? p.Amps[t] : request.ReservedAmps.GetValueOrDefault(id);
                }
                Assert.True(load <= limit.LimitAmps + tolerance,
                    $"circuit '{limit.CircuitId}' {limit.Line} slot {t}: {load} A planned and reserved, limit {limit.LimitAmps} A");
            }
        }
    }
}

/// <summary>
/// The cheapest schedule for a request, solved here from the request alone: an LP (or, integral, a MIP
/// with the 0-or-at-least-minimum rule). Each target is delivered, at most one minimum-current slot over it.
/// </summary>
public static class IndependentOptimum
{
    public static double Cost(PlanRequest r, bool integral)
    {
        using var solver = Solver.CreateSolver(integral ? "SCIP" : "GLOP")!;
        if (integral) solver.SetSolverSpecificParametersAsString("limits/gap = 1e-9\n");
        var e = r.KWhPerAmpSlot;
        var site = r.Site;
        var x = new Dictionary<(int, int), Variable>();
        var objective = solver.Objective();
        for (var c = 0; c < r.Chargers.Count; c++)
        {
            var pc = r.Chargers[c];
            var energy = solver.MakeConstraint(pc.EnergyKWh, pc.MaxEnergyKWh ?? pc.EnergyKWh + r.MinimumAmps * e, "");
            for (var t = 0; t < Math.Min(pc.DepartureSlot, r.Slots); t++)
            {
                var cap = Math.Min(pc.CapAmps[t], site.RatingAmps[site.Index[pc.Id]]);
                if (cap < r.MinimumAmps || cap <= 0) continue;
                var v = x[(c, t)] = solver.MakeNumVar(0, cap, "");
                energy.SetCoefficient(v, e);
                objective.SetCoefficient(v, pc.PricePerKWh[t] * e);
                if (!integral) continue;
                var on = solver.MakeBoolVar("");
                var hi = solver.MakeConstraint(double.NegativeInfinity, 0, "");
                hi.SetCoefficient(v, 1);
                hi.SetCoefficient(on, -cap);
                var lo = solver.MakeConstraint(0, double.PositiveInfinity, "");
                lo.SetCoefficient(v, 1);
                lo.SetCoefficient(on, -r.MinimumAmps);
            }
        }
        var planned = r.Chargers.Select((pc, c) => (pc.Id, c)).ToDictionary(p => p.Id, p => p.c);
        foreach (var limit in site.Limits)
        {
            var reserved = limit.ChargerIndexes.Select(k => site.ChargerIds[k]).Where(id => !planned.ContainsKey(id))
                .Sum(id => r.ReservedAmps.GetValueOrDefault(id));
            for (var t = 0; t < r.Slots; t++)
            {
                var row = solver.MakeConstraint(double.NegativeInfinity, limit.LimitAmps - reserved, "");
                foreach (var k in limit.ChargerIndexes)
                    if (planned.TryGetValue(site.ChargerIds[k], out var c) && x.TryGetValue((c, t), out var v)) row.SetCoefficient(v, 1);
            }
        }
        objective.SetMinimization();
        var status = solver.Solve();
        Assert.True(status == Solver.ResultStatus.OPTIMAL, $"the independent optimum ended {status}");
        return objective.Value();
    }
}
