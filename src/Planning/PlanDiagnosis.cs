using System.Globalization;

namespace SmartElek.Planning;

/// <summary>Why a target is missed: the circuit line that is full in most of the slots the charger could have used more, or its own cap.</summary>
static class PlanDiagnosis
{
    public static PlanMiss Why(PlanRequest request, double[][] cap, double[][] amps, int c, double shortKWh)
    {
        var site = request.Site;
        var siteIndex = request.Chargers.Select(p => site.Index[p.Id]).ToArray();
        var room = RoomLeft(request, amps, siteIndex);
        var slots = Math.Min(request.Chargers[c].DepartureSlot, request.Slots);
        var full = new Dictionary<int, int>();
        var open = 0;
        for (var t = 0; t < slots; t++)
        {
            if (amps[c][t] >= cap[c][t] - 1e-6) continue;
            open++;
            // A limit binds this charger here when less is left on it than would lift the charger to its cap (or to 6 A from 0).
            var wants = amps[c][t] > 0 ? 1e-6 : request.MinimumAmps - 1e-6;
            foreach (var l in site.LimitsOf(siteIndex[c]))
                if (room[l][t] < wants) full[l] = full.GetValueOrDefault(l) + 1;
        }
        var kwh = request.Chargers[c].EnergyKWh - shortKWh;
        if (full.Count == 0)
        {
            var most = cap[c].Take(slots).Sum() * request.KWhPerAmpSlot;
            return new PlanMiss(shortKWh, open == 0
                ? $"its own cap (rating, timers, user maximum, vehicle) allows at most {F(most)} kWh in the {slots} quarter hours before departure"
                : $"other targets come first by the shortfall rule ({request.Rule}); it gets {F(kwh)} kWh");
        }
        var (limit, count) = full.OrderByDescending(p => p.Value).ThenBy(p => p.Key).First();
        var which = site.Limits[limit];
        return new PlanMiss(shortKWh,
            $"circuit '{which.CircuitId}' is full on {which.Line} in {count} of the {slots} quarter hours before departure",
            which.CircuitId, which.Line);
    }

    static double[][] RoomLeft(PlanRequest request, double[][] amps, int[] siteIndex)
    {
        var site = request.Site;
        var position = request.Chargers.Select((p, i) => (p.Id, i)).ToDictionary(p => p.Id, p => p.i);
        var room = new double[site.Limits.Count][];
        foreach (var limit in site.Limits)
        {
            var reserved = limit.ChargerIndexes.Where(k => !position.ContainsKey(site.ChargerIds[k]))
                .Sum(k => request.ReservedAmps.GetValueOrDefault(site.ChargerIds[k]));
            room[limit.Index] = new double[request.Slots];
            for (var t = 0; t < request.Slots; t++) room[limit.Index][t] = limit.LimitAmps - reserved;
        }
        for (var c = 0; c < amps.Length; c++)
            foreach (var l in site.LimitsOf(siteIndex[c]))
                for (var t = 0; t < request.Slots; t++) room[l][t] -= amps[c][t];
        return room;
    }

    static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
