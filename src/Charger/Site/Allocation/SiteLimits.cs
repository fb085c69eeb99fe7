using System.Collections.Frozen;
using SmartElek.Site.Topology;

namespace SmartElek.Site.Allocation;

/// <summary>One per-line limit of one circuit and the chargers whose current flows through it.</summary>
public sealed record LineLimit(int Index, string CircuitId, Line Line, double LimitAmps, int[] ChargerIndexes);

/// <summary>
/// The topology flattened for fast arithmetic: every (circuit, line) limit, and for every
/// charger the limits its current counts against. Chargers are numbered in topology order.
/// </summary>
public sealed class SiteLimits
{
    readonly int[][] limitsOfCharger;
    readonly Dictionary<(string, Line), int> byCircuitLine = [];

    public SiteLimits(SiteTopology topology)
    {
        Topology = topology;
        ChargerIds = [.. topology.Chargers.Select(c => c.Id)];
        Index = ChargerIds.Select((id, i) => (id, i)).ToFrozenDictionary(p => p.id, p => p.i);
        var limits = new List<LineLimit>();
        foreach (var circuit in topology.CircuitsInOrder)
        {
            var under = SiteTopology.ChargersUnder(topology, circuit).ToList();
            foreach (var line in topology.Lines)
            {
                var members = under.Where(c => c.Lines.Contains(line)).Select(c => Index[c.Id]).ToArray();
                if (members.Length == 0) continue;
                byCircuitLine[(circuit.Id, line)] = limits.Count;
                limits.Add(new LineLimit(limits.Count, circuit.Id, line, circuit.LimitOn(line), members));
            }
        }
        Limits = limits;
        limitsOfCharger = new int[ChargerIds.Count][];
        for (var k = 0; k < ChargerIds.Count; k++)
        {
            var placement = topology.Chargers[k];
            var own = new List<int>();
            // Branch first, feeder last: the deepest binding circuit is the most useful reason.
            foreach (var circuit in topology.PathToFeeder(placement.Id))
                foreach (var line in new[] { placement.Lines.First, placement.Lines.Second }.Order())
                    own.Add(byCircuitLine[(circuit.Id, line)]);
            limitsOfCharger[k] = [.. own];
        }
        RatingAmps = [.. topology.Chargers.Select(c => c.RatingAmps)];
        FailSafeAmps = [.. topology.Chargers.Select(c => c.FailSafeAmps)];
    }

    public SiteTopology Topology { get; }
    public IReadOnlyList<ChargerId> ChargerIds { get; }
    public FrozenDictionary<ChargerId, int> Index { get; }
    public IReadOnlyList<LineLimit> Limits { get; }
    public double[] RatingAmps { get; }
    public double[] FailSafeAmps { get; }

    /// <summary>The index of circuit <paramref name="circuitId"/>'s limit on <paramref name="line"/>; null where no charger counts against it.</summary>
    public int? LimitIndex(string circuitId, Line line) => byCircuitLine.TryGetValue((circuitId, line), out var c) ? c : null;

    /// <summary>The limits (indexes into <see cref="Limits"/>) that charger number <paramref name="charger"/> counts against.</summary>
    public int[] LimitsOf(int charger) => limitsOfCharger[charger];

    /// <summary>
    /// Each limit's load for the given per-charger currents, and the first limit exceeded by
    /// more than <paramref name="tolerance"/> (null when none is).
    /// </summary>
    public LineLimit? FirstExceeded(IReadOnlyList<double> ampsByCharger, double tolerance = 1e-6)
    {
        foreach (var limit in Limits)
        {
            var sum = 0.0;
            foreach (var k in limit.ChargerIndexes) sum += ampsByCharger[k];
            if (sum > limit.LimitAmps + tolerance) return limit;
        }
        return null;
    }
}
