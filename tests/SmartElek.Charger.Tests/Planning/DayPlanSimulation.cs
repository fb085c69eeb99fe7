using NodaTime;
using SmartElek.Charger.Tests.Site;
using SmartElek.Planning;
using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;
using SmartElek.Tariffs;

namespace SmartElek.Charger.Tests.Planning;

/// <summary>
/// One day of the default site (<c>config/site.json</c>: six 30 A chargers, two panels of 48 A a line,
/// an 80 A feeder line) on the virtual clock of <see cref="SiteSimulation"/> (the allocator, leases,
/// pilots and lagging vehicles, in 100 ms steps), with 20 vehicles that come and go with departure
/// targets, priced by a time-of-use tariff. Planned: at every quarter hour (and so at every arrival)
/// the site is replanned from the energy the vehicles actually took, and each charger's amps for the
/// slot go to the allocator as its rule cap (<see cref="GrantLedger.SetRuleCaps"/>, limit reason
/// "held back by the departure plan: ..."): the allocator stays the only authority on amps. At once:
/// the same day without a plan.
/// </summary>
public sealed class DayPlanSimulation
{
    public const double Volts = 240;
    public static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    /// <summary>A vehicle's visit: at which charger, from and to which slot of the day, what it wants, what its onboard charger takes.</summary>
    public sealed record Visit(int Charger, int Arrive, int Leave, double TargetKWh, double VehicleAmps);

    /// <summary>
    /// The day from 10:00 (Berlin, <see cref="SiteSimulation.T0"/>) for 24 hours: day visitors, evening
    /// visitors, vehicles overnight, early-morning ones. The first at charger-6 wants more than 30 A for
    /// three hours can give: it cannot be met, and must be reported when it arrives.
    /// </summary>
    public static readonly Visit[] Visits =
    [
        new(0, 0, 24, 18, 30), new(0, 28, 40, 6, 16), new(0, 40, 88, 20, 30), new(0, 88, 96, 4, 30),
        new(1, 0, 20, 12, 16), new(1, 24, 36, 8, 30), new(1, 38, 90, 25, 30), new(1, 92, 96, 1, 16),
        new(2, 2, 30, 20, 30), new(2, 32, 86, 18, 24), new(2, 88, 96, 3, 30),
        new(3, 0, 16, 10, 30), new(3, 18, 34, 9, 16), new(3, 36, 92, 22, 30),
        new(4, 4, 28, 15, 30), new(4, 30, 44, 5, 30), new(4, 46, 94, 16, 30),
        new(5, 0, 12, 25, 30), new(5, 14, 40, 22, 30), new(5, 42, 95, 28, 30),
    ];

    public const string TariffJson = """
        { "tariffs": { "day": { "seasons": [ { "name": "all year", "from": "01-01", "to": "12-31", "basePerKWh": 0.30,
            "bands": [ { "from": "00:00", "to": "06:00", "perKWh": 0.15 }, { "from": "23:00", "to": "24:00", "perKWh": 0.15 }, { "from": "12:00", "to": "15:00", "perKWh": 0.20 },
                       { "from": "17:00", "to": "21:00", "perKWh": 0.45 } ] } ] } } }
        """;

    public sealed record VisitResult(Visit Visit, double DeliveredKWh, double Cost, PlanMiss? MissAtArrival);

    public sealed record DayResult(
        IReadOnlyList<VisitResult> Visits, double Cost, double EnergyKWh, double CheapShare, LineLimit? Exceeded, DateTimeOffset? ExceededAt, int Replans,
        IReadOnlySet<string> PlanReasons);

    public static DayResult Run(SiteTopology site, bool planned, int seed)
    {
        var sim = new SiteSimulation(site, new Random(seed), faults: false);
        var book = TariffConfiguration.Parse(TariffJson);
        var start = Instant.FromDateTimeOffset(SiteSimulation.T0);
        var prices = book.Curve(null, start, SiteClock.Slot, 96 + 96, start, Zone);
        var cheapest = prices.Take(96).Min();
        var present = new Visit?[sim.Units.Count];
        var startAmpSeconds = new double[sim.Units.Count];
        var delivered = new double[Visits.Length];
        var cost = new double[Visits.Length];
        var misses = new PlanMiss?[Visits.Length];
        var visitAt = new int[sim.Units.Count];
        double total = 0, cheap = 0;
        var replans = 0;
        var planReasons = new HashSet<string>();
        var stepsPerSlot = (int)(TimeSpan.FromMinutes(15) / SiteSimulation.Step);
        double KWh(double ampSeconds) => ampSeconds * Volts / 3.6e6;

        for (var slot = 0; slot < 96; slot++)
        {
            for (var v = 0; v < Visits.Length; v++)
            {
                var visit = Visits[v];
                if (visit.Leave == slot && present[visit.Charger] == visit)
                {
                    sim.Connect(visit.Charger, false, 0);
                    present[visit.Charger] = null;
                }
            }
            var arrivals = new List<int>();
            for (var v = 0; v < Visits.Length; v++)
            {
                var visit = Visits[v];
                if (visit.Arrive != slot) continue;
                sim.Connect(visit.Charger, true, visit.VehicleAmps);
                present[visit.Charger] = visit;
                visitAt[visit.Charger] = v;
                startAmpSeconds[visit.Charger] = sim.Units[visit.Charger].EnergyAmpSeconds;
                arrivals.Add(v);
            }
            if (planned)
            {
                var plan = Replan(sim, present, visitAt, delivered, prices, slot);
                replans++;
                foreach (var v in arrivals)
                    misses[v] = plan?.Chargers.FirstOrDefault(p => p.Id == sim.Units[Visits[v].Charger].Placement.Id)?.Miss;
                // The plan acts through the allocator: this quarter hour's amps as each charger's cap.
                sim.Ledger!.SetRuleCaps(plan is null ? new Dictionary<ChargerId, RuleCap>() : PlanCaps.ForSlot(plan, 0));
            }
            for (var step = 0; step < stepsPerSlot; step++)
            {
                var before = sim.Units.Select(u => u.EnergyAmpSeconds).ToArray();
                if (sim.Advance() is { } over) return new DayResult([], 0, 0, 0, over, sim.Now, replans, planReasons);
                foreach (var u in sim.Units)
                    if (u.Grant?.LimitReason is { Kind: LimitKind.Plan } reason) planReasons.Add(reason.ToString());
                for (var k = 0; k < sim.Units.Count; k++)
                {
                    if (present[k] is not { } visit) continue;
                    var v = visitAt[k];
                    var kwh = KWh(sim.Units[k].EnergyAmpSeconds - before[k]);
                    delivered[v] += kwh;
                    cost[v] += kwh * prices[slot];
                    total += kwh;
                    if (prices[slot] <= cheapest + 1e-9) cheap += kwh;
                    // The battery reaches the target's state of charge: the vehicle stops asking.
                    if (delivered[v] >= visit.TargetKWh && sim.Units[k].Vehicle.MaxAmps > 0) sim.Demand(k, 0);
                }
            }
        }
        var results = Visits.Select((v, i) => new VisitResult(v, delivered[i], cost[i], misses[i])).ToList();
        return new DayResult(results, cost.Sum(), total, total > 0 ? cheap / total : 0, null, null, replans, planReasons);
    }

    /// <summary>The site's plan from this slot on, from the energy each vehicle has taken so far.</summary>
    static SitePlan? Replan(SiteSimulation sim, Visit?[] present, int[] visitAt, double[] delivered, double[] prices, int slot)
    {
        var chargers = new List<PlanCharger>();
        var horizon = present.Where(p => p is not null).Select(p => p!.Leave - slot).DefaultIfEmpty(0).Max();
        if (horizon <= 0) return null;
        for (var k = 0; k < present.Length; k++)
        {
            if (present[k] is not { } visit) continue;
            // A little over the target: a vehicle takes a few seconds to follow each new cap.
            var remaining = Math.Max(0, visit.TargetKWh + 0.05 - delivered[visitAt[k]]);
            chargers.Add(new PlanCharger(sim.Units[k].Placement.Id, remaining, visit.Leave - slot,
                Enumerable.Repeat(visit.VehicleAmps, horizon).ToArray(), prices.Skip(slot).Take(horizon).ToArray()));
        }
        return SitePlanner.Plan(new PlanRequest(sim.Limits, horizon, chargers, Volts));
    }
}
