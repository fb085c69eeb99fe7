using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.SmartCharging;

/// <summary>
/// The electrical facts needed to turn W into A: the site voltage (line to line for a split-phase
/// or two-leg charger), the phases the charger loads, and its own maximum current (the limit
/// where no profile applies).
/// </summary>
public sealed record ElectricalSupply(decimal Voltage, int Phases, decimal MaxCurrent)
{
    /// <summary>A is per phase, W is total: A = W / (voltage x phases).</summary>
    public decimal ToAmps(decimal limit, ChargingRateUnit unit) =>
        unit == ChargingRateUnit.A ? limit : limit / (Voltage * Phases);

    public decimal FromAmps(decimal amps, ChargingRateUnit unit) =>
        unit == ChargingRateUnit.A ? amps : amps * Voltage * Phases;
}

/// <summary>
/// The composite schedule of OCPP 1.6 (section 3.13): per purpose, at each instant the valid
/// profile with the highest stackLevel that defines a limit wins; the transaction's limit is its
/// TxProfile, else the connector's TxDefaultProfile, else connector 0's; the composite is the
/// lowest of ChargePointMaxProfile, that limit and the charger's own maximum. Pure.
/// </summary>
public static class CompositeSchedule
{
    /// <summary>GetCompositeSchedule: the limit from <paramref name="start"/> for <paramref name="duration"/> s.</summary>
    public static ChargingSchedule Compute(
        ChargingProfiles profiles, int connectorId, DateTimeOffset start, int duration,
        ChargingRateUnit unit, ElectricalSupply supply, ActiveTransaction? transaction)
    {
        var end = start.AddSeconds(duration);
        var points = new SortedSet<DateTimeOffset> { start };
        foreach (var installed in Relevant(profiles, connectorId))
            foreach (var instant in ChangeInstants(installed.Profile, start, end, transaction, connectorId))
                if (instant > start && instant < end) points.Add(instant);

        var periods = new List<ChargingSchedulePeriod>();
        foreach (var instant in points)
        {
            var limit = Round(supply.FromAmps(LimitAt(profiles, connectorId, instant, supply, transaction), unit));
            if (periods.Count > 0 && periods[^1].Limit == limit) continue;
            periods.Add(new ChargingSchedulePeriod((int)(instant - start).TotalSeconds, limit));
        }
        return new ChargingSchedule(unit, periods, duration, start);
    }

    /// <summary>The limit in amps per phase on <paramref name="connectorId"/> at one instant (full precision).</summary>
    public static decimal LimitAt(ChargingProfiles profiles, int connectorId, DateTimeOffset t, ElectricalSupply supply, ActiveTransaction? transaction)
    {
        var limit = supply.MaxCurrent;
        var cpMax = PurposeLimit(profiles.Installed.Where(i => i.ConnectorId == 0
            && i.Profile.ChargingProfilePurpose == ChargingProfilePurpose.ChargePointMaxProfile), t, supply, transaction, connectorId);
        if (cpMax is { } m) limit = Math.Min(limit, m);
        if (connectorId == 0) return limit;

        var tx = transaction is { } running && running.ConnectorId == connectorId
            ? PurposeLimit(profiles.Installed.Where(i => i.ConnectorId == connectorId
                && i.Profile.ChargingProfilePurpose == ChargingProfilePurpose.TxProfile
                && i.Profile.TransactionId == running.TransactionId), t, supply, transaction, connectorId)
            : null;
        tx ??= PurposeLimit(profiles.Installed.Where(i => i.ConnectorId == connectorId
            && i.Profile.ChargingProfilePurpose == ChargingProfilePurpose.TxDefaultProfile), t, supply, transaction, connectorId);
        tx ??= PurposeLimit(profiles.Installed.Where(i => i.ConnectorId == 0
            && i.Profile.ChargingProfilePurpose == ChargingProfilePurpose.TxDefaultProfile), t, supply, transaction, connectorId);
        return tx is { } x ? Math.Min(limit, x) : limit;
    }

    /// <summary>A limit of one decimal, rounded down: a cap is never raised by rounding.</summary>
    public static decimal Round(decimal limit) => Math.Floor(limit * 10m) / 10m;

    private static IEnumerable<InstalledProfile> Relevant(ChargingProfiles profiles, int connectorId) =>
        profiles.Installed.Where(i => i.ConnectorId == 0 || i.ConnectorId == connectorId);

    private static decimal? PurposeLimit(IEnumerable<InstalledProfile> candidates, DateTimeOffset t, ElectricalSupply supply, ActiveTransaction? tx, int connectorId)
    {
        decimal? best = null;
        var bestLevel = -1;
        foreach (var i in candidates)
        {
            if (i.Profile.StackLevel <= bestLevel) continue;
            if (ProfileLimitAt(i.Profile, t, tx, connectorId) is not { } period) continue;
            best = supply.ToAmps(period, i.Profile.ChargingSchedule.ChargingRateUnit);
            bestLevel = i.Profile.StackLevel;
        }
        return best;
    }

    /// <summary>The limit one profile defines at <paramref name="t"/> in its own unit, or null.</summary>
    public static decimal? ProfileLimitAt(ChargingProfile p, DateTimeOffset t, ActiveTransaction? tx, int connectorId)
    {
        if (p.ValidFrom is { } from && t < from) return null;
        if (p.ValidTo is { } to && t >= to) return null;
        if (OccurrenceStart(p, t, tx, connectorId) is not { } start || t < start) return null;
        var offset = (t - start).TotalSeconds;
        var s = p.ChargingSchedule;
        if (s.Duration is { } d && offset >= d) return null;
        decimal? limit = null;
        foreach (var period in s.ChargingSchedulePeriod)
        {
            if (period.StartPeriod > offset) break;
            limit = period.Limit;
        }
        return limit;
    }

    /// <summary>When the occurrence of the schedule that covers <paramref name="t"/> started.</summary>
    private static DateTimeOffset? OccurrenceStart(ChargingProfile p, DateTimeOffset t, ActiveTransaction? tx, int connectorId)
    {
        var s = p.ChargingSchedule;
        switch (p.ChargingProfileKind)
        {
            case ChargingProfileKind.Absolute:
                return s.StartSchedule ?? p.ValidFrom;
            case ChargingProfileKind.Relative:
                // Relative to the transaction start; without a transaction it would start now.
                return tx is { } running && (running.ConnectorId == connectorId || connectorId == 0) ? running.Start : t;
            default:
                if (s.StartSchedule is not { } first) return null;
                var every = RecurrenceLength(p);
                var n = Math.Floor((t - first).Ticks / (double)every.Ticks);
                return first.AddTicks((long)n * every.Ticks);
        }
    }

    private static TimeSpan RecurrenceLength(ChargingProfile p) =>
        p.RecurrencyKind == RecurrencyKind.Weekly ? TimeSpan.FromDays(7) : TimeSpan.FromDays(1);

    /// <summary>Every instant in [from, to) where this profile's limit may change.</summary>
    private static IEnumerable<DateTimeOffset> ChangeInstants(ChargingProfile p, DateTimeOffset from, DateTimeOffset to, ActiveTransaction? tx, int connectorId)
    {
        if (p.ValidFrom is { } vf) yield return vf;
        if (p.ValidTo is { } vt) yield return vt;
        var starts = new List<DateTimeOffset>();
        if (p.ChargingProfileKind == ChargingProfileKind.Recurring)
        {
            if (OccurrenceStart(p, from, tx, connectorId) is { } first)
                for (var o = first; o < to; o += RecurrenceLength(p)) starts.Add(o);
        }
        else if (OccurrenceStart(p, from, tx, connectorId) is { } only)
            starts.Add(only);
        foreach (var o in starts)
        {
            foreach (var period in p.ChargingSchedule.ChargingSchedulePeriod) yield return o.AddSeconds(period.StartPeriod);
            if (p.ChargingSchedule.Duration is { } d) yield return o.AddSeconds(d);
        }
    }
}
