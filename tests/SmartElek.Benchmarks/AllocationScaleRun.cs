using System.CommandLine;
using System.Diagnostics;
using SmartElek.Site.Allocation;
using SmartElek.Site.Topology;

namespace SmartElek.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/SmartElek.Benchmarks -- scale allocation [rounds]</c>:
/// times full allocation rounds on the 3-level tree at 100, 1,000 and 10,000 chargers, with
/// demands that change between rounds, and prints median and 99th percentile (target: 5 ms at 10,000).
/// </summary>
public sealed class AllocationScaleRun : IScaleRun
{
    private readonly Argument<int> rounds = ScaleOptions.PositiveArgument("rounds", 200, "Timed allocation rounds per size (after 20 of warm-up).");

    public string Name => "allocation";
    public string Description => "Times full allocation rounds on the 3-level tree at 100, 1,000 and 10,000 chargers (median, p99, max).";
    public IEnumerable<Argument> Arguments => [rounds];

    public Task RunAsync(ParseResult parse)
    {
        var rounds = parse.GetValue(this.rounds);
        var now = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        foreach (var size in new[] { 100, 1_000, 10_000 })
        {
            var topology = SiteTopology.FromSpec(AllocationSites.ThreeLevel(size));
            var allocator = new Allocator(topology);
            var random = new Random(size);
            var demands = topology.Chargers.Select(c => new ChargerDemand(c.Id) { WantsCurrent = true, LastGrantAmps = 10 }).ToArray();
            var times = new List<double>();
            for (var i = 0; i < rounds + 20; i++)
            {
                for (var j = 0; j < demands.Length / 20 + 1; j++)
                {
                    var k = random.Next(demands.Length);
                    demands[k] = demands[k] with
                    {
                        WantsCurrent = random.Next(10) < 8,
                        VehicleDrawAmps = random.Next(3) == 0 ? random.Next(0, 30) : null,
                        UserMaxAmps = random.Next(5) == 0 ? random.Next(6, 30) : null,
                    };
                }
                var watch = Stopwatch.StartNew();
                var result = allocator.Allocate(demands, now.AddSeconds(i));
                watch.Stop();
                for (var k = 0; k < demands.Length; k++)
                    demands[k] = demands[k] with { LastGrantAmps = result.Grants[k].Amps };
                if (i >= 20) times.Add(watch.Elapsed.TotalMilliseconds); // after warm-up
            }
            times.Sort();
            Console.WriteLine($"{size,6} chargers: median {times[times.Count / 2]:0.000} ms, p99 {times[(int)(times.Count * 0.99)]:0.000} ms, max {times[^1]:0.000} ms over {rounds} rounds");
        }
        return Task.CompletedTask;
    }
}
