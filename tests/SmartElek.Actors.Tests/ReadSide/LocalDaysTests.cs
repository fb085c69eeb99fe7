using CsCheck;
using SmartElek.Actors.ReadSide;

namespace SmartElek.Actors.Tests.ReadSide;

/// <summary>
/// Energy per local day of a real time zone (the machine's tzdata), across daylight-saving changes:
/// the day of the spring change has 23 hours, the one of the autumn change 25.
/// </summary>
public sealed class LocalDaysTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    // The local days of the 2026 changes: New York 8 March and 1 November, Berlin 29 March and 25 October.
    private static readonly (TimeZoneInfo Zone, DateOnly Day, double Hours)[] Changes =
    [
        (NewYork, new DateOnly(2026, 3, 8), 23), (NewYork, new DateOnly(2026, 11, 1), 25),
        (Berlin, new DateOnly(2026, 3, 29), 23), (Berlin, new DateOnly(2026, 10, 25), 25),
    ];

    [Fact]
    public void A_day_of_a_daylight_saving_change_lasts_23_or_25_hours_and_begins_at_local_midnight()
    {
        foreach (var (zone, day, hours) in Changes)
        {
            var start = LocalDays.StartOf(day, zone);
            Assert.Equal(hours, (LocalDays.StartOf(day.AddDays(1), zone) - start).TotalHours);
            Assert.Equal(TimeSpan.Zero, TimeZoneInfo.ConvertTime(start, zone).TimeOfDay);
            Assert.Equal(day, LocalDays.DayOf(start, zone));
            Assert.Equal(day.AddDays(-1), LocalDays.DayOf(start.AddTicks(-1), zone));
        }
        // New York's 8 March begins at 05:00 UTC (still EST), the 9th at 04:00 UTC (EDT).
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 5, 0, 0, TimeSpan.Zero), LocalDays.StartOf(new DateOnly(2026, 3, 8), NewYork));
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 4, 0, 0, TimeSpan.Zero), LocalDays.StartOf(new DateOnly(2026, 3, 9), NewYork));
    }

    [Fact]
    public void Charging_evenly_over_a_change_gives_its_day_23_or_25_hours_of_energy()
    {
        foreach (var (zone, day, hours) in Changes)
        {
            // 1 kWh an hour from the local midnight a day before to the local midnight a day after.
            var from = LocalDays.StartOf(day.AddDays(-1), zone);
            var to = LocalDays.StartOf(day.AddDays(2), zone);
            var days = EnergyDays.ByDay(EnergyDays.Split(from, to, (to - from).TotalHours * 1000), zone);
            Assert.Equal([day.AddDays(-1), day, day.AddDays(1)], days.Select(d => d.Day));
            Assert.Equal(24_000, days[0].EnergyWh, 1e-6);
            Assert.Equal(hours * 1000, days[1].EnergyWh, 1e-6);
            Assert.Equal(24_000, days[2].EnergyWh, 1e-6);
        }
    }

    // A charger's steps near a change: up to 6 h each.
    private static readonly Gen<RegisterStep> StepGen = RegisterStep.Gen(6 * 3600);

    [Fact]
    public void Energy_per_local_day_adds_up_to_the_registers_growth_across_daylight_saving_changes()
    {
        var limit = Gen.Int[-3600, 7200].Select(s => s <= 0 ? (TimeSpan?)null : TimeSpan.FromSeconds(s));
        Gen.Select(Gen.Int[0, Changes.Length - 1], Gen.Int[-2 * 86_400, 86_400], StepGen.Array[1, 40], limit).Sample((change, startSecond, steps, spreadLimit) =>
        {
            var (zone, day, _) = Changes[change];
            var (slices, grown, _) = RegisterStep.Replay(LocalDays.StartOf(day, zone).AddSeconds(startSecond), steps, spreadLimit);
            var days = EnergyDays.ByDay(slices, zone);
            Assert.True(Math.Abs(days.Sum(d => d.EnergyWh) - grown) <= 1e-9 * Math.Max(1, grown), $"daily sum {days.Sum(d => d.EnergyWh)} != growth {grown}");
            Assert.All(days, d => Assert.True(d.EnergyWh >= 0, $"{d} is negative"));
            // One row per local day.
            Assert.Equal(days.Count, days.Select(d => d.Day).Distinct().Count());
        });
    }

    [Fact]
    public void Even_charging_gives_every_whole_local_day_its_own_length_of_energy()
    {
        Gen.Select(Gen.Int[0, Changes.Length - 1], Gen.Int[-3 * 86_400, 86_400], Gen.Int[3 * 86_400, 6 * 86_400]).Sample((change, startSecond, seconds) =>
        {
            var (zone, day, _) = Changes[change];
            var from = LocalDays.StartOf(day, zone).AddSeconds(startSecond);
            var to = from.AddSeconds(seconds);
            const double wattHoursPerHour = 7200;
            var days = EnergyDays.ByDay(EnergyDays.Split(from, to, seconds / 3600.0 * wattHoursPerHour), zone);
            foreach (var d in days)
            {
                var start = LocalDays.StartOf(d.Day, zone);
                var end = LocalDays.StartOf(d.Day.AddDays(1), zone);
                var overlap = ((end < to ? end : to) - (start > from ? start : from)).TotalHours;
                Assert.Equal(overlap * wattHoursPerHour, d.EnergyWh, 1e-6 * wattHoursPerHour);
            }
        });
    }

    [Fact]
    public void Every_quarter_hour_of_utc_lies_within_one_local_day_of_every_zone_the_machine_knows()
    {
        // Why the tables may hold quarter hours: since 1980 every zone's offset, and every change of it,
        // is a whole number of quarter hours (India +5:30, Nepal +5:45, Lord Howe's 30-minute summer time).
        var zones = TimeZoneInfo.GetSystemTimeZones();
        Assert.True(zones.Count > 100, $"the machine knows only {zones.Count} zones (tzdata missing?)");
        var epoch = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Gen.Select(Gen.Int[0, zones.Count - 1], Gen.Long[0, (long)(50 * 365.25 * 86_400)]).Sample((z, second) =>
        {
            var zone = zones[z];
            var slice = EnergyDays.SliceOf(epoch.AddSeconds(second));
            var day = LocalDays.DayOf(slice, zone);
            Assert.Equal(day, LocalDays.DayOf(slice + EnergyDays.SliceLength - TimeSpan.FromTicks(1), zone));
            Assert.True(LocalDays.StartOf(day, zone) <= slice, $"{zone.Id}: {day} begins after {slice:O}");
        }, iter: 20_000);
    }
}
