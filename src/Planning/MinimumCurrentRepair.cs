namespace SmartElek.Planning;

/// <summary>
/// The LP plans amps anywhere from 0 up; a charger runs at 0 A or at least 6 A. For a site too large
/// for the exact MIP, each slot the LP planned under the minimum is mended locally, keeping every
/// circuit line, cap and the battery's room. (Fixing such slots and solving the LP again was tried
/// first: on 1,000 chargers two rounds took 259 slots under 6 A to 210, and cost 14 s more.)
/// </summary>
static class MinimumCurrentRepair
{
    public static void Run(PlanProgram lp, PlanRequest request, double[][] amps)
    {
        var siteIndex = request.Chargers.Select(c => request.Site.Index[c.Id]).ToArray();
        Cleanup(lp, request, amps, siteIndex);
    }

    /// <summary>
    /// Each slot the LP planned under the minimum, one by one: raised to it where the circuits have room;
    /// else its amps moved to a slot where the charger already runs and the circuits have room; else
    /// the minimum in a slot where the charger is off and the circuits have room, taken back from its
    /// dearest running slots; else dropped (a miss, named by the diagnosis).
    /// </summary>
    static void Cleanup(PlanProgram lp, PlanRequest request, double[][] amps, int[] siteIndex)
    {
        var min = request.MinimumAmps;
        var site = request.Site;
        var slack = Slack(lp, request, amps, siteIndex);
        for (var c = 0; c < amps.Length; c++)
        {
            var limits = site.LimitsOf(siteIndex[c]);
            var energyRoom = lp.EnergyMax[c] / request.KWhPerAmpSlot - amps[c].Sum();
            for (var t = 0; t < lp.X[c].Length; t++)
            {
                var a = amps[c][t];
                if (a <= 0 || a >= min - 1e-6) continue;
                if (lp.Cap[c][t] >= min && energyRoom >= min - a && limits.All(l => slack[l][t] >= min - a - 1e-9))
                {
                    Set(c, t, min);
                    continue;
                }
                // The cheapest running slot with room for these amps.
                var to = -1;
                for (var u = 0; u < lp.X[c].Length; u++)
                {
                    if (u == t || amps[c][u] < min - 1e-6 || amps[c][u] + a > lp.Cap[c][u] + 1e-9) continue;
                    if (!limits.All(l => slack[l][u] >= a - 1e-9)) continue;
                    if (to < 0 || lp.CostPerAmp[c][u] < lp.CostPerAmp[c][to]) to = u;
                }
                if (to >= 0)
                {
                    Set(c, to, amps[c][to] + a);
                    Set(c, t, 0);
                    continue;
                }
                // A slot where the charger is off and the circuits have the minimum to spare (a dearer
                // hour, as a rule), run at the minimum; as much less elsewhere as that is more than these amps.
                var open = -1;
                for (var u = 0; u < lp.X[c].Length; u++)
                {
                    if (u == t || amps[c][u] > 0 || lp.Cap[c][u] < min || !limits.All(l => slack[l][u] >= min - 1e-9)) continue;
                    if (open < 0 || lp.CostPerAmp[c][u] < lp.CostPerAmp[c][open]) open = u;
                }
                Set(c, t, 0);
                if (open < 0) continue;
                var canTake = Enumerable.Range(0, lp.X[c].Length).Where(u => u != open).Sum(u => Math.Max(0, amps[c][u] - min));
                if (canTake + energyRoom < min - 1e-9) continue; // the battery would not take the rest
                Set(c, open, min);
                var surplus = min - a;
                foreach (var u in Enumerable.Range(0, lp.X[c].Length).Where(u => u != open && amps[c][u] > min + 1e-9)
                             .OrderByDescending(u => lp.CostPerAmp[c][u]).ToList())
                {
                    if (surplus <= 1e-9) break;
                    var take = Math.Min(surplus, amps[c][u] - min);
                    Set(c, u, amps[c][u] - take);
                    surplus -= take;
                }
                // What could not be taken back elsewhere is delivered on top: the battery takes it (checked above).
            }

            void Set(int c, int t, double value)
            {
                var delta = value - amps[c][t];
                foreach (var l in site.LimitsOf(siteIndex[c])) slack[l][t] -= delta;
                energyRoom -= delta;
                amps[c][t] = value;
            }
        }
    }

    /// <summary>Per limit and slot, the amps the planned chargers leave free.</summary>
    public static double[][] Slack(PlanProgram lp, PlanRequest request, double[][] amps, int[] siteIndex)
    {
        var slack = lp.Room.Select(r => (double[])r.Clone()).ToArray();
        for (var c = 0; c < amps.Length; c++)
            foreach (var l in request.Site.LimitsOf(siteIndex[c]))
                for (var t = 0; t < request.Slots; t++) slack[l][t] -= amps[c][t];
        return slack;
    }
}
