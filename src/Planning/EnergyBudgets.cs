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

/// <summary>The periods a budget counts in: local days, ISO weeks from Monday, months.</summary>
public static class BudgetPeriods
{
    /// <summary>The first local day of the period that holds <paramref name="at"/>.</summary>
    public static LocalDate StartOf(BudgetPeriod period, Instant at, DateTimeZone zone)
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
