using SmartElek.Site.Topology;

namespace SmartElek.Site.Allocation;

/// <summary>
/// The cap that follows what a vehicle draws (docs/site.md, invariant 6). A vehicle drawing more
/// than <see cref="AllocationPolicy.AsksForMoreWithinAmps"/> under its offer is limited by itself
/// (it tapers near full, or its onboard charger is small): it is capped at its draw plus
/// <see cref="AllocationPolicy.DrawHeadroomAmps"/>, at least 6 A, and the rest goes to others.
/// The cap holds while the vehicle keeps drawing under it, steps down only when the draw falls
/// that margin further, and lifts when the draw comes within the margin of the cap: the vehicle
/// asks for more. Without that band a vehicle capped at its draw plus the headroom would look
/// unlimited one round later, the cap would lift, and its offer would flap.
/// </summary>
public static class DrawCap
{
    const double Minimum = SiteTopology.MinimumChargingAmps;
    const double Eps = 1e-9;

    /// <summary>The draw cap in force after a round with demand <paramref name="demand"/>; null when there is none.</summary>
    public static double? Next(ChargerDemand demand, AllocationPolicy policy)
    {
        // A vehicle that leaves takes its cap with it: the next one starts uncapped.
        if (!demand.WantsCurrent) return null;
        var previous = demand.DrawCapAmps;
        // Nothing learnt while the draw is unknown or still following a change.
        if (demand.VehicleDrawAmps is not { } drawn) return previous;
        var margin = policy.AsksForMoreWithinAmps;
        if (previous is { } reached && drawn >= reached - margin - Eps) return null;
        var limitedByItself = demand.LastGrantAmps >= Minimum - Eps && drawn < demand.LastGrantAmps - margin - Eps;
        if (!limitedByItself) return previous;
        var byDraw = Math.Max(Minimum, drawn + policy.DrawHeadroomAmps);
        return previous is { } cap && byDraw >= cap - margin - Eps ? cap : byDraw;
    }
}
