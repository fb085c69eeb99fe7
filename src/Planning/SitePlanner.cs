using SmartElek.Site.Topology;

namespace SmartElek.Planning;

/// <summary>
/// Plans every charger with a target over the site's circuits (docs/planning.md):
/// <list type="number">
/// <item>Energy: what each target can get, by the LP relaxation. If not everything, the
/// <see cref="ShortfallRule"/> shares the shortfall: earliest departures first (one LP per departure
/// slot, each keeping what the earlier ones got), or proportionally (the largest equal share of
/// every target, then whatever else fits).</item>
/// <item>Cost: the cheapest amps per slot for that energy. Exact (a MIP with on/off per charger
/// and slot) up to <see cref="PlanRequest.ExactUpTo"/> charger-slots; above, the LP and a local
/// repair of the 0-or-at-least-6 A rule (<see cref="MinimumCurrentRepair"/>). At that cost, the
/// earliest amps (<see cref="PlanProgram.EarliestAtThatCost"/>).</item>
/// <item>Charging at once (the allocator's shares from now on) is priced for comparison; a
/// repaired plan that would cost more than it is replaced by it.</item>
/// </list>
/// </summary>
public static class SitePlanner
{
    public static SitePlan Plan(PlanRequest request)
    {
        Validate(request);
        var n = request.Chargers.Count;
        var cap = Caps(request);
        var cells = request.Chargers.Sum(c => Math.Min(c.DepartureSlot, request.Slots));
        var exact = request.MinimumAmps > 0 && cells <= request.ExactUpTo;

        double[][] amps;
        string method;
        using (var lp = new PlanProgram(request, exact: false, cap))
        {
            var achievable = Achievable(lp, request);
            if (exact)
            {
                using var mip = new PlanProgram(request, exact: true, cap);
                for (var c = 0; c < n; c++) mip.Z[c].SetUb(achievable[c]);
                mip.MostEnergyThenLeastCost();
                amps = mip.Amps();
                if (mip.EarliestAtThatCost()) amps = mip.Amps();
                method = "MIP (SCIP), exact";
            }
            else
            {
                for (var c = 0; c < n; c++) lp.Z[c].SetBounds(Math.Max(0, achievable[c] - PlanProgram.Tolerance(achievable[c])), achievable[c]);
                lp.MinimiseCost();
                amps = lp.Amps();
                if (lp.EarliestAtThatCost()) amps = lp.Amps();
                method = "LP (GLOP)";
                if (request.MinimumAmps > 0)
                {
                    MinimumCurrentRepair.Run(lp, request, amps);
                    method += " and the 6 A repair";
                }
            }
        }

        var now = ChargeNow.Schedule(request, cap);
        var e = request.KWhPerAmpSlot;
        double Cost(double[][] a, int c) => Enumerable.Range(0, request.Slots).Sum(t => a[c][t] * e * Price(request.Chargers[c], t));
        double Energy(double[][] a, int c) => a[c].Sum() * e;
        // Charging at once replaces a repaired plan (not an exact one) that costs more, if it meets whatever that plan meets.
        if (!exact && request.MinimumAmps > 0 && now.FitsTheCircuits
            && Enumerable.Range(0, n).All(c => Energy(now.Amps, c) >= Math.Min(Energy(amps, c), request.Chargers[c].EnergyKWh) - PlanProgram.MissToleranceKWh)
            && Enumerable.Range(0, n).Sum(c => Cost(now.Amps, c)) < Enumerable.Range(0, n).Sum(c => Cost(amps, c)) - 1e-9)
        {
            amps = now.Amps.Select(a => (double[])a.Clone()).ToArray();
            method += "; charging at once was cheaper and is the plan";
        }

        var plans = new ChargerPlan[n];
        for (var c = 0; c < n; c++)
        {
            var pc = request.Chargers[c];
            var planned = Energy(amps, c);
            var last = Array.FindLastIndex(amps[c], a => a > 0);
            var miss = planned < pc.EnergyKWh - PlanProgram.MissToleranceKWh
                ? PlanDiagnosis.Why(request, cap, amps, c, pc.EnergyKWh - planned)
                : null;
            plans[c] = new ChargerPlan(pc.Id, amps[c], pc.EnergyKWh, planned, Cost(amps, c), Cost(now.Amps, c), Energy(now.Amps, c),
                miss is null && last >= 0 ? last + 1 : miss is null ? 0 : null, miss);
        }
        return new SitePlan(plans, plans.Sum(p => p.Cost), plans.Sum(p => p.ChargeNowCost), now.FitsTheCircuits, method);
    }

    static double Price(PlanCharger c, int t) => t < c.PricePerKWh.Length ? c.PricePerKWh[t] : 0;

    /// <summary>What each target can get, the shortfall shared by the operator's rule (LP relaxation).</summary>
    static double[] Achievable(PlanProgram lp, PlanRequest request)
    {
        var n = request.Chargers.Count;
        var all = lp.MaximiseEnergy();
        var wanted = Enumerable.Range(0, n).Sum(c => lp.Z[c].Ub());
        if (all < wanted - PlanProgram.Tolerance(wanted))
        {
            if (request.Rule == ShortfallRule.EarliestDepartureFirst)
            {
                // The last solution is feasible under every floor so far: a group it already gives its whole
                // targets needs no LP of its own (most groups, when few targets are short).
                var z = lp.Z.Select(v => v.SolutionValue()).ToArray();
                foreach (var group in Enumerable.Range(0, n).GroupBy(c => request.Chargers[c].DepartureSlot).OrderBy(g => g.Key))
                {
                    var whole = group.All(c => z[c] >= lp.Z[c].Ub() - PlanProgram.Tolerance(lp.Z[c].Ub()));
                    var got = whole ? group.Sum(c => z[c]) : lp.MaximiseEnergy(group);
                    if (!whole) z = lp.Z.Select(v => v.SolutionValue()).ToArray();
                    lp.KeepAtLeast(group, got - PlanProgram.Tolerance(got));
                }
                lp.MaximiseEnergy();
            }
            else
            {
                // The largest share of every target that all can have, then what else fits.
                lp.MaximiseEqualShare();
                lp.MaximiseEnergy();
            }
        }
        var achievable = lp.Z.Select(z => Math.Max(0, z.SolutionValue())).ToArray();
        lp.ForgetFloors();
        return achievable;
    }

    /// <summary>Each charger's cap per slot: 0 after departure and where less than the minimum current is allowed.</summary>
    static double[][] Caps(PlanRequest request)
    {
        var cap = new double[request.Chargers.Count][];
        for (var c = 0; c < cap.Length; c++)
        {
            var pc = request.Chargers[c];
            var rating = request.Site.RatingAmps[request.Site.Index[pc.Id]];
            cap[c] = new double[request.Slots];
            for (var t = 0; t < Math.Min(pc.DepartureSlot, request.Slots); t++)
            {
                var a = Math.Min(rating, t < pc.CapAmps.Length ? pc.CapAmps[t] : 0);
                cap[c][t] = a >= request.MinimumAmps && a > 0 ? a : 0;
            }
        }
        return cap;
    }

    static void Validate(PlanRequest request)
    {
        if (request.Slots is < 1 or > 7 * 96) throw new ArgumentException($"a plan covers 1 to {7 * 96} slots, not {request.Slots}");
        if (!(request.VoltsLineToLine > 0)) throw new ArgumentException($"VoltsLineToLine must be above 0, not {request.VoltsLineToLine}");
        var seen = new HashSet<ChargerId>();
        foreach (var c in request.Chargers)
        {
            if (!request.Site.Index.ContainsKey(c.Id)) throw new ArgumentException($"charger '{c.Id}' is not on site '{request.Site.Topology.Name}'");
            if (!seen.Add(c.Id)) throw new ArgumentException($"charger '{c.Id}' has two targets");
            if (!(c.EnergyKWh >= 0) || !double.IsFinite(c.EnergyKWh)) throw new ArgumentException($"charger '{c.Id}': target {c.EnergyKWh} kWh is not a number of at least 0");
            if (c.PricePerKWh.Length < Math.Min(c.DepartureSlot, request.Slots))
                throw new ArgumentException($"charger '{c.Id}': {c.PricePerKWh.Length} prices for {Math.Min(c.DepartureSlot, request.Slots)} slots");
            if (request.ReservedAmps.ContainsKey(c.Id)) throw new ArgumentException($"charger '{c.Id}' has a target and a reserve");
        }
    }
}
