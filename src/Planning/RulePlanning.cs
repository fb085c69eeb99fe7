using NodaTime;
using SmartElek.Site.Allocation;
using SmartElek.Site.Topology;
using SmartElek.Tariffs;

namespace SmartElek.Planning;

/// <summary>What a plan is made from besides the rules: the site, its chargers now, the tariffs (null: none) and the clock.</summary>
public sealed record PlanInputs(SiteTopology Topology, IReadOnlyDictionary<ChargerId, LiveCharger> Live, TariffBook? Tariffs, Instant Now)
{
    /// <summary>Volts line to line of the site's lines (kWh per amp and slot).</summary>
    public double VoltsLineToLine { get; init; } = 240;

    /// <summary>A vehicle that draws this much less than it is offered takes no more: the plan caps it at what it draws.</summary>
    public double DrawsLessByAmps { get; init; } = 2;
}

/// <summary>A planning question with where its slots start, and the budgets' share of each target.</summary>
public sealed record RulePlanRequest(PlanRequest Request, Instant Start, IReadOnlyDictionary<ChargerId, string> BudgetNotes);

/// <summary>
/// Turns the rules and the site's live state into the planner's question (<see cref="Request"/>) and a
/// plan into the allocator's caps (<see cref="Caps"/>). Pure: the same inputs give the same answers.
/// </summary>
public static class RulePlanning
{
    /// <summary>A plan looks at most this far ahead (two days of quarter hours); a later departure plans its first two days.</summary>
    public const int MaxSlots = 192;

    /// <summary>
    /// The plan's question: every charger with a target and a vehicle plugged in, its energy still to deliver (capped by
    /// what its driver's budgets leave), its cap per slot (rating, the owner's maximum, the timers, what the vehicle takes)
    /// and its driver group's prices; 6 A kept on every circuit for each other charger with a vehicle. Slot 0 is the
    /// quarter hour now. Without tariffs every target is planned fastest (no price tells a cheaper hour). Null: no target to plan.
    /// </summary>
    public static RulePlanRequest? Request(SiteRules rules, PlanInputs inputs)
    {
        var start = SiteClock.SlotOf(inputs.Now);
        var site = new SiteLimits(inputs.Topology);
        var timers = rules.WeeklyTimers;
        var planned = new List<(TargetRule Target, LiveCharger Live, int Departure)>();
        foreach (var t in rules.Targets.Values)
        {
            if (!site.Index.ContainsKey(t.Charger) || !inputs.Live.TryGetValue(t.Charger, out var live) || !live.Plugged) continue;
            if (t.SessionId is not null && live.SessionId != t.SessionId) continue;
            var departure = t.ToTarget().SlotsBefore(start);
            if (departure < 1) continue;
            planned.Add((t, live, departure));
        }
        if (planned.Count == 0) return null;

        var slots = Math.Min(MaxSlots, planned.Max(p => p.Departure));
        var chargers = new List<PlanCharger>();
        var notes = new Dictionary<ChargerId, string>();
        foreach (var (t, live, departure) in planned)
        {
            var driver = rules.DriverOf(t.Charger);
            var placement = inputs.Topology.ChargerById[t.Charger];
            var path = inputs.Topology.PathToFeeder(t.Charger).Select(c => c.Id).ToList();
            var caps = new double[slots];
            var own = Math.Min(placement.RatingAmps, live.UserMaxAmps ?? double.MaxValue);
            if (live.Asking && live.OfferedAmps >= SiteTopology.MinimumChargingAmps && live.DrawnAmps > 0
                && live.DrawnAmps < live.OfferedAmps - inputs.DrawsLessByAmps)
                own = Math.Min(own, Math.Max(SiteTopology.MinimumChargingAmps, Math.Ceiling(live.DrawnAmps * 2) / 2));
            for (var s = 0; s < slots; s++)
            {
                var timer = timers.Over(start + SiteClock.Slot * s, SiteClock.Slot, rules.Zone, t.Charger.Value, path, driver?.Group);
                caps[s] = Math.Min(own, timer.CapAmps ?? double.MaxValue);
            }
            var energy = t.RemainingKWh(live.SessionWh);
            double? most = null;
            var budget = rules.BudgetFor(driver?.Driver, driver?.Group, inputs.Now);
            if (budget.RemainingKWh is { } left && left < energy)
            {
                notes[t.Charger] = budget.SpentReason ?? $"the driver's budgets leave {left:0.###} kWh of the {energy:0.###} kWh";
                energy = left;
                most = left;
            }
            var prices = inputs.Tariffs?.Curve(driver?.Group, start, SiteClock.Slot, slots, inputs.Now, rules.Zone) ?? new double[slots];
            chargers.Add(new PlanCharger(t.Charger, energy, Math.Min(departure, slots), caps, prices,
                inputs.Tariffs is null ? ChargeMode.Fastest : t.Mode, most));
        }
        var reserved = inputs.Live.Values
            .Where(l => l.Plugged && site.Index.ContainsKey(l.Id) && chargers.All(c => c.Id != l.Id))
            .ToDictionary(l => l.Id, _ => SiteTopology.MinimumChargingAmps);
        var request = new PlanRequest(site, slots, chargers, inputs.VoltsLineToLine, rules.Shortfall) { ReservedAmps = reserved };
        return new RulePlanRequest(request, start, notes);
    }

    /// <summary>
    /// The allocator's caps at <paramref name="now"/>, per charger: the tightest of the plan's amps for this slot, the
    /// timers' verdict (<see cref="LimitKind.Timer"/>, its words) and a spent budget (<see cref="LimitKind.Budget"/>).
    /// A charger that no rule limits has no cap. A plan made for other slots counts by the slot that holds now.
    /// </summary>
    public static Dictionary<ChargerId, RuleCap> Caps(SiteRules rules, SiteTopology topology, SitePlan? plan, Instant planStart, Instant now)
    {
        var caps = new Dictionary<ChargerId, RuleCap>();
        var slot = (int)((SiteClock.SlotOf(now) - planStart).BclCompatibleTicks / SiteClock.Slot.BclCompatibleTicks);
        var planCaps = plan is not null && slot >= 0 ? PlanCaps.ForSlot(plan, slot) : [];
        var timers = rules.WeeklyTimers;
        var local = now.InZone(rules.Zone).LocalDateTime;
        foreach (var placement in topology.Chargers)
        {
            var id = placement.Id;
            var driver = rules.DriverOf(id);
            var path = topology.PathToFeeder(id).Select(c => c.Id);
            var timer = timers.At(local, id.Value, path, driver?.Group);
            var budget = rules.BudgetFor(driver?.Driver, driver?.Group, now);
            if (Tightest(planCaps.TryGetValue(id, out var p) ? p : null, timer, budget) is { } cap) caps[id] = cap;
        }
        return caps;
    }

    /// <summary>
    /// The tightest of a plan's cap, a timer's verdict and a budget: never above any of them; 0 A when the timer blocks
    /// or the budget is spent. On equal amps a timer's or a budget's reason is shown before the plan's (it is the cause).
    /// </summary>
    public static RuleCap? Tightest(RuleCap? plan, TimerVerdict timer, BudgetVerdict budget)
    {
        RuleCap? cap = null;
        void Take(RuleCap c)
        {
            if (cap is not { } now || c.Amps < now.Amps) cap = c;
        }
        if (budget.SpentReason is { } spent) Take(new RuleCap(0, LimitKind.Budget, spent));
        if (timer.CapAmps is { } t) Take(new RuleCap(Math.Max(0, t), LimitKind.Timer, timer.Reason ?? "a timer"));
        if (plan is { } p) Take(p with { Amps = Math.Max(0, p.Amps) });
        // A timer's cap of the plan's amps is shown as the timer's, and the charger is still planned.
        return plan is not null && cap is { } c ? c with { Planned = true } : cap;
    }
}
