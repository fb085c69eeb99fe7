using SmartElek.Charger.J1772;
using SmartElek.Charger.Safety;
using SmartElek.Charger.Settings;
using SmartElek.Site.Allocation;
using SmartElek.Site.Topology;
using SmartElek.Site.View;

namespace SmartElek.Operator.Api;

/// <summary>Turns the node's site view into what the API returns (pure: rows and a time in, DTOs out).</summary>
public static class SiteReadModel
{
    public static double Amps(double a) => Math.Round(a, 1, MidpointRounding.AwayFromZero);

    public static double Kwh(double wh) => Math.Round(wh / 1000, 3, MidpointRounding.AwayFromZero);

    private static double Seconds(TimeSpan t) => Math.Round(t.TotalSeconds, 1);

    public static SiteDto Site(SiteView view, SiteTopology topology, string selfNode, DateTimeOffset now)
    {
        var rows = view.Rows(topology, now);
        var counts = new SiteCountsDto(rows.Count,
            rows.Count(r => r.Reach == ChargerReach.Live), rows.Count(r => r.Reach == ChargerReach.Unreachable), rows.Count(r => r.Reach == ChargerReach.Unknown),
            rows.Count(r => r.Reach == ChargerReach.Live && r.Last!.Session == Charger.Sessions.SessionPhase.Charging),
            rows.Count(r => r.Last is { Faults.Count: > 0 }));
        var allocatorAge = view.AllocationAt is { } at ? now - at : (TimeSpan?)null;
        var allocator = new AllocatorDto(allocatorAge is { } a && a <= view.StaleAfter, allocatorAge is { } age ? Seconds(age) : null, view.AllocatorRebuilding);
        var nodes = view.Nodes.Values.OrderBy(n => n.Node, StringComparer.Ordinal).Select(n =>
        {
            var heard = n.HeardAt == DateTimeOffset.MinValue ? (TimeSpan?)null : now - n.HeardAt;
            var reachable = !n.Unreachable && !n.Removed && heard is { } h && h <= view.StaleAfter;
            return new NodeDto(n.Node, n.Node == selfNode, reachable, n.Removed, heard is { } x ? Seconds(x) : null,
                view.Chargers.Values.Count(c => c.Node == n.Node));
        }).ToList();
        return new SiteDto(topology.Name, topology.Phases.ToString(), selfNode, now, counts, allocator, nodes);
    }

    public static CircuitsDto Circuits(SiteView view, SiteTopology topology, DateTimeOffset now) =>
        new(now, view.AllocationAt is { } at ? Seconds(now - at) : null, [.. view.Circuits(topology, now).Select(c =>
        {
            var lines = c.Lines.Select(l => new CircuitLineDto(l.Line.ToString(), Amps(l.LimitAmps), Amps(l.GrantedAmps), Amps(l.MayDrawAmps),
                Amps(l.DrawnAmps), l.MayDrawAmps > l.LimitAmps + 1e-6)).ToList();
            return new CircuitDto(c.Circuit.Id, c.Circuit.Kind.ToString(), c.Circuit.ParentId, c.Circuit.Depth, c.Circuit.RatingAmps, lines,
                [.. SiteTopology.ChargersUnder(topology, c.Circuit).Select(p => p.Id.Value)], c.Chargers, c.UnreachableChargers, lines.Any(l => l.Over));
        })]);

    public static ChargerSummaryDto Summary(ChargerRow row, DateTimeOffset now)
    {
        var p = row.Placement;
        var s = row.Last;
        var reach = row.Reach switch { ChargerReach.Live => "live", ChargerReach.Unreachable => "unreachable", _ => "unknown" };
        return new ChargerSummaryDto(p.Id.Value, s?.Name ?? p.Id.Value, p.CircuitId, $"{p.Lines.First}-{p.Lines.Second}", row.Node, reach,
            row.Age is { } age ? Seconds(age) : null, row.Why, s is null ? null : State(s, row.Reach == ChargerReach.Live ? now : s.At));
    }

    // The session's time counts to now for a live charger, to its last-known state otherwise.
    private static ChargerStateDto State(ChargerSnapshot s, DateTimeOffset until) =>
        new(s.At, s.Pilot.ToString(), PilotText(s.Pilot), Led(s.StatusLed), Led(s.NetworkLed), s.RelaysClosed, Amps(s.GrantedAmps),
            s.GrantLimit is { } l ? Limit(l) : null, Amps(s.OfferedAmps), Amps(s.DrawnAmps), Math.Round(s.PowerW / 1000, 2), s.Session.ToString(),
            Kwh(s.SessionWh), s.SessionSince is { } since ? Math.Max(0, (long)(until - since).TotalSeconds) : 0, Kwh(s.RegisterWh),
            [.. s.Faults.Select(f => f.Kind.ToString())], s.EvLevelPercent, s.EvRangeKm, s.Operative);

    public static ChargerDetailDto Detail(ChargerRow row, DateTimeOffset now)
    {
        var s = row.Last;
        var more = s is null ? null : new ChargerMoreDto(s.Volts, s.FrequencyHz, s.PowerFactor, s.RegisterRecovered, s.Thermal.ToString(), s.GfciTrips,
            s.LastButtonAction?.ToString(), s.OcppLimitAmps is { } o ? Amps(o) : null, s.SessionId, s.StopReason?.ToString(), s.RelaysVerified);
        var allocation = row.Allocation is { } a ? new AllocationDto(Amps(a.GrantedAmps), Amps(a.MayDrawAmps), Limit(a.Reason), a.Silent) : null;
        return new ChargerDetailDto(Summary(row, now), row.Placement.RatingAmps, row.Placement.FailSafeAmps, more,
            [.. (s?.Faults ?? []).Select(Fault)], s?.Settings is { } settings ? Settings(settings) : null, allocation);
    }

    public static SettingsDto Settings(ChargerSettings s) =>
        new(s.Name, s.AutoStart, s.MinCurrent, s.MaxCurrent, s.EvBatteryCapacityKwh, s.EvStartingLevelPercent, s.EvKmPerKwh);

    public static LimitDto Limit(LimitReason r) => new(r.Kind.ToString(), r.CircuitId, r.Line?.ToString(), r.ToString());

    private static LedDto Led(LedView l) =>
        new(l.Color.ToString().ToLowerInvariant(), l.Text, [.. l.Segments.Select(s => new LedSegmentDto(s.On, s.Milliseconds))]);

    public static string PilotText(PilotState pilot) => pilot switch
    {
        PilotState.A => "no vehicle",
        PilotState.B => "vehicle connected, not asking for energy",
        PilotState.C => "vehicle asks for energy",
        PilotState.D => "vehicle needs ventilation: refused",
        PilotState.E => "pilot shorted: fault",
        PilotState.F => "charger not available",
        _ => pilot.ToString(),
    };

    public static FaultDto Fault(FaultView f)
    {
        var rule = FaultRules.For(f.Kind);
        return new FaultDto(f.Kind.ToString(), rule.Text, f.Detail, f.Since, f.Latched, f.RetryAt, f.Clearing.ToString(), HowToClear(f, rule), rule.OcppErrorCode);
    }

    /// <summary>How a fault clears, in the manual's words ("unplug to reset").</summary>
    public static string HowToClear(FaultView f, FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(rule);
        if (f.Latched) return "latched: unplug the vehicle to reset";
        return f.Clearing switch
        {
            FaultClearing.OnUnplug => "unplug the vehicle to reset",
            FaultClearing.WithSetButton => "press the SET button on the charger",
            FaultClearing.AutoRetry => $"retries by itself after {rule.RetryAfter.TotalMinutes:0} min (at most {rule.MaxRetries} times), then latched until unplug; unplugging also clears it"
                                       + (f.RetryAt is { } at ? $"; next try at {at:u}" : ""),
            FaultClearing.WhenConditionClears => "clears by itself once the condition is gone",
            _ => f.Clearing.ToString(),
        };
    }
}
