using System.Collections.Immutable;
using NodaTime;

namespace SmartElek.Planning;

public enum BudgetPeriod { Day, Week, Month }

public enum BudgetScope { Driver, Group }

/// <summary>At most <see cref="KWh"/> per period (local days, ISO weeks from Monday, months) for a driver or a driver group.</summary>
public sealed record EnergyBudget(BudgetScope Scope, string Name, BudgetPeriod Period, double KWh)
{
    public string Words => $"the {(Scope == BudgetScope.Driver ? "driver's" : $"group '{Name}''s")} " +
        $"{Period switch { BudgetPeriod.Day => "daily", BudgetPeriod.Week => "weekly", _ => "monthly" }} budget";
}

/// <summary>What the budgets allow a driver now: the kWh left (null: no budget applies) and, when spent, the reason in words.</summary>
public readonly record struct BudgetVerdict(double? RemainingKWh, string? SpentReason);

/// <summary>
/// Energy used per budget and period, as a pure record: <see cref="Apply"/> the energy a session
/// used (or the operator lifting a spent budget), <see cref="Decide"/> what is left. A period turns
/// by itself: energy counts only in the period it was used in.
/// </summary>
public sealed record EnergyBudgetState(
    ImmutableArray<EnergyBudget> Budgets,
    ImmutableDictionary<(EnergyBudget Budget, LocalDate Period), double> Used,
    ImmutableHashSet<(EnergyBudget Budget, LocalDate Period)> Lifted)
{
    public static EnergyBudgetState Of(IEnumerable<EnergyBudget> budgets) =>
        new([.. budgets], ImmutableDictionary<(EnergyBudget, LocalDate), double>.Empty, []);

    public abstract record Event;
    public sealed record EnergyUsed(string Driver, string? Group, Instant At, double KWh) : Event;
    public sealed record BudgetLifted(EnergyBudget Budget, Instant At) : Event;

    public EnergyBudgetState Apply(Event e, DateTimeZone zone) => e switch
    {
        EnergyUsed u => this with
        {
            Used = Matching(u.Driver, u.Group).Aggregate(Used, (used, b) =>
                used.SetItem((b, PeriodOf(b.Period, u.At, zone)), used.GetValueOrDefault((b, PeriodOf(b.Period, u.At, zone))) + u.KWh)),
        },
        BudgetLifted l => this with { Lifted = Lifted.Add((l.Budget, PeriodOf(l.Budget.Period, l.At, zone))) },
        _ => this,
    };

    public BudgetVerdict Decide(string driver, string? group, Instant now, DateTimeZone zone)
    {
        double? remaining = null;
        string? reason = null;
        foreach (var b in Matching(driver, group))
        {
            var period = PeriodOf(b.Period, now, zone);
            if (Lifted.Contains((b, period))) continue;
            var left = Math.Max(0, b.KWh - Used.GetValueOrDefault((b, period)));
            if (remaining is null || left < remaining)
            {
                remaining = left;
                reason = left <= 1e-9 ? $"{b.Words} is spent" : null;
            }
        }
        return new BudgetVerdict(remaining, reason);
    }

    IEnumerable<EnergyBudget> Matching(string driver, string? group) =>
        Budgets.Where(b => b.Scope == BudgetScope.Driver ? b.Name == driver : group is not null && b.Name == group);

    /// <summary>The first local day of the period that holds <paramref name="at"/>.</summary>
    public static LocalDate PeriodOf(BudgetPeriod period, Instant at, DateTimeZone zone)
    {
        var day = SiteClock.DayOf(at, zone);
        return period switch
        {
            BudgetPeriod.Day => day,
            BudgetPeriod.Week => day.PlusDays(1 - (int)day.DayOfWeek),
            _ => new LocalDate(day.Year, day.Month, 1),
        };
    }
}
