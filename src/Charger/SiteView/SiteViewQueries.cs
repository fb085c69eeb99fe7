using SmartElek.Site.Topology;

namespace SmartElek.Site.View;

/// <summary>Whether a charger's state is current.</summary>
public enum ChargerReach
{
    /// <summary>Its node confirmed the state within the view's staleness limit.</summary>
    Live,
    /// <summary>Its node is unreachable, removed or silent: the state shown is the last known, with its age.</summary>
    Unreachable,
    /// <summary>No node has published it yet (the site is starting, or its node never joined).</summary>
    Unknown,
}

/// <summary>One charger as the API shows it: where it hangs, what is known of it and how current that is.</summary>
/// <param name="Age">Since its node last confirmed <see cref="Last"/>; null when unknown.</param>
public sealed record ChargerRow(ChargerPlacement Placement, ChargerReach Reach, TimeSpan? Age, string? Node, string? Why, ChargerSnapshot? Last, AllocationEntry? Allocation);

/// <summary>One line of one circuit: the allocator's grants and exposure, the metered current, and the limit.</summary>
/// <param name="MayDrawAmps">What the allocator counts against the limit (a charger it cannot hear counts at its full grant until its lease ends).</param>
/// <param name="DrawnAmps">Metered current of the chargers whose state is live.</param>
public sealed record CircuitLineLoad(Line Line, double LimitAmps, double GrantedAmps, double MayDrawAmps, double DrawnAmps);

public sealed record CircuitRow(Circuit Circuit, IReadOnlyList<CircuitLineLoad> Lines, int Chargers, int UnreachableChargers);

/// <summary>Reads of a <see cref="SiteView"/> against the site's topology at a given time (pure).</summary>
public static class SiteViewQueries
{
    public static ChargerRow Row(this SiteView view, ChargerPlacement placement, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(placement);
        var allocation = view.Allocation.GetValueOrDefault(placement.Id);
        if (!view.Chargers.TryGetValue(placement.Id, out var entry))
            return new ChargerRow(placement, ChargerReach.Unknown, null, null, "no node has published this charger yet", null, allocation);
        var node = view.Nodes.GetValueOrDefault(entry.Node);
        var heard = node?.HeardAt ?? DateTimeOffset.MinValue;
        var age = heard == DateTimeOffset.MinValue ? now - entry.Last.At : now - heard;
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        var why = node switch
        {
            null => "its node is not known",
            { Removed: true } => "its node left the site or was downed",
            { Unreachable: true } => "its node is unreachable",
            { Gap: true } => "an update from its node was missed; waiting for a full one",
            _ when age > view.StaleAfter => $"no news from its node for {age.TotalSeconds:0} s",
            _ => null,
        };
        return new ChargerRow(placement, why is null ? ChargerReach.Live : ChargerReach.Unreachable, age, entry.Node, why, entry.Last, allocation);
    }

    public static IReadOnlyList<ChargerRow> Rows(this SiteView view, SiteTopology topology, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(topology);
        return [.. topology.Chargers.Select(c => view.Row(c, now))];
    }

    /// <summary>Every circuit (tree order) with every line's load against its limit.</summary>
    public static IReadOnlyList<CircuitRow> Circuits(this SiteView view, SiteTopology topology, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var rows = view.Rows(topology, now).ToDictionary(r => r.Placement.Id);
        var result = new List<CircuitRow>();
        foreach (var circuit in topology.CircuitsInOrder)
        {
            var under = SiteTopology.ChargersUnder(topology, circuit).Select(c => rows[c.Id]).ToList();
            var lines = topology.Lines.Select(line =>
            {
                var on = under.Where(r => r.Placement.Lines.First == line || r.Placement.Lines.Second == line).ToList();
                return new CircuitLineLoad(line, circuit.LimitOn(line),
                    on.Sum(r => r.Allocation?.GrantedAmps ?? 0),
                    on.Sum(r => r.Allocation?.MayDrawAmps ?? 0),
                    on.Where(r => r.Reach == ChargerReach.Live).Sum(r => r.Last!.DrawnAmps));
            }).ToList();
            result.Add(new CircuitRow(circuit, lines, under.Count, under.Count(r => r.Reach != ChargerReach.Live)));
        }
        return result;
    }
}
