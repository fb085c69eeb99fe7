using System.Collections.Immutable;
using NodaTime;
using NodaTime.Extensions;
using NodaTime.Text;
using SmartElek.Tariffs;
using static SmartElek.Planning.SiteRulesEvents;

namespace SmartElek.Planning;

/// <summary>A charger's departure target as the rules hold it (<see cref="SiteRulesEvents.TargetSet"/>).</summary>
public sealed record TargetRule(ChargerId Charger, Instant Departure, double? EnergyKWh, double? BatteryToPercent, double? BatteryNowPercent,
    double? BatteryKWh, double Efficiency, ChargeMode Mode, string? SessionId, double SessionWhAtSet, string SetBy, Instant SetAt)
{
    public DepartureTarget ToTarget() =>
        new(Charger.Value, Departure, EnergyKWh, BatteryToPercent, BatteryNowPercent, BatteryKWh, Efficiency, Mode);

    /// <summary>The energy (meter side) still to deliver, given the session's energy now.</summary>
    public double RemainingKWh(double sessionWh) =>
        Math.Max(0, ToTarget().MeterEnergyKWh() - Math.Max(0, sessionWh - SessionWhAtSet) / 1000);
}

/// <summary>A weekly timer with its id, as written (<see cref="Days"/>) and as read (<see cref="Window"/>).</summary>
public sealed record TimerRule(string Id, WeeklyWindow Window, string Days, string SetBy, Instant SetAt);

/// <summary>An energy budget with its id.</summary>
public sealed record BudgetRule(string Id, EnergyBudget Budget, string SetBy, Instant SetAt);

/// <summary>A budget's standing in the period that holds an instant.</summary>
public sealed record BudgetUsage(BudgetRule Rule, LocalDate PeriodStart, double UsedKWh, double RemainingKWh, bool Lifted)
{
    public bool Spent => !Lifted && RemainingKWh <= 1e-9;
}

/// <summary>
/// The site's rules as a pure record: departure targets per charger, weekly timers, energy budgets
/// with the energy each driver and group used per local day, who drives each charger's session, and
/// the operator's <see cref="ShortfallRule"/>. <see cref="Decide"/> turns a command into events or a
/// refusal; <see cref="Apply"/> folds an event in (the keeper's journal replays them). Local days are
/// the site's (<see cref="Zone"/>).
/// </summary>
public sealed partial record SiteRules(
    DateTimeZone Zone,
    long Version,
    ImmutableSortedDictionary<ChargerId, TargetRule> Targets,
    ImmutableSortedDictionary<string, TimerRule> Timers,
    ImmutableSortedDictionary<string, BudgetRule> Budgets,
    ImmutableHashSet<(string BudgetId, LocalDate PeriodStart)> Lifted,
    ImmutableDictionary<(string Driver, LocalDate Day), double> DriverDays,
    ImmutableDictionary<(string Group, LocalDate Day), double> GroupDays,
    ImmutableDictionary<ChargerId, (string SessionId, double Wh)> Counted,
    ImmutableDictionary<ChargerId, SessionDriver> Drivers,
    ShortfallRule Shortfall,
    int NextTimer,
    int NextBudget)
{
    /// <summary>Energy per day is kept this long: enough for the longest period (a month) and its display.</summary>
    public const int KeepDays = 62;

    public static readonly LocalTimePattern Clock = LocalTimePattern.CreateWithInvariantCulture("HH:mm");

    public static SiteRules Empty(DateTimeZone zone) => new(zone, 0,
        ImmutableSortedDictionary.Create<ChargerId, TargetRule>(Comparer<ChargerId>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value))),
        ImmutableSortedDictionary.Create<string, TimerRule>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, BudgetRule>(StringComparer.Ordinal),
        [], ImmutableDictionary<(string, LocalDate), double>.Empty, ImmutableDictionary<(string, LocalDate), double>.Empty,
        ImmutableDictionary<ChargerId, (string, double)>.Empty, ImmutableDictionary<ChargerId, SessionDriver>.Empty,
        ShortfallRule.EarliestDepartureFirst, 1, 1);

    public WeeklyTimers WeeklyTimers => new([.. Timers.Values.Select(t => t.Window)]);

    public SiteRules Apply(Event e)
    {
        var next = e switch
        {
            TargetSet t => this with
            {
                Targets = Targets.SetItem(t.Charger, new TargetRule(t.Charger, t.Departure.ToInstant(), t.EnergyKWh, t.BatteryToPercent,
                    t.BatteryNowPercent, t.BatteryKWh, t.Efficiency, t.Mode, t.SessionId, t.SessionWhAtSet, t.SetBy, t.At.ToInstant())),
            },
            TargetCleared c => this with { Targets = Targets.Remove(c.Charger) },
            TimerSet t => this with
            {
                Timers = Timers.SetItem(t.TimerId, new TimerRule(t.TimerId, WindowOf(t), t.Days, t.SetBy, t.At.ToInstant())),
                NextTimer = Math.Max(NextTimer, NumberAfter("timer-", t.TimerId) + 1),
            },
            TimerRemoved r => this with { Timers = Timers.Remove(r.TimerId) },
            BudgetSet b => this with
            {
                Budgets = Budgets.SetItem(b.BudgetId, new BudgetRule(b.BudgetId, new EnergyBudget(b.Scope, b.Name, b.Period, b.KWh), b.SetBy, b.At.ToInstant())),
                NextBudget = Math.Max(NextBudget, NumberAfter("budget-", b.BudgetId) + 1),
            },
            BudgetRemoved r => this with
            {
                Budgets = Budgets.Remove(r.BudgetId),
                Lifted = Lifted.Except(Lifted.Where(l => l.BudgetId == r.BudgetId)),
            },
            BudgetLifted l => this with { Lifted = Lifted.Add((l.BudgetId, LocalDate.FromDateOnly(l.PeriodStart))) },
            ShortfallRuleSet s => this with { Shortfall = s.Rule },
            DriversSet d => this with { Drivers = d.Drivers.ToImmutableDictionary(x => x.Charger) },
            EnergyCounted c => Count(c),
            _ => throw new ArgumentException($"unknown rules event {e.GetType().Name}"),
        };
        return next with { Version = Version + 1 };
    }

    SiteRules Count(EnergyCounted c)
    {
        var day = SiteClock.DayOf(c.At.ToInstant(), Zone);
        var oldest = day.PlusDays(-KeepDays);
        var drivers = DriverDays;
        var groups = GroupDays;
        if (c.Driver is { } driver && c.KWh > 0) drivers = drivers.SetItem((driver, day), drivers.GetValueOrDefault((driver, day)) + c.KWh);
        if (c.Group is { } group && c.KWh > 0) groups = groups.SetItem((group, day), groups.GetValueOrDefault((group, day)) + c.KWh);
        // Days older than any period are of no use: the record does not grow without end.
        if (drivers.Keys.Any(k => k.Day < oldest)) drivers = drivers.RemoveRange(drivers.Keys.Where(k => k.Day < oldest).ToList());
        if (groups.Keys.Any(k => k.Day < oldest)) groups = groups.RemoveRange(groups.Keys.Where(k => k.Day < oldest).ToList());
        return this with { DriverDays = drivers, GroupDays = groups, Counted = Counted.SetItem(c.Charger, (c.SessionId, c.SessionWh)) };
    }

    static int NumberAfter(string prefix, string id) =>
        id.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(id.AsSpan(prefix.Length), out var n) ? n : 0;

    static WeeklyWindow WindowOf(TimerSet t) =>
        new(t.Scope, t.Target, WeekdaySet.Parse(t.Days, out _), Clock.Parse(t.From).Value, Clock.Parse(t.To).Value, t.Effect, t.CapAmps);

    /// <summary>A budget's used and remaining energy in the period that holds <paramref name="at"/>.</summary>
    public BudgetUsage UsageOf(BudgetRule rule, Instant at)
    {
        var b = rule.Budget;
        var start = BudgetPeriods.StartOf(b.Period, at, Zone);
        var today = SiteClock.DayOf(at, Zone);
        var used = b.Scope == BudgetScope.Driver
            ? DriverDays.Where(d => d.Key.Driver == b.Name && d.Key.Day >= start && d.Key.Day <= today).Sum(d => d.Value)
            : GroupDays.Where(d => d.Key.Group == b.Name && d.Key.Day >= start && d.Key.Day <= today).Sum(d => d.Value);
        return new BudgetUsage(rule, start, used, Math.Max(0, b.KWh - used), Lifted.Contains((rule.Id, start)));
    }

    /// <summary>
    /// What the budgets leave a driver now: the least remaining of every budget of the driver and the
    /// driver's group that is not lifted (null: none applies) and, when that one is spent, the reason.
    /// </summary>
    public BudgetVerdict BudgetFor(string? driver, string? group, Instant now)
    {
        if (driver is null && group is null) return new BudgetVerdict(null, null);
        BudgetVerdict verdict = new(null, null);
        foreach (var rule in Budgets.Values)
        {
            var b = rule.Budget;
            var applies = b.Scope == BudgetScope.Driver ? driver is not null && b.Name == driver : group is not null && b.Name == group;
            if (!applies) continue;
            var usage = UsageOf(rule, now);
            if (usage.Lifted) continue;
            if (verdict.RemainingKWh is not { } least || usage.RemainingKWh < least)
                verdict = new BudgetVerdict(usage.RemainingKWh, usage.Spent ? $"{b.Words} is spent" : null);
        }
        return verdict;
    }

    /// <summary>The driver of the session on a charger, when the operator's side said.</summary>
    public SessionDriver? DriverOf(ChargerId charger) => Drivers.TryGetValue(charger, out var d) ? d : null;
}
