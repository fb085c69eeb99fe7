using System.Globalization;
using NodaTime;
using NodaTime.Extensions;
using SmartElek.Site.Topology;
using SmartElek.Tariffs;
using static SmartElek.Planning.SiteRulesCommands;
using static SmartElek.Planning.SiteRulesEvents;

namespace SmartElek.Planning;

/// <summary>
/// One charger as the rules and the planner need it, from the site's live view: whether a vehicle is
/// plugged in and asks for energy, its session and the session's energy, what it draws and is offered,
/// the vehicle's battery level (null: not reported) and the owner's maximum current (null: none); and the charger's
/// last finished session with its energy (null: none yet), so that the end of a session is counted even when the
/// vehicle left between two looks.
/// </summary>
public sealed record LiveCharger(ChargerId Id, bool Plugged, bool Asking, string? SessionId, double SessionWh,
    double DrawnAmps, double OfferedAmps, double? EvLevelPercent, double? UserMaxAmps, string? LastSessionId = null, double LastSessionWh = 0);

/// <summary>What a decision may look at besides the rules: now, the site's topology and its chargers' live state.</summary>
public sealed record RulesContext(Instant Now, SiteTopology Topology, IReadOnlyDictionary<ChargerId, LiveCharger> Live);

public sealed partial record SiteRules
{
    static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>The events a command makes, or why it is refused (the field as the command names it).</summary>
    public RulesDecision Decide(Command command, RulesContext context)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (string.IsNullOrWhiteSpace(command.SetBy)) return RulesDecision.Refuse("setBy", "who asks must be named");
        var at = context.Now.ToDateTimeOffset();
        var by = command.SetBy!;
        return command switch
        {
            SetDepartureTarget t => DecideTarget(t, context),
            ClearDepartureTarget c => !TryCharger(c.ChargerId, out var id) ? RulesDecision.Refuse("chargerId", "a charger id is needed")
                : !Targets.ContainsKey(id) ? RulesDecision.Refuse("chargerId", $"charger '{id}' has no departure target")
                : RulesDecision.Of(new TargetCleared(id, $"cleared by {by}", by, at)),
            SetTimer t => DecideTimer(t, context),
            RemoveTimer r => r.TimerId is null || !Timers.ContainsKey(r.TimerId)
                ? RulesDecision.Refuse("timerId", $"there is no timer '{r.TimerId}'")
                : RulesDecision.Of(new TimerRemoved(r.TimerId, by, at)),
            SetBudget b => DecideBudget(b, at),
            RemoveBudget r => r.BudgetId is null || !Budgets.ContainsKey(r.BudgetId)
                ? RulesDecision.Refuse("budgetId", $"there is no budget '{r.BudgetId}'")
                : RulesDecision.Of(new BudgetRemoved(r.BudgetId, by, at)),
            LiftBudget l => DecideLift(l, context.Now),
            SetShortfallRule s => !Enum.IsDefined(s.Rule) ? RulesDecision.Refuse("rule", $"'{s.Rule}' is not a shortfall rule")
                : s.Rule == Shortfall ? RulesDecision.Of() : RulesDecision.Of(new ShortfallRuleSet(s.Rule, by, at)),
            SetDrivers d => DecideDrivers(d, at),
            _ => RulesDecision.Refuse("command", $"{command.GetType().Name} is not a rules command"),
        };
    }

    static bool TryCharger(string? text, out ChargerId id)
    {
        id = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        id = new ChargerId(text.Trim());
        return true;
    }

    RulesDecision DecideTarget(SetDepartureTarget t, RulesContext context)
    {
        if (!TryCharger(t.ChargerId, out var id)) return RulesDecision.Refuse("chargerId", "a charger id is needed");
        if (!context.Topology.ChargerById.ContainsKey(id)) return RulesDecision.Refuse("chargerId", $"there is no charger '{id}' on the site");
        if (!Enum.IsDefined(t.Mode)) return RulesDecision.Refuse("mode", $"'{t.Mode}' is not a mode (Cheapest, Fastest)");

        Instant departure;
        if (t.Departure is { } instant && t.By is null) departure = instant.ToInstant();
        else if (t.Departure is null && t.By is { } by)
        {
            var parsed = Clock.Parse(by.Trim());
            if (!parsed.Success) return RulesDecision.Refuse("by", $"\"{by}\" is not a time of day as HH:mm");
            departure = SiteClock.NextWallClock(parsed.Value, context.Now, Zone);
        }
        else return RulesDecision.Refuse("departure", "give the departure either as an instant (departure) or as a time of day (by), one of them");
        if (departure <= context.Now) return RulesDecision.Refuse("departure", $"{departure} is not after now ({context.Now})");
        if (departure > context.Now + Duration.FromDays(7)) return RulesDecision.Refuse("departure", "a departure more than 7 days ahead cannot be planned");

        context.Live.TryGetValue(id, out var live);
        var efficiency = t.Efficiency ?? 0.9;
        if (!(efficiency is > 0 and <= 1)) return RulesDecision.Refuse("efficiency", $"must be above 0 and at most 1, not {F(efficiency)}");
        var batteryNow = t.BatteryNowPercent;
        if (t.EnergyKWh is { } kwh)
        {
            if (t.BatteryToPercent is not null) return RulesDecision.Refuse("kWh", "give either kWh or battery to %, not both");
            if (!(kwh > 0) || !double.IsFinite(kwh)) return RulesDecision.Refuse("kWh", $"must be above 0, not {F(kwh)}");
            if (kwh > 500) return RulesDecision.Refuse("kWh", $"{F(kwh)} kWh is more than any vehicle takes (at most 500)");
        }
        else if (t.BatteryToPercent is { } to)
        {
            if (to is <= 0 or > 100 || !double.IsFinite(to)) return RulesDecision.Refuse("batteryToPercent", $"must be above 0 and at most 100, not {F(to)}");
            if (t.BatteryKWh is not { } size || !(size > 0) || size > 500 || !double.IsFinite(size))
                return RulesDecision.Refuse("batteryKWh", "the battery's size is needed, above 0 and at most 500 kWh");
            // The vehicle's own report stands in for a level the driver did not give.
            batteryNow ??= live is { EvLevelPercent: { } level } ? level : null;
            if (batteryNow is not { } now) return RulesDecision.Refuse("batteryNowPercent", "the battery's level now is needed (the vehicle does not report it)");
            if (now is < 0 or > 100 || !double.IsFinite(now)) return RulesDecision.Refuse("batteryNowPercent", $"must be 0 to 100, not {F(now)}");
            if (now >= to) return RulesDecision.Refuse("batteryToPercent", $"the battery is at {F(now)} % already, not below {F(to)} %");
        }
        else return RulesDecision.Refuse("kWh", "a target needs kWh, or battery to % with the battery's size");

        var session = live is { Plugged: true } ? live.SessionId : null;
        return RulesDecision.Of(new TargetSet(id, departure.ToDateTimeOffset(), t.EnergyKWh, t.EnergyKWh is null ? t.BatteryToPercent : null,
            t.EnergyKWh is null ? batteryNow : null, t.EnergyKWh is null ? t.BatteryKWh : null, efficiency, t.Mode, session,
            session is null ? 0 : live!.SessionWh, t.SetBy!, context.Now.ToDateTimeOffset()));
    }

    RulesDecision DecideTimer(SetTimer t, RulesContext context)
    {
        if (t.TimerId is not null && !Timers.ContainsKey(t.TimerId)) return RulesDecision.Refuse("timerId", $"there is no timer '{t.TimerId}' (leave it out to add one)");
        if (!Enum.IsDefined(t.Scope)) return RulesDecision.Refuse("scope", $"'{t.Scope}' is not a scope (Charger, Circuit, DriverGroup)");
        if (!Enum.IsDefined(t.Effect)) return RulesDecision.Refuse("effect", $"'{t.Effect}' is not an effect (Allowed, Blocked, Capped)");
        var target = t.Target?.Trim();
        if (string.IsNullOrEmpty(target)) return RulesDecision.Refuse("target", "the charger, circuit or driver group the timer is for is needed");
        if (t.Scope == TimerScopeKind.Charger && !context.Topology.ChargerById.ContainsKey(new ChargerId(target)))
            return RulesDecision.Refuse("target", $"there is no charger '{target}' on the site");
        if (t.Scope == TimerScopeKind.Circuit && !context.Topology.Circuits.ContainsKey(target))
            return RulesDecision.Refuse("target", $"there is no circuit '{target}' on the site");
        WeekdaySet.Parse(t.Days, out var error);
        if (error.Length > 0) return RulesDecision.Refuse("days", error);
        var from = Clock.Parse(t.From?.Trim() ?? "");
        if (!from.Success) return RulesDecision.Refuse("from", $"\"{t.From}\" is not a time of day as HH:mm");
        var to = Clock.Parse(t.To?.Trim() ?? "");
        if (!to.Success) return RulesDecision.Refuse("to", $"\"{t.To}\" is not a time of day as HH:mm");
        double cap = 0;
        if (t.Effect == TimerEffect.Capped)
        {
            if (t.CapAmps is not { } c || !(c >= 0) || c > SiteTopology.MaxPilotAmps)
                return RulesDecision.Refuse("capAmps", $"a capped timer needs its cap, 0 to {F(SiteTopology.MaxPilotAmps)} A");
            cap = c;
        }
        else if (t.CapAmps is not null) return RulesDecision.Refuse("capAmps", $"only a capped timer has a cap, not a timer that is {t.Effect.ToString().ToLowerInvariant()}");
        var days = WeekdaySet.Format(WeekdaySet.Parse(t.Days, out _));
        return RulesDecision.Of(new TimerSet(t.TimerId ?? $"timer-{NextTimer}", t.Scope, target, days, Clock.Format(from.Value), Clock.Format(to.Value),
            t.Effect, cap, t.SetBy!, context.Now.ToDateTimeOffset()));
    }

    RulesDecision DecideBudget(SetBudget b, DateTimeOffset at)
    {
        if (b.BudgetId is not null && !Budgets.ContainsKey(b.BudgetId)) return RulesDecision.Refuse("budgetId", $"there is no budget '{b.BudgetId}' (leave it out to add one)");
        if (!Enum.IsDefined(b.Scope)) return RulesDecision.Refuse("scope", $"'{b.Scope}' is not a budget scope (Driver, Group)");
        if (!Enum.IsDefined(b.Period)) return RulesDecision.Refuse("period", $"'{b.Period}' is not a period (Day, Week, Month)");
        var name = b.Name?.Trim();
        if (string.IsNullOrEmpty(name)) return RulesDecision.Refuse("name", $"the {(b.Scope == BudgetScope.Driver ? "driver" : "group")} the budget is for is needed");
        if (b.KWh is not { } kwh || !(kwh > 0) || !double.IsFinite(kwh)) return RulesDecision.Refuse("kWh", $"a budget must be above 0 kWh, not {b.KWh?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}");
        return RulesDecision.Of(new BudgetSet(b.BudgetId ?? $"budget-{NextBudget}", b.Scope, name, b.Period, kwh, b.SetBy!, at));
    }

    RulesDecision DecideLift(LiftBudget l, Instant now)
    {
        if (l.BudgetId is null || !Budgets.TryGetValue(l.BudgetId, out var rule)) return RulesDecision.Refuse("budgetId", $"there is no budget '{l.BudgetId}'");
        var usage = UsageOf(rule, now);
        if (usage.Lifted) return RulesDecision.Refuse("budgetId", $"budget '{l.BudgetId}' is lifted already until its period turns");
        if (!usage.Spent) return RulesDecision.Refuse("budgetId", $"budget '{l.BudgetId}' is not spent: {F(usage.RemainingKWh)} kWh left this period");
        return RulesDecision.Of(new BudgetLifted(rule.Id, usage.PeriodStart.ToDateOnly(), l.SetBy!, now.ToDateTimeOffset()));
    }

    RulesDecision DecideDrivers(SetDrivers d, DateTimeOffset at)
    {
        if (d.Drivers is null) return RulesDecision.Refuse("drivers", "the list of drivers is needed (empty: no driver known)");
        var seen = new HashSet<ChargerId>();
        for (var i = 0; i < d.Drivers.Count; i++)
        {
            var x = d.Drivers[i];
            if (x is null || string.IsNullOrWhiteSpace(x.Charger.Value)) return RulesDecision.Refuse($"drivers[{i}].charger", "a charger id is needed");
            if (!seen.Add(x.Charger)) return RulesDecision.Refuse($"drivers[{i}].charger", $"charger '{x.Charger}' is listed twice");
            if (string.IsNullOrWhiteSpace(x.Driver)) return RulesDecision.Refuse($"drivers[{i}].driver", "a driver's name is needed");
        }
        var same = d.Drivers.Count == Drivers.Count && d.Drivers.All(x => Drivers.TryGetValue(x.Charger, out var was) && was == x);
        return same ? RulesDecision.Of() : RulesDecision.Of(new DriversSet([.. d.Drivers], d.SetBy!, at));
    }

    /// <summary>
    /// Targets that no longer apply, as events: the departure passed, the charger left the site, or the
    /// session the target was set for ended (another began, or none is on). A target set before the
    /// vehicle came is bound to the first session that starts.
    /// </summary>
    public IReadOnlyList<Event> Housekeeping(RulesContext context)
    {
        var at = context.Now.ToDateTimeOffset();
        var events = new List<Event>();
        foreach (var t in Targets.Values)
        {
            context.Live.TryGetValue(t.Charger, out var live);
            var session = live is { Plugged: true } ? live.SessionId : null;
            if (t.Departure <= context.Now) events.Add(new TargetCleared(t.Charger, "its departure passed", "site", at));
            else if (!context.Topology.ChargerById.ContainsKey(t.Charger)) events.Add(new TargetCleared(t.Charger, "the charger was taken out of the site", "site", at));
            else if (t.SessionId is not null && live is not null && session != t.SessionId) events.Add(new TargetCleared(t.Charger, "its session ended", "site", at));
            else if (t.SessionId is null && session is not null)
                events.Add(new TargetSet(t.Charger, t.Departure.ToDateTimeOffset(), t.EnergyKWh, t.BatteryToPercent, t.BatteryNowPercent, t.BatteryKWh,
                    t.Efficiency, t.Mode, session, 0, t.SetBy, at));
        }
        return events;
    }

    /// <summary>
    /// The energy sessions used since the last count, for the drivers the operator's side named: one event per
    /// charger whose session moved by at least <paramref name="minimumWh"/>, or by what is left of one of its driver's
    /// budgets (so a budget is spent within one count of its last watt-hour, not one <paramref name="minimumWh"/> later).
    /// Nothing is left uncounted: a session is counted as soon as it used anything (from 0), and the rest of the
    /// session counted last is counted, whatever the amount, once it finished. A charger's count survives a restart of
    /// whoever counts (it is in the events), so nothing counts twice.
    /// </summary>
    public IReadOnlyList<Event> CountEnergy(RulesContext context, double minimumWh)
    {
        var events = new List<Event>();
        var at = context.Now.ToDateTimeOffset();
        foreach (var live in context.Live.Values)
        {
            if (!Drivers.TryGetValue(live.Id, out var driver)) continue;
            var last = Counted.TryGetValue(live.Id, out var c) ? c : default;
            if (last.SessionId is { } ended && ended != live.SessionId && live.LastSessionId == ended && live.LastSessionWh > last.Wh)
                events.Add(new EnergyCounted(live.Id, ended, driver.Driver, driver.Group, live.LastSessionWh, (live.LastSessionWh - last.Wh) / 1000, at));
            if (live.SessionId is not { } session) continue;
            var seen = last.SessionId == session;
            var delta = live.SessionWh - (seen ? last.Wh : 0);
            if (delta <= 0) continue;
            if (seen && delta < minimumWh && !(BudgetFor(driver.Driver, driver.Group, context.Now) is { SpentReason: null, RemainingKWh: { } left } && delta / 1000 >= left - 1e-9))
                continue;
            events.Add(new EnergyCounted(live.Id, session, driver.Driver, driver.Group, live.SessionWh, delta / 1000, at));
        }
        return events;
    }
}
