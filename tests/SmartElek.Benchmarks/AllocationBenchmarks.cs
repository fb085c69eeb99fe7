using BenchmarkDotNet.Attributes;
using SmartElek.Site.Allocation;
using SmartElek.Site.Topology;

namespace SmartElek.Benchmarks;

/// <summary>
/// One full allocation round (admission and water-filling) on a 3-level tree: a feeder, panels,
/// branches with chargers on all three line pairs of a 3-phase site. Target: at most 5 ms at
/// 10,000 chargers.
/// <c>dotnet run -c Release --project tests/SmartElek.Benchmarks -- --filter *AllocationBenchmarks*</c>
/// </summary>
[MemoryDiagnoser]
public class AllocationBenchmarks
{
    Allocator allocator = null!;
    ChargerDemand[] demands = [];
    readonly DateTimeOffset now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Params(100, 1_000, 10_000)]
    public int Chargers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var topology = SiteTopology.FromSpec(AllocationSites.ThreeLevel(Chargers));
        allocator = new Allocator(topology);
        var random = new Random(42);
        demands = [.. topology.Chargers.Select(c => new ChargerDemand(c.Id)
        {
            WantsCurrent = random.Next(10) < 8,
            UserMaxAmps = random.Next(5) == 0 ? random.Next(6, 30) : null,
            VehicleDrawAmps = random.Next(4) == 0 ? random.Next(0, 30) : null,
            LastGrantAmps = random.Next(3) == 0 ? 0 : random.Next(6, 30),
            StateSince = now - TimeSpan.FromSeconds(random.Next(0, 3600)),
            SessionEnergyWh = random.Next(0, 40_000),
        })];
    }

    [Benchmark]
    public Allocation Allocate() => allocator.Allocate(demands, now);
}

/// <summary>Synthetic sites for benchmarks and scale runs.</summary>
public static class AllocationSites
{
    /// <summary>
    /// Feeder, panels of 100 branches, one 30 A charger per 40 A branch, line pairs in turn.
    /// Panels (1,200 A, 960 A per line) bind when full; the feeder (12 A per charger on
    /// average) binds the whole site, so every round shares a shortage.
    /// </summary>
    public static SiteSpec ThreeLevel(int chargers)
    {
        const int perPanel = 100;
        var panels = (chargers + perPanel - 1) / perPanel;
        var pairs = new[] { "L1-L2", "L2-L3", "L3-L1" };
        var made = 0;
        var panelSpecs = new List<CircuitSpec>();
        for (var p = 0; p < panels; p++)
        {
            var branches = new List<CircuitSpec>();
            for (var b = 0; b < perPanel && made < chargers; b++, made++)
            {
                branches.Add(new CircuitSpec
                {
                    Id = $"branch-{p}-{b}", RatingAmps = 40,
                    Chargers = [new ChargerSpec { Id = $"ev-{made}", RatingAmps = 30, Lines = pairs[made % 3] }],
                });
            }
            panelSpecs.Add(new CircuitSpec { Id = $"panel-{p}", RatingAmps = 1200, Children = branches });
        }
        return new SiteSpec
        {
            Name = $"bench-{chargers}",
            Phases = "three-phase",
            Feeder = new CircuitSpec { Id = "feeder", RatingAmps = Math.Max(1200, chargers * 12), Children = panelSpecs },
        };
    }
}
