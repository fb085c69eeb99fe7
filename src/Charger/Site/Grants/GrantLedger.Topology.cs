using SmartElek.Site.Allocation;
using SmartElek.Site.Topology;
using static SmartElek.Site.SiteProtocol;

namespace SmartElek.Site.Grants;

// The ledger under a live topology (commissioning): chargers placed, removed, circuits re-rated.
public sealed partial class GrantLedger
{
    readonly List<Ghost> ghosts = [];

    /// <summary>
    /// A charger taken out of the topology whose unit may still draw: every grant it was given counts
    /// on the circuits it hung on until that grant's lease and the vehicle's 5 s window are over (its
    /// unit, cut off from the site, falls back only at its lease's end), and its fail-safe current
    /// counts for as long as this ledger runs (a powered unit falls back to it without the site).
    /// </summary>
    sealed record Ghost(ChargerPlacement Placement, IReadOnlyList<string> Path, List<Held> Held)
    {
        public double Exposure(DateTimeOffset now, TimeSpan window)
        {
            Held.RemoveAll(h => now >= h.CountsUntil(window));
            return Held.Select(h => h.Amps).Append(Placement.FailSafeAmps).Max();
        }
    }

    /// <summary>Removed chargers whose amps still count somewhere (for the dashboard and tests).</summary>
    public IReadOnlyList<ChargerId> HeldForRemoved(DateTimeOffset now) =>
        [.. ghosts.Where(g => g.Exposure(now, Lease.VehicleResponseWindow) > 0).Select(g => g.Placement.Id)];

    /// <summary>
    /// Takes a changed topology without a restart. Chargers that stay keep their book (grants, leases,
    /// held decreases); a new one starts unheard (its fail-safe current counted, nothing granted until
    /// it reports); a removed one becomes a ghost (above). Limits change at once: the next round lowers
    /// the grants under a lowered limit first, and raises nobody under it while the old, higher
    /// grants may still be drawn (invariants 1 and 2). Returns the last grant of each removed charger
    /// that reported: 0 A (reason <see cref="LimitKind.Removed"/>), so that its unit stops drawing at
    /// once where it can be reached; its amps count all the same until its leases are over.
    /// </summary>
    public IReadOnlyList<CurrentGrant> ChangeTopology(SiteTopology next, DateTimeOffset now)
    {
        var old = limits.Topology;
        var last = new List<CurrentGrant>();
        foreach (var e in entries)
        {
            if (next.ChargerById.ContainsKey(e.Placement.Id)) continue;
            Exposure(e, now);
            if (e.Last is not null)
            {
                Change(e, 0, new LimitReason(LimitKind.Removed), now);
                last.Add(Issue(e, 0, now));
            }
            var held = e.Held.ToList();
            // Never heard by this ledger: it may still draw what an older allocator gave it.
            if (!e.Heard && now < OldLeasesOverAt) held.Add(new Held(0, e.Placement.RatingAmps, startedAt + Lease.LeaseDuration, null, startedAt));
            ghosts.Add(new Ghost(e.Placement, PathOf(old, e.Placement.CircuitId), held));
        }
        var byId = entries.ToDictionary(e => e.Placement.Id);
        var moved = new Entry[next.Chargers.Count];
        unheard = 0;
        for (var k = 0; k < moved.Length; k++)
        {
            var placement = next.Chargers[k];
            moved[k] = byId.TryGetValue(placement.Id, out var was) ? was.MovedTo(k, placement) : new Entry(k, placement);
            if (!moved[k].Heard) unheard++;
        }
        entries = moved;
        allocator = new Allocator(next, allocator.Policy);
        limits = allocator.Limits;
        return last;
    }

    // What removed chargers may draw, on each limit of the current topology they count against.
    double[] GhostAmps(DateTimeOffset now)
    {
        var reserved = new double[limits.Limits.Count];
        ghosts.RemoveAll(g => g.Exposure(now, Lease.VehicleResponseWindow) <= 0);
        foreach (var g in ghosts)
        {
            var amps = g.Exposure(now, Lease.VehicleResponseWindow);
            foreach (var circuit in g.Path)
                foreach (var line in new[] { g.Placement.Lines.First, g.Placement.Lines.Second })
                    if (limits.LimitIndex(circuit, line) is { } c) reserved[c] += amps;
        }
        return reserved;
    }

    DateTimeOffset? GhostRelease(DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var g in ghosts)
            foreach (var h in g.Held)
            {
                var ends = h.CountsUntil(Lease.VehicleResponseWindow);
                if (ends > now && (next is null || ends < next)) next = ends;
            }
        return next;
    }

    // Circuits are never taken out or moved (commissioning adds and re-rates them), so a removed
    // charger's path stays valid in every later topology.
    static List<string> PathOf(SiteTopology topology, string circuitId)
    {
        var path = new List<string>();
        for (string? id = circuitId; id is not null; id = topology.Circuits[id].ParentId) path.Add(id);
        return path;
    }
}
