using System.Globalization;
using NodaTime;
using NodaTime.Text;
using SmartElek.Planning;
using SmartElek.Tariffs;

namespace SmartElek.Operator.Rules;

/// <summary>
/// Reads the API's rule requests into the planner's domain records (pure), each error keyed by the
/// request's field name. What only the site's rules keeper can judge (a budget for a driver it does
/// not know of, a departure its plan cannot reach) it refuses itself, also naming the field.
/// </summary>
public static class RuleRequests
{
    /// <summary>How far ahead a departure may be (the plan covers its first two days).</summary>
    public static readonly Duration LongestAhead = Duration.FromDays(7);

    public const double MostKwh = 500;

    private static readonly LocalTimePattern HourMinute = LocalTimePattern.CreateWithInvariantCulture("HH':'mm");

    public static readonly IReadOnlyList<string> Modes = ["cheapest", "fastest"];
    public static readonly IReadOnlyList<string> Scopes = ["charger", "circuit", "group"];
    public static readonly IReadOnlyList<string> Effects = ["allowed", "blocked", "capped"];
    public static readonly IReadOnlyList<string> BudgetScopes = ["driver", "group"];
    public static readonly IReadOnlyList<string> Periods = ["day", "week", "month"];
    public static readonly IReadOnlyList<string> ShortfallRules = ["earliestDepartureFirst", "proportional"];

    /// <summary>A departure target for <paramref name="charger"/>; a battery target takes the battery's size and estimated level from the charger.</summary>
    public static (DepartureTarget? Target, Dictionary<string, string[]> Errors) Target(TargetRequest r, string charger, Instant now, DateTimeZone zone,
        double? batteryKwh, double? batteryNowPercent)
    {
        ArgumentNullException.ThrowIfNull(r);
        var errors = new Dictionary<string, string[]>();
        switch (r.EnergyKwh, r.BatteryToPercent)
        {
            case (null, null):
                errors["energyKwh"] = ["a target needs energyKwh (kWh to add) or batteryToPercent (battery to X %)"];
                break;
            case ({ }, { }):
                errors["batteryToPercent"] = ["give energyKwh or batteryToPercent, not both"];
                break;
            case ({ } kwh, null) when !(kwh > 0 && kwh <= MostKwh):
                errors["energyKwh"] = [$"{Number(kwh)} kWh: a target is above 0 and at most {MostKwh} kWh"];
                break;
            case (null, { } to) when !(to > 0 && to <= 100):
                errors["batteryToPercent"] = [$"{Number(to)} %: a battery is charged to above 0 and at most 100 %"];
                break;
            case (null, { } to) when batteryKwh is not > 0 || batteryNowPercent is null:
                errors["batteryToPercent"] = ["the battery's size and level are not known yet (the charger's EV settings and a plugged-in vehicle): give energyKwh"];
                break;
            case (null, { } to) when to <= batteryNowPercent:
                errors["batteryToPercent"] = [$"the battery is already at {Number(batteryNowPercent!.Value)} % (estimated)"];
                break;
        }
        var departure = Departure(r.By, now, zone, errors);
        var mode = ChargeMode.Cheapest;
        if (r.Mode is not null && !Enum.TryParse(r.Mode, ignoreCase: true, out mode) || r.Mode is not null && !Modes.Contains(r.Mode.ToLowerInvariant()))
            errors["mode"] = [$"'{r.Mode}' is not one of {string.Join(", ", Modes)}"];
        if (errors.Count > 0) return (null, errors);
        return (new DepartureTarget(charger, departure, r.EnergyKwh, r.BatteryToPercent, r.BatteryToPercent is null ? null : batteryNowPercent,
            r.BatteryToPercent is null ? null : batteryKwh, Mode: mode), errors);
    }

    private static Instant Departure(string? by, Instant now, DateTimeZone zone, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(by))
        {
            errors["by"] = ["is required: HH:MM on the site's clock, or an ISO instant such as 2026-12-06T07:30:00Z"];
            return now;
        }
        if (HourMinute.Parse(by.Trim()) is { Success: true } time) return SiteClock.NextWallClock(time.Value, now, zone);
        if (DateTimeOffset.TryParse(by, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) && by.Contains('T', StringComparison.Ordinal)
            && (by.EndsWith('Z') || by.LastIndexOfAny(['+', '-']) > by.IndexOf('T', StringComparison.Ordinal)))
        {
            var instant = Instant.FromDateTimeOffset(at);
            if (instant <= now) errors["by"] = [$"{by} is not in the future"];
            else if (instant - now > LongestAhead) errors["by"] = [$"{by} is more than {LongestAhead.TotalDays:0} days ahead: it cannot be planned"];
            return instant;
        }
        errors["by"] = [$"'{by}' is neither HH:MM nor an ISO instant with its offset (2026-12-06T07:30:00Z)"];
        return now;
    }

    /// <summary>A weekly window; <paramref name="isCharger"/>, <paramref name="isCircuit"/> and <paramref name="groups"/> tell what its target may name.</summary>
    public static (WeeklyWindow? Window, Dictionary<string, string[]> Errors) Timer(TimerRequest r, Func<string, bool> isCharger, Func<string, bool> isCircuit,
        IReadOnlyCollection<string> groups)
    {
        ArgumentNullException.ThrowIfNull(r);
        var errors = new Dictionary<string, string[]>();
        var scope = OneOf(r.Scope, "scope", Scopes, errors);
        if (string.IsNullOrWhiteSpace(r.Target)) errors["target"] = ["is required: the charger, circuit or driver group the timer is for"];
        else if (scope == "charger" && !isCharger(r.Target)) errors["target"] = [$"'{r.Target}' is not a charger of the site"];
        else if (scope == "circuit" && !isCircuit(r.Target)) errors["target"] = [$"'{r.Target}' is not a circuit of the site"];
        else if (scope == "group" && !groups.Contains(r.Target))
            errors["target"] = [$"'{r.Target}' is not a driver group of the site's tariffs{(groups.Count == 0 ? "" : $" ({string.Join(", ", groups.Order(StringComparer.Ordinal))})")}"];
        IReadOnlySet<IsoDayOfWeek> days = new HashSet<IsoDayOfWeek>();
        if (string.IsNullOrWhiteSpace(r.Days)) errors["days"] = ["is required: e.g. \"Mon-Fri\", \"Sat,Sun\" or \"daily\""];
        else
        {
            days = WeekdaySet.Parse(r.Days, out var error);
            if (error.Length > 0) errors["days"] = [error];
        }
        var from = Time(r.From, "from", allowMidnightEnd: false, errors);
        var to = Time(r.To, "to", allowMidnightEnd: true, errors);
        if (!errors.ContainsKey("from") && !errors.ContainsKey("to") && from == to && r.To?.Trim() != "24:00")
            errors["to"] = [$"{r.From}-{r.To} is an empty window (a whole day is 00:00-24:00)"];
        var effect = OneOf(r.Effect, "effect", Effects, errors);
        if (effect == "capped" && r.CapAmps is not (>= 6 and <= 80))
            errors["capAmps"] = [r.CapAmps is null ? "is required for a capped window (6-80 A)" : $"{Number(r.CapAmps.Value)} A: a cap is 6-80 A (below 6 A nothing can be offered: use blocked)"];
        else if (effect is "allowed" or "blocked" && r.CapAmps is not null)
            errors["capAmps"] = [$"only a capped window has a cap, not an {effect} one"];
        if (errors.Count > 0) return (null, errors);
        var kind = scope switch { "charger" => TimerScopeKind.Charger, "circuit" => TimerScopeKind.Circuit, _ => TimerScopeKind.DriverGroup };
        var what = effect switch { "allowed" => TimerEffect.Allowed, "blocked" => TimerEffect.Blocked, _ => TimerEffect.Capped };
        return (new WeeklyWindow(kind, r.Target!.Trim(), days, from, to, what, r.CapAmps ?? 0), errors);
    }

    /// <summary>An energy budget; <paramref name="isDriver"/> and <paramref name="groups"/> tell what it may name.</summary>
    public static (EnergyBudget? Budget, Dictionary<string, string[]> Errors) Budget(BudgetRequest r, Func<string, bool> isDriver, IReadOnlyCollection<string> groups)
    {
        ArgumentNullException.ThrowIfNull(r);
        var errors = new Dictionary<string, string[]>();
        var scope = OneOf(r.Scope, "scope", BudgetScopes, errors);
        if (string.IsNullOrWhiteSpace(r.Name)) errors["name"] = ["is required: the driver's user name or the group's name"];
        else if (scope == "driver" && !isDriver(r.Name)) errors["name"] = [$"'{r.Name}' is not a driver of the site"];
        else if (scope == "group" && !groups.Contains(r.Name)) errors["name"] = [$"'{r.Name}' is not a driver group of the site's tariffs"];
        var period = OneOf(r.Period, "period", Periods, errors);
        if (r.Kwh is not { } kwh || !(kwh > 0 && kwh <= 100_000))
            errors["kwh"] = [r.Kwh is null ? "is required: the kWh allowed per period" : $"{Number(r.Kwh.Value)} kWh: a budget is above 0 and at most 100000 kWh"];
        if (errors.Count > 0) return (null, errors);
        return (new EnergyBudget(scope == "driver" ? BudgetScope.Driver : BudgetScope.Group, r.Name!.Trim(),
            period switch { "day" => BudgetPeriod.Day, "week" => BudgetPeriod.Week, _ => BudgetPeriod.Month }, r.Kwh!.Value), errors);
    }

    public static (ShortfallRule? Rule, Dictionary<string, string[]> Errors) Settings(PlanningSettingsDto r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var errors = new Dictionary<string, string[]>();
        var rule = OneOf(r.ShortfallRule, "shortfallRule", ShortfallRules, errors);
        if (errors.Count > 0) return (null, errors);
        return (rule == "proportional" ? ShortfallRule.Proportional : ShortfallRule.EarliestDepartureFirst, errors);
    }

    public static string Name(ShortfallRule rule) => rule == ShortfallRule.Proportional ? "proportional" : "earliestDepartureFirst";

    public static string Name(TimerScopeKind scope) => scope switch { TimerScopeKind.Charger => "charger", TimerScopeKind.Circuit => "circuit", _ => "group" };

    public static string Name(TimerEffect effect) => effect switch { TimerEffect.Allowed => "allowed", TimerEffect.Blocked => "blocked", _ => "capped" };

    public static string Name(BudgetPeriod period) => period switch { BudgetPeriod.Day => "day", BudgetPeriod.Week => "week", _ => "month" };

    public static string Name(ChargeMode mode) => mode == ChargeMode.Fastest ? "fastest" : "cheapest";

    /// <summary>HH:MM; an end at midnight reads "24:00" when it was given so.</summary>
    public static string Clock(LocalTime time) => HourMinute.Format(time);

    private static LocalTime Time(string? text, string field, bool allowMidnightEnd, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors[field] = ["is required: HH:MM on the site's clock"];
            return LocalTime.Midnight;
        }
        if (allowMidnightEnd && text.Trim() == "24:00") return LocalTime.Midnight;
        if (HourMinute.Parse(text.Trim()) is { Success: true } t) return t.Value;
        errors[field] = [$"'{text}' is not HH:MM (00:00-23:59{(allowMidnightEnd ? ", or 24:00" : "")})"];
        return LocalTime.Midnight;
    }

    private static string? OneOf(string? value, string field, IReadOnlyList<string> allowed, Dictionary<string, string[]> errors)
    {
        var found = allowed.FirstOrDefault(a => string.Equals(a, value?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (found is null) errors[field] = [value is null ? $"is required: one of {string.Join(", ", allowed)}" : $"'{value}' is not one of {string.Join(", ", allowed)}"];
        return found;
    }

    private static string Number(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);
}
