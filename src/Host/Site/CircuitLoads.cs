using SmartElek.Site.Topology;

namespace SmartElek.Host.Site;

/// <summary>The current through one line of one circuit, against that line's limit.</summary>
public sealed record CircuitLoad(string CircuitId, int Depth, Line Line, double Amps, double LimitAmps)
{
    public bool Over => Amps > LimitAmps + 1e-6;
}

/// <summary>Sums chargers' currents over the site's tree (pure; for the console and tests).</summary>
public static class CircuitLoads
{
    /// <summary>
    /// For every circuit, the line carrying the most current relative to its limit: a charger's
    /// current flows on both of its lines. Chargers missing from <paramref name="ampsByCharger"/> count as 0 A.
    /// </summary>
    public static IReadOnlyList<CircuitLoad> Of(SiteTopology topology, IReadOnlyDictionary<ChargerId, double> ampsByCharger)
    {
        var loads = new List<CircuitLoad>();
        foreach (var circuit in topology.CircuitsInOrder)
        {
            var under = SiteTopology.ChargersUnder(topology, circuit).ToList();
            CircuitLoad? worst = null;
            foreach (var line in topology.Lines)
            {
                var amps = under.Where(c => c.Lines.Contains(line)).Sum(c => ampsByCharger.GetValueOrDefault(c.Id));
                var load = new CircuitLoad(circuit.Id, circuit.Depth, line, amps, circuit.LimitOn(line));
                if (worst is null || load.Amps / load.LimitAmps > worst.Amps / worst.LimitAmps) worst = load;
            }
            if (worst is not null) loads.Add(worst);
        }
        return loads;
    }
}
