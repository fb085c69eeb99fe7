using SmartElek.Site.Topology;

namespace SmartElek.Charger.Tests.Site;

/// <summary>Random but valid site topologies for property tests (split-phase and 3-phase, 1-4 levels).</summary>
public static class RandomSites
{
    static readonly double[] BranchRatings = [15, 20, 30, 40];

    public static SiteTopology Build(Random random, int maxChargers = 24, double failSafeChance = 0) =>
        SiteTopology.FromSpec(BuildSpec(random, maxChargers, failSafeChance));

    /// <summary>The same, in site.json's shape (valid: <see cref="SiteTopology.FromSpec"/> accepts it).</summary>
    public static SiteSpec BuildSpec(Random random, int maxChargers = 24, double failSafeChance = 0)
    {
        // Fail-safe shares may not fit a small panel's line limit; FromSpec refuses those, so draw again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var spec = BuildOnce(random, maxChargers, failSafeChance);
                SiteTopology.FromSpec(spec);
                return spec;
            }
            catch (TopologyException) when (failSafeChance > 0 && attempt < 100)
            {
            }
        }
    }

    static SiteSpec BuildOnce(Random random, int maxChargers, double failSafeChance)
    {
        var three = random.Next(2) == 0;
        var chargersLeft = random.Next(1, maxChargers + 1);
        var counter = 0;
        var circuits = 0;
        var feederRating = (double)random.Next(30, 201);
        var feeder = Circuit(random, three, feederRating, 0, ref chargersLeft, ref counter, ref circuits, failSafeChance);
        if (counter == 0) throw new InvalidOperationException("generator made no charger");
        return new SiteSpec { Name = "random", Phases = three ? "three-phase" : "split-phase", Feeder = feeder };
    }

    static CircuitSpec Circuit(Random random, bool three, double rating, int depth, ref int left, ref int counter, ref int circuits, double failSafeChance)
    {
        // Unique by the circuit count: the random part alone may repeat (it did, 1 in 10^6 a pair).
        var id = $"c{counter}-{random.Next(1_000_000)}-{circuits++}";
        var asBranch = depth >= 3 || (depth > 0 && random.Next(3) == 0) || (left <= 1 && depth > 0) || rating < 15;
        var limits = asBranch ? null : MaybeLineLimits(random, three, rating);
        if (asBranch)
        {
            var chargers = new List<ChargerSpec>();
            var branchLimit = rating * SiteTopology.ContinuousFactor;
            var count = Math.Max(1, Math.Min(left, random.Next(1, 4)));
            for (var i = 0; i < count && branchLimit >= 6; i++)
            {
                var chargerRating = Math.Floor(6 + random.NextDouble() * (Math.Min(30, branchLimit) - 6));
                var pair = three ? random.Next(3) switch { 0 => "L1-L2", 1 => "L2-L3", _ => "L3-L1" } : "L1-L2";
                // Fail-safe shares must fit every circuit (FromSpec checks; Build draws again if not).
                var failSafe = random.NextDouble() < failSafeChance && count == 1 ? 6 : 0;
                chargers.Add(new ChargerSpec { Id = $"ev{counter++}", RatingAmps = chargerRating, Lines = pair, FailSafeAmps = failSafe, MaxBreakerAmps = 400 });
                left--;
            }
            return new CircuitSpec { Id = id, Kind = "branch", RatingAmps = rating, LineLimitAmps = limits, Chargers = chargers };
        }
        var children = new List<CircuitSpec>();
        var childCount = random.Next(1, 5);
        for (var i = 0; i < childCount && left > 0; i++)
        {
            var childRating = depth >= 1 || random.Next(2) == 0
                ? Math.Min(rating, BranchRatings[random.Next(BranchRatings.Length)])
                : Math.Min(rating, random.Next(15, (int)rating + 1));
            children.Add(Circuit(random, three, childRating, depth + 1, ref left, ref counter, ref circuits, failSafeChance));
        }
        return new CircuitSpec { Id = id, Kind = depth == 0 ? "feeder" : "panel", RatingAmps = rating, LineLimitAmps = limits, Children = children };
    }

    static Dictionary<string, double>? MaybeLineLimits(Random random, bool three, double rating)
    {
        if (random.Next(4) != 0) return null;
        var line = three ? $"L{random.Next(1, 4)}" : $"L{random.Next(1, 3)}";
        return new Dictionary<string, double> { [line] = Math.Round(rating * (0.3 + 0.5 * random.NextDouble()), 1) };
    }
}
