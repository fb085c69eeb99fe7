using System.CommandLine;
using System.Diagnostics;
using SmartElek.Planning;
using SmartElek.Site.Allocation;
using SmartElek.Site.Topology;

namespace SmartElek.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/SmartElek.Benchmarks -- scale planner [--chargers 1000] [--runs 3]</c>:
/// plans every charger of the 3-level tree (feeder, panels of 100, one branch each) over 96 quarter
/// hours against day-ahead-like prices, then replans after one more vehicle arrives with a target;
/// prints the times, the plan's cost against the LP's lower bound and against charging at once.
/// Also an exact plan (MIP) at the size where the planner stops planning exactly.
/// </summary>
public sealed class PlannerScaleRun : IScaleRun
{
    private readonly Option<int> chargers = new("--chargers") { DefaultValueFactory = _ => 1000, Description = "Chargers of the site, all but one with a target." };
    private readonly Option<int> runs = new("--runs") { DefaultValueFactory = _ => 3, Description = "Timed runs of each (the first is also the warm-up)." };

    public string Name => "planner";
    public string Description => "Plans 1,000 chargers x 96 slots on the 3-level tree, and replans after one arrival (time, cost against the LP bound and charging at once).";
    public IEnumerable<Option> Options => [chargers, runs];

    public Task RunAsync(ParseResult parse)
    {
        var n = parse.GetValue(chargers);
        var runs = parse.GetValue(this.runs);
        var site = new SiteLimits(SiteTopology.FromSpec(AllocationSites.ThreeLevel(n)));
        var request = Request(site, 96, new Random(42));
        // One charger has a vehicle but no target yet: it keeps its 6 A reserve until it sets one.
        var late = request.Chargers[^1];
        var before = request with
        {
            Chargers = [.. request.Chargers.Take(request.Chargers.Count - 1)],
            ReservedAmps = new Dictionary<ChargerId, double> { [late.Id] = 6 },
        };
        Console.WriteLine($"site: {n} chargers (3-phase, panels of 100 at 960 A a line, feeder {site.Topology.Root.RatingAmps} A), 96 slots, " +
            $"{before.Chargers.Sum(c => c.DepartureSlot)} charger-slots, {before.Chargers.Sum(c => c.EnergyKWh):0} kWh wanted");
        Time("plan", runs, () => SitePlanner.Plan(before));
        Time("replan after one arrival", runs, () => SitePlanner.Plan(request));
        // LP relaxation without the 6 A rule: the lower bound of any plan's cost.
        Time("LP relaxation alone (no 6 A rule), the lower bound", 1, () => SitePlanner.Plan(request with { MinimumAmps = 0 }));

        var small = new SiteLimits(SiteTopology.FromSpec(AllocationSites.ThreeLevel(50)));
        var exact = Request(small, 48, new Random(7));
        Console.WriteLine($"exact (MIP) at the planner's limit: 50 chargers x 48 slots, {exact.Chargers.Sum(c => c.DepartureSlot)} charger-slots");
        Time("exact plan (MIP)", runs, () => SitePlanner.Plan(exact));
        Time("LP + 6 A repair, same question", runs, () => SitePlanner.Plan(exact with { ExactUpTo = 0 }));
        return Task.CompletedTask;
    }

    static void Time(string what, int runs, Func<SitePlan> plan)
    {
        var times = new List<double>();
        SitePlan? last = null;
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            last = plan();
            times.Add(watch.Elapsed.TotalSeconds);
        }
        times.Sort();
        var misses = last!.Misses.ToList();
        Console.WriteLine($"  {what}: median {times[times.Count / 2]:0.000} s (min {times[0]:0.000}, max {times[^1]:0.000}, {runs} runs); " +
            $"{last.Chargers.Sum(p => p.PlannedKWh):0.0} kWh planned, cost {last.Cost:0.00}, charging at once {last.ChargeNowCost:0.00} ({(1 - last.Cost / last.ChargeNowCost) * 100:0.0} % less); " +
            $"{misses.Count} targets missed by {misses.Sum(m => m.Miss!.ShortKWh):0.0} kWh; {last.Method}");
    }

    /// <summary>Vehicles with 5-60 kWh to go, leaving in 4-24 h, three groups on day-ahead-like curves; timers cap a tenth of them in the evening peak.</summary>
    public static PlanRequest Request(SiteLimits site, int slots, Random random)
    {
        var curves = Enumerable.Range(0, 3).Select(g =>
        {
            var price = 0.25 + 0.05 * g;
            return Enumerable.Range(0, slots).Select(t =>
            {
                var hour = t / 4.0;
                // A night valley, a midday dip, an evening peak, and noise.
                return Math.Round(price + 0.1 * Math.Sin((hour - 9) / 24 * 2 * Math.PI) - (hour is > 11 and < 15 ? 0.08 : 0)
                    + (random.NextDouble() - 0.5) * 0.04, 4);
            }).ToArray();
        }).ToArray();
        var chargers = site.ChargerIds.Select((id, k) =>
        {
            var departure = random.Next(Math.Min(16, slots), slots + 1);
            var cap = Enumerable.Repeat(site.RatingAmps[k], slots).ToArray();
            if (random.Next(10) == 0)
                for (var t = 68; t < Math.Min(84, slots); t++) cap[t] = 10;
            return new PlanCharger(id, 5 + random.NextDouble() * 55, departure, cap, curves[random.Next(3)]);
        }).ToList();
        return new PlanRequest(site, slots, chargers, VoltsLineToLine: 400);
    }
}
