namespace SmartElek.Site.Grants;

/// <summary>
/// Lease timing, sized in docs/site.md ("Cluster settings and the figures behind them"): a crash
/// or partition of the singleton's node takes about 46 s to fail over at the default SBR
/// stable-after of 20 s, so a 60 s lease carries the chargers through a fail-over without
/// dropping to fail-safe, and a lost charger's amps come back 65 s (lease + vehicle window)
/// after its last report reached the allocator. With stable-after 7 s (21 s fail-over) a 30 s
/// lease is enough.
/// </summary>
public sealed record LeasePolicy
{
    /// <summary>How long a grant holds, measured from the anchoring report.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>J1772: after a lower offer the vehicle has this long to follow.</summary>
    public TimeSpan VehicleResponseWindow { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The charger falls back this long before its lease ends: the pilot may change its offer
    /// only once every 5 s, plus a second of margin for the actor hops.
    /// </summary>
    public TimeSpan FailSafeLead { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>How often a charger reports (and so renews its lease).</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A charger not heard from this long is treated as not asking for current (its amps stay held until its lease ends).</summary>
    public TimeSpan SilentAfter { get; init; } = TimeSpan.FromSeconds(16);

    /// <summary>
    /// A charger raises its pilot offer at most once per this span (J1772 pacing), so a higher
    /// grant may reach the vehicle this late, and the vehicle may start following it up to
    /// <see cref="VehicleResponseWindow"/> after that.
    /// </summary>
    public TimeSpan OfferPacing { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A metered current this close to an offer cannot be told from it: a reading within this
    /// of an older, higher grant may still be that grant's current, and a reading this close over
    /// an offer is reported (and rounds run) as a vehicle that has followed it.
    /// </summary>
    public double MeterToleranceAmps { get; init; } = 0.2;

    public static LeasePolicy Default { get; } = new();

    public LeasePolicy Validate()
    {
        if (VehicleResponseWindow < TimeSpan.Zero) throw new ArgumentException("VehicleResponseWindow must not be negative");
        if (ReportInterval <= TimeSpan.Zero) throw new ArgumentException("ReportInterval must be positive");
        if (FailSafeLead < TimeSpan.FromSeconds(5))
            throw new ArgumentException($"FailSafeLead {FailSafeLead} is shorter than the pilot's 5 s pacing: the fall-back could come after the lease ends");
        if (LeaseDuration <= FailSafeLead + ReportInterval + ReportInterval)
            throw new ArgumentException($"a lease of {LeaseDuration.TotalSeconds:0.###} s must exceed FailSafeLead + two report intervals "
                + $"({(FailSafeLead + ReportInterval + ReportInterval).TotalSeconds:0.###} s), or a healthy charger drops to fail-safe between renewals");
        if (SilentAfter <= ReportInterval) throw new ArgumentException("SilentAfter must exceed ReportInterval");
        return this;
    }
}
