using SmartElek.Site.Allocation;

namespace SmartElek.Site;

/// <summary>
/// The messages between a charger's site member and the site's allocator (a cluster singleton).
/// They are pure data so that the allocator's ledger and the charger's lease holder can be
/// tested without Akka. Amps are per line: a charger draws the same current on both its lines.
/// </summary>
public static class SiteProtocol
{
    /// <summary>The current metered on each of a charger's two lines, in the order of its <c>LinePair</c>.</summary>
    public readonly record struct LineCurrents(double First, double Second)
    {
        public double Max => Math.Max(First, Second);
    }

    /// <summary>
    /// A charger's periodic report to the allocator; every report also asks for the lease to be
    /// renewed. The allocator's grants are anchored to a report, and the charger measures its
    /// lease from the moment it <em>sent</em> that report, which is earlier than any moment the
    /// allocator sees, so the charger's lease always ends before the allocator thinks it does,
    /// without any clock synchronisation.
    /// </summary>
    [WireName("site.charger-report.v1")]
    public sealed record ChargerReport(
        ChargerId Charger,
        Guid MemberIncarnation,
        long ReportSeq,
        bool WantsCurrent,
        string PilotState,
        LineCurrents DrawnAmps,
        double OfferedAmps,
        double MayDrawAmps,
        long AppliedGrantEpoch,
        long AppliedGrantSeq,
        TimeSpan LeaseRemaining,
        bool OnFailSafe,
        double? UserMaxAmps,
        double? OcppLimitAmps,
        int PriorityClass,
        DateTimeOffset? Departure,
        double SessionEnergyWh) : IWireMessage;

    /// <summary>
    /// The allocator's grant: the current the charger may offer, until its lease ends. The lease
    /// ends <see cref="LeaseDuration"/> after the charger sent report
    /// (<see cref="AnchorIncarnation"/>, <see cref="AnchorReportSeq"/>); <see cref="LeaseExpiry"/>
    /// is the allocator's own (later) view of it, for display. A charger that cannot renew falls
    /// back to its fail-safe current before its lease ends. Grants from the charger's site
    /// member itself (fail-safe) have <see cref="AllocatorEpoch"/> 0 and <see cref="GrantSeq"/> 0.
    /// </summary>
    [WireName("site.current-grant.v1")]
    public sealed record CurrentGrant(
        ChargerId Charger,
        long AllocatorEpoch,
        long GrantSeq,
        double Amps,
        Guid AnchorIncarnation,
        long AnchorReportSeq,
        TimeSpan LeaseDuration,
        DateTimeOffset LeaseExpiry,
        LimitReason LimitReason) : IWireMessage
    {
        public bool IsFailSafe => AllocatorEpoch == 0;
    }
}
