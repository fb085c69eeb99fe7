using NodaTime;
using SmartElek.Operator.Rules;
using SmartElek.Planning;

namespace SmartElek.Operator.Tests.Rules;

/// <summary>The API's rule requests read into the planner's records, and every impossible one refused naming its field.</summary>
public sealed class RuleRequestsTests
{
    private static readonly DateTimeZone Vienna = DateTimeZoneProviders.Tzdb["Europe/Vienna"];
    // Saturday 5 December 2026, 10:00 in Vienna.
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 5, 9, 0);

    private static string OnlyError(Dictionary<string, string[]> errors, string field)
    {
        Assert.True(errors.ContainsKey(field), $"names {field}: {string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}");
        return errors[field][0];
    }

    [Fact]
    public void A_target_by_a_time_of_day_departs_at_its_next_showing_on_the_site_clock()
    {
        var (morning, _) = RuleRequests.Target(new TargetRequest(20, null, "07:30", null), "charger-1", Now, Vienna, null, null);
        Assert.Equal(Instant.FromUtc(2026, 12, 6, 6, 30), morning!.Departure);
        Assert.Equal((20.0, ChargeMode.Cheapest), (morning.EnergyKWh!.Value, morning.Mode));
        var (later, _) = RuleRequests.Target(new TargetRequest(20, null, "18:00", "fastest"), "charger-1", Now, Vienna, null, null);
        Assert.Equal((Instant.FromUtc(2026, 12, 5, 17, 0), ChargeMode.Fastest), (later!.Departure, later.Mode));
        var (exact, _) = RuleRequests.Target(new TargetRequest(null, 80, "2026-12-05T20:00:00+01:00", "Cheapest"), "charger-1", Now, Vienna, 60, 30);
        Assert.Equal(Instant.FromUtc(2026, 12, 5, 19, 0), exact!.Departure);
        // 50 % of 60 kWh through a 0.9 efficient charger.
        Assert.Equal(50.0 / 100 * 60 / 0.9, exact.MeterEnergyKWh(), 9);
    }

    [Theory]
    [InlineData(null, null, "07:30", null, "energyKwh")]
    [InlineData(10.0, 80.0, "07:30", null, "batteryToPercent")]
    [InlineData(-5.0, null, "07:30", null, "energyKwh")]
    [InlineData(0.0, null, "07:30", null, "energyKwh")]
    [InlineData(501.0, null, "07:30", null, "energyKwh")]
    [InlineData(null, 120.0, "07:30", null, "batteryToPercent")]
    [InlineData(null, 25.0, "07:30", null, "batteryToPercent")] // the battery is at 30 %
    [InlineData(10.0, null, null, null, "by")]
    [InlineData(10.0, null, "7.30", null, "by")]
    [InlineData(10.0, null, "25:00", null, "by")]
    [InlineData(10.0, null, "2026-12-05T08:00:00Z", null, "by")] // past
    [InlineData(10.0, null, "2026-12-12T09:01:00Z", null, "by")] // more than 7 days ahead
    [InlineData(10.0, null, "2026-12-05T20:00:00", null, "by")] // no offset
    [InlineData(10.0, null, "07:30", "solar", "mode")]
    public void An_impossible_target_is_refused_naming_its_field(double? kwh, double? toPercent, string? by, string? mode, string field)
    {
        var (target, errors) = RuleRequests.Target(new TargetRequest(kwh, toPercent, by, mode), "charger-1", Now, Vienna, 60, 30);
        Assert.Null(target);
        OnlyError(errors, field);
    }

    [Fact]
    public void A_battery_target_needs_the_battery_known()
    {
        var (_, errors) = RuleRequests.Target(new TargetRequest(null, 80, "07:30", null), "charger-1", Now, Vienna, null, null);
        Assert.Contains("energyKwh", OnlyError(errors, "batteryToPercent"), StringComparison.Ordinal);
    }

    private static readonly string[] Groups = ["fleet", "guests", "residents"];

    private static (WeeklyWindow?, Dictionary<string, string[]>) Timer(TimerRequest r) =>
        RuleRequests.Timer(r, c => c is "charger-1" or "charger-2", c => c is "feeder" or "panel-a", Groups);

    [Fact]
    public void A_timer_reads_into_a_weekly_window()
    {
        var (block, _) = Timer(new TimerRequest("charger", "charger-2", "Mon-Fri", "17:00", "21:00", "blocked", null));
        Assert.Equal(new WeeklyWindow(TimerScopeKind.Charger, "charger-2", block!.Days, new LocalTime(17, 0), new LocalTime(21, 0), TimerEffect.Blocked), block);
        Assert.Equal(5, block.Days.Count);
        var (night, _) = Timer(new TimerRequest("group", "guests", "daily", "22:00", "06:00", "capped", 16));
        Assert.Equal((TimerScopeKind.DriverGroup, 7, 16.0), (night!.Scope, night.Days.Count, night.CapAmps));
        // A whole day, spelled as people write it.
        var (day, _) = Timer(new TimerRequest("circuit", "panel-a", "Sat,Sun", "00:00", "24:00", "allowed", null));
        Assert.True(day!.Holds(new LocalDateTime(2026, 12, 5, 23, 59)) && day.Holds(new LocalDateTime(2026, 12, 6, 0, 0)));
        Assert.False(day.Holds(new LocalDateTime(2026, 12, 7, 0, 0)));
    }

    [Theory]
    [InlineData("site", "charger-1", "daily", "10:00", "11:00", "blocked", null, "scope")]
    [InlineData("charger", "charger-9", "daily", "10:00", "11:00", "blocked", null, "target")]
    [InlineData("circuit", "panel-z", "daily", "10:00", "11:00", "blocked", null, "target")]
    [InlineData("group", "visitors", "daily", "10:00", "11:00", "blocked", null, "target")]
    [InlineData("charger", "", "daily", "10:00", "11:00", "blocked", null, "target")]
    [InlineData("charger", "charger-1", "Mon-Funday", "10:00", "11:00", "blocked", null, "days")]
    [InlineData("charger", "charger-1", "", "10:00", "11:00", "blocked", null, "days")]
    [InlineData("charger", "charger-1", "daily", "24:00", "11:00", "blocked", null, "from")]
    [InlineData("charger", "charger-1", "daily", "10:00", "11:61", "blocked", null, "to")]
    [InlineData("charger", "charger-1", "daily", "10:00", "10:00", "blocked", null, "to")]
    [InlineData("charger", "charger-1", "daily", "10:00", "11:00", "stopped", null, "effect")]
    [InlineData("charger", "charger-1", "daily", "10:00", "11:00", "capped", null, "capAmps")]
    [InlineData("charger", "charger-1", "daily", "10:00", "11:00", "capped", 4.0, "capAmps")]
    [InlineData("charger", "charger-1", "daily", "10:00", "11:00", "capped", 81.0, "capAmps")]
    [InlineData("charger", "charger-1", "daily", "10:00", "11:00", "blocked", 10.0, "capAmps")]
    public void An_impossible_timer_is_refused_naming_its_field(string scope, string target, string days, string from, string to, string effect, double? cap, string field)
    {
        var (window, errors) = Timer(new TimerRequest(scope, target, days, from, to, effect, cap));
        Assert.Null(window);
        OnlyError(errors, field);
    }

    [Fact]
    public void A_budget_reads_into_an_energy_budget_and_an_impossible_one_is_refused_naming_its_field()
    {
        bool IsDriver(string n) => n == "dan";
        var (budget, _) = RuleRequests.Budget(new BudgetRequest("driver", "dan", "month", 0.001), IsDriver, Groups);
        Assert.Equal(new EnergyBudget(BudgetScope.Driver, "dan", BudgetPeriod.Month, 0.001), budget);
        Assert.Equal(new EnergyBudget(BudgetScope.Group, "fleet", BudgetPeriod.Week, 300),
            RuleRequests.Budget(new BudgetRequest("Group", "fleet", "week", 300), IsDriver, Groups).Budget);
        foreach (var (request, field) in new (BudgetRequest, string)[]
                 {
                     (new("person", "dan", "day", 5), "scope"),
                     (new("driver", "dora", "day", 5), "name"),
                     (new("group", "visitors", "day", 5), "name"),
                     (new("driver", "dan", "year", 5), "period"),
                     (new("driver", "dan", "day", 0), "kwh"),
                     (new("driver", "dan", "day", -1), "kwh"),
                     (new("driver", "dan", "day", double.NaN), "kwh"),
                     (new("driver", "dan", "day", null), "kwh"),
                 })
        {
            var (none, errors) = RuleRequests.Budget(request, IsDriver, Groups);
            Assert.Null(none);
            OnlyError(errors, field);
        }
    }

    [Fact]
    public void The_shortfall_rule_is_one_of_two()
    {
        Assert.Equal(ShortfallRule.Proportional, RuleRequests.Settings(new PlanningSettingsDto("proportional")).Rule);
        Assert.Equal(ShortfallRule.EarliestDepartureFirst, RuleRequests.Settings(new PlanningSettingsDto("earliestDepartureFirst")).Rule);
        OnlyError(RuleRequests.Settings(new PlanningSettingsDto("fairest")).Errors, "shortfallRule");
        OnlyError(RuleRequests.Settings(new PlanningSettingsDto(null)).Errors, "shortfallRule");
    }
}
