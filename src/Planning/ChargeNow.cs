using SmartElek.Site.Allocation;

namespace SmartElek.Planning;

/// <summary>
/// What charging at once would do: from the first slot every vehicle takes the allocator's share
/// (max-min fair under the circuits, 0 or at least 6 A; earlier departures first when short) until
/// its target is met. The yardstick a plan's cost is shown against.
/// </summary>
static class ChargeNow
{
    public sealed record Result(double[][] Amps, bool FitsTheCircuits);

    public static Result Schedule(PlanRequest request, double[][] cap)
    {
        var site = request.Site;
        var allocator = new Allocator(site);
        var e = request.KWhPerAmpSlot;
        var n = request.Chargers.Count;
        var amps = new double[n][];
        var remaining = new double[n];
        for (var c = 0; c < n; c++)
        {
            amps[c] = new double[request.Slots];
            remaining[c] = request.Chargers[c].EnergyKWh;
        }
        var start = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var fits = true;
        var planned = request.Chargers.Select((c, i) => (c.Id, i)).ToDictionary(p => p.Id, p => p.i);
        for (var t = 0; t < request.Slots; t++)
        {
            var demands = new List<ChargerDemand>();
            for (var c = 0; c < n; c++)
            {
                if (remaining[c] <= 1e-9 || cap[c][t] <= 0) continue;
                var needed = Math.Max(request.MinimumAmps, remaining[c] / e);
                demands.Add(new ChargerDemand(request.Chargers[c].Id)
                {
                    WantsCurrent = true,
                    UserMaxAmps = Math.Min(cap[c][t], needed),
                    Departure = start + TimeSpan.FromMinutes(15 * request.Chargers[c].DepartureSlot),
                });
            }
            // Chargers without a target are served first up to their reserve: it is theirs.
            foreach (var (id, reserve) in request.ReservedAmps)
                if (reserve > 0)
                    demands.Add(new ChargerDemand(id) { WantsCurrent = true, UserMaxAmps = reserve, PriorityClass = 1 });
            if (demands.Count == 0) continue;
            var allocation = allocator.Allocate(demands, start + TimeSpan.FromMinutes(15 * t));
            foreach (var g in allocation.Grants)
            {
                if (g.Amps <= 0) continue;
                if (planned.TryGetValue(g.Id, out var c))
                {
                    amps[c][t] = g.Amps;
                    remaining[c] -= g.Amps * e;
                }
                else
                {
                    // A reserve the allocator could not give in full leaves planned amps over the plan's room.
                    if (g.Amps < request.ReservedAmps.GetValueOrDefault(g.Id) - 1e-9) fits = false;
                }
            }
        }
        return new Result(amps, fits);
    }
}
