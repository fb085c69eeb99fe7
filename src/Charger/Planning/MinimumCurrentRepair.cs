namespace SmartElek.Planning;

/// <summary>
/// The LP plans amps anywhere from 0 up; a charger runs at 0 A or at least 6 A. For a large site
/// (no MIP) each slot planned under the minimum is raised to it where every circuit on the
/// charger's path has the room, else closed, and the LP is solved again (most energy, then least
/// cost); after a few rounds what is still under the minimum is dropped (and shows as a miss).
/// </summary>
static class MinimumCurrentRepair
{
    const int Rounds = 4;

    public static int Run(PlanProgram lp, PlanRequest request, ref double[][] amps)
    {
        var min = request.MinimumAmps;
        var site = request.Site;
        var siteIndex = request.Chargers.Select(c => site.Index[c.Id]).ToArray();
        var rounds = 0;
        for (; rounds < Rounds; rounds++)
        {
            var small = new List<(int C, int T, double A)>();
            for (var c = 0; c < amps.Length; c++)
                for (var t = 0; t < lp.X[c].Length; t++)
                    if (amps[c][t] > 1e-6 && amps[c][t] < min - 1e-6) small.Add((c, t, amps[c][t]));
            if (small.Count == 0) break;
            var slack = Slack(lp, request, amps, siteIndex);
            // Raising a slot adds energy: never past what the battery takes.
            var energyRoom = amps.Select((row, c) => lp.EnergyMax[c] / request.KWhPerAmpSlot - row.Sum()).ToArray();
            foreach (var (c, t, a) in small.OrderByDescending(s => s.A))
            {
                var limits = site.LimitsOf(siteIndex[c]);
                var need = min - a;
                if (lp.Cap[c][t] >= min && energyRoom[c] >= need + 1e-9 && limits.All(l => slack[l][t] >= need - 1e-9))
                {
                    lp.X[c][t].SetLb(min);
                    energyRoom[c] -= need;
                    foreach (var l in limits) slack[l][t] -= need;
                }
                else
                {
                    lp.X[c][t].SetUb(0);
                }
            }
            lp.MostEnergyThenLeastCost();
            amps = lp.Amps();
        }
        foreach (var row in amps)
            for (var t = 0; t < row.Length; t++)
                if (row[t] < min - 1e-6) row[t] = 0;
        return rounds;
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
