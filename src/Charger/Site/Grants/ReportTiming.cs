namespace SmartElek.Site.Grants;

/// <summary>Which changes of a charger's status its site member reports at once, rather than at the next report interval (pure).</summary>
public static class ReportTiming
{
    /// <summary>
    /// True when the change lets the allocator act: a vehicle starts or stops asking, its user maximum
    /// or OCPP limit changes, a new offer
    /// is applied, a decrease is followed (the metered current falls under the offer), or the
    /// vehicle comes within <paramref name="asksForMoreWithinAmps"/> of its offer from further
    /// under it (a vehicle held by its draw cap asks for more). Everything else rides on the
    /// periodic report.
    /// </summary>
    public static bool ReportsAtOnce(SiteChargerStatus? before, SiteChargerStatus now, double meterToleranceAmps, double asksForMoreWithinAmps)
    {
        if (before is null) return true;
        if (before.WantsCurrent != now.WantsCurrent) return true;
        // A new user maximum or charging-profile limit changes the charger's demand: the allocator
        // lowers (or may raise) its grant in its next round, not a report interval later.
        if (before.UserMaxAmps != now.UserMaxAmps || before.OcppLimitAmps != now.OcppLimitAmps) return true;
        // A new offer applied (not a renewal at the same amps: reporting each of those at once
        // would be answered by another renewal, without end).
        if (Math.Abs(before.OfferedAmps - now.OfferedAmps) > 0.05) return true;
        var wasOver = before.DrawnAmps.Max > before.OfferedAmps + meterToleranceAmps;
        var isUnder = now.DrawnAmps.Max <= now.OfferedAmps + meterToleranceAmps;
        if (wasOver && isUnder) return true;
        var wasUnder = before.DrawnAmps.Max < before.OfferedAmps - asksForMoreWithinAmps;
        var takesItAll = now.OfferedAmps > 0 && now.DrawnAmps.Max >= now.OfferedAmps - asksForMoreWithinAmps;
        return wasUnder && takesItAll;
    }
}
