using NodaTime;
using SmartElek.Planning;
using SmartElek.Tariffs;

namespace SmartElek.Charger.Tests.Tariffs;

public class TimerAndBudgetTests
{
    static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    static IReadOnlySet<IsoDayOfWeek> Days(string text) => WeekdaySet.Parse(text, out _);

    [Fact]
    public void Timers_of_a_charger_its_circuits_and_its_group_apply_together_and_the_tightest_wins()
    {
        var timers = new WeeklyTimers([
            new WeeklyWindow(TimerScopeKind.Charger, "charger-1", Days("Fri"), new LocalTime(22, 0), new LocalTime(6, 0), TimerEffect.Blocked),
            new WeeklyWindow(TimerScopeKind.Circuit, "panel-a", Days("daily"), new LocalTime(17, 0), new LocalTime(21, 0), TimerEffect.Capped, 10),
            new WeeklyWindow(TimerScopeKind.DriverGroup, "guests", Days("Mon-Fri"), new LocalTime(8, 0), new LocalTime(18, 0), TimerEffect.Allowed),
        ]);
        string[] path = ["branch-a1", "panel-a", "feeder"];
        var friday = new LocalDate(2026, 12, 4);
        Assert.Equal(TimerVerdict.Free, timers.At(friday + new LocalTime(12, 0), "charger-1", path, null));
        Assert.Equal(10, timers.At(friday + new LocalTime(17, 30), "charger-1", path, null).CapAmps);
        Assert.Contains("capped at 10 A", timers.At(friday + new LocalTime(17, 30), "charger-1", path, null).Reason);
        // Friday's 22:00-06:00 window runs into Saturday morning.
        Assert.Equal(0, timers.At(friday + new LocalTime(23, 0), "charger-1", path, null).CapAmps);
        Assert.Equal(0, timers.At(friday.PlusDays(1) + new LocalTime(5, 45), "charger-1", path, null).CapAmps);
        Assert.Null(timers.At(friday.PlusDays(1) + new LocalTime(6, 0), "charger-1", path, null).CapAmps);
        Assert.Null(timers.At(friday.PlusDays(-1) + new LocalTime(23, 0), "charger-1", path, null).CapAmps);
        // A guest may charge only in the group's allowed hours; another charger on panel-b is not capped by panel-a.
        Assert.Null(timers.At(friday + new LocalTime(12, 0), "charger-4", ["branch-b1", "panel-b", "feeder"], "guests").CapAmps);
        var evening = timers.At(friday + new LocalTime(19, 0), "charger-4", ["branch-b1", "panel-b", "feeder"], "guests");
        Assert.Equal(0, evening.CapAmps);
        Assert.Contains("outside the allowed hours", evening.Reason);
        Assert.Equal(0, timers.At(friday.PlusDays(1) + new LocalTime(12, 0), "charger-4", ["panel-b"], "guests").CapAmps);
    }

    [Theory]
    [InlineData(0, 0, "charger 'charger-2' daily 00:00-24:00")]
    [InlineData(22, 0, "charger 'charger-2' daily 22:00-24:00")]
    [InlineData(22, 6, "charger 'charger-2' daily 22:00-06:00")]
    public void A_window_that_ends_at_midnight_says_24_00(int from, int to, string words)
    {
        var window = new WeeklyWindow(TimerScopeKind.Charger, "charger-2", Days("daily"), new LocalTime(from, 0), new LocalTime(to, 0), TimerEffect.Blocked);
        Assert.Equal(words, window.Describe());
    }

    [Fact]
    public void A_battery_target_is_the_energy_from_the_meter_for_the_missing_percent()
    {
        var departure = Instant.FromUtc(2026, 12, 5, 7, 30);
        Assert.Equal(20, new DepartureTarget("c", departure, EnergyKWh: 20).MeterEnergyKWh());
        Assert.Equal(0.5 * 60 / 0.9, new DepartureTarget("c", departure, BatteryToPercent: 80, BatteryNowPercent: 30, BatteryKWh: 60).MeterEnergyKWh(), 9);
        Assert.Equal(0, new DepartureTarget("c", departure, BatteryToPercent: 50, BatteryNowPercent: 70, BatteryKWh: 60).MeterEnergyKWh());
        Assert.Throws<ArgumentException>(() => new DepartureTarget("c", departure, BatteryToPercent: 80).MeterEnergyKWh());
        // Slots from 05:15 that end by 07:30: 05:15 ... 07:15, nine.
        Assert.Equal(9, new DepartureTarget("c", departure).SlotsBefore(Instant.FromUtc(2026, 12, 5, 5, 15)));
        Assert.Equal(0, new DepartureTarget("c", departure).SlotsBefore(departure));
    }
}
