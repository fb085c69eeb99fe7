using CsCheck;
using NodaTime;
using NodaTime.TimeZones;
using SmartElek.Actors.ReadSide;

namespace SmartElek.Actors.Tests.ReadSide;

/// <summary>
/// Local days of real time zones (NodaTime's tzdb): 23 and 25 hours across daylight-saving changes, a
/// midnight that happens twice, and every transition of every zone checked rather than sampled.
/// </summary>
[Trait("Speed", "Fast")]
public sealed class LocalDaysTests
{
    private static readonly IDateTimeZoneProvider Tzdb = DateTimeZoneProviders.Tzdb;
    private static readonly DateTimeZone NewYork = Tzdb["America/New_York"];
    private static readonly DateTimeZone Berlin = Tzdb["Europe/Berlin"];
    private static readonly DateTimeZone StJohns = Tzdb["America/St_Johns"];
    private static readonly DateTimeZone GooseBay = Tzdb["America/Goose_Bay"];
    private static readonly DateTimeZone Moncton = Tzdb["America/Moncton"];
    private static readonly TimeSpan Slice = EnergyDays.SliceLength;
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    // The local days of daylight-saving changes: New York and Berlin in 2026; and summer time ending at
    // 00:01, so that midnight happens twice: St John's and Goose Bay in 1987, Moncton in 1993.
    private static readonly (DateTimeZone Zone, DateOnly Day, double Hours)[] Changes =
    [
        (NewYork, new DateOnly(2026, 3, 8), 23), (NewYork, new DateOnly(2026, 11, 1), 25),
        (Berlin, new DateOnly(2026, 3, 29), 23), (Berlin, new DateOnly(2026, 10, 25), 25),
        (StJohns, new DateOnly(1987, 10, 25), 25), (GooseBay, new DateOnly(1987, 10, 25), 25), (Moncton, new DateOnly(1993, 10, 31), 25),
    ];

    private static DateTimeOffset Clock(DateTimeOffset at, DateTimeZone zone) => Instant.FromDateTimeOffset(at).InZone(zone).ToDateTimeOffset();

    [Fact]
    public void A_day_of_a_daylight_saving_change_lasts_23_or_25_hours_and_begins_at_local_midnight()
    {
        foreach (var (zone, day, hours) in Changes)
        {
            var start = LocalDays.StartOf(day, zone);
            Assert.Equal(hours, (LocalDays.StartOf(day.AddDays(1), zone) - start).TotalHours);
            Assert.Equal(TimeSpan.Zero, Clock(start, zone).TimeOfDay);
            Assert.Equal(day, LocalDays.DayOf(start, zone));
            Assert.Equal(day.AddDays(-1), LocalDays.DayOf(start - Tick, zone));
        }
        // New York's 8 March begins at 05:00 UTC (still EST), the 9th at 04:00 UTC (EDT).
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 5, 0, 0, TimeSpan.Zero), LocalDays.StartOf(new DateOnly(2026, 3, 8), NewYork));
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 4, 0, 0, TimeSpan.Zero), LocalDays.StartOf(new DateOnly(2026, 3, 9), NewYork));
    }

    [Fact]
    public void Where_summer_time_ended_at_local_midnight_the_repeated_hour_belongs_to_the_day_that_had_begun()
    {
        // St John's, 25 October 1987: 00:00 NDT (-2:30) is 02:30 UTC; at 00:01 NDT the clock goes back to
        // 23:01 NST (-3:30) of the 24th, and shows midnight again at 03:30 UTC.
        var oct24 = new DateOnly(1987, 10, 24);
        var oct25 = new DateOnly(1987, 10, 25);
        var firstMidnight = new DateTimeOffset(1987, 10, 25, 2, 30, 0, TimeSpan.Zero);
        Assert.Equal(firstMidnight, LocalDays.StartOf(oct25, StJohns));
        Assert.Equal(new DateTimeOffset(1987, 10, 24, 23, 15, 0, TimeSpan.FromHours(-3.5)), Clock(firstMidnight.AddMinutes(15), StJohns));
        // The clock shows the 24th again, but the 25th has begun: each quarter hour of the repeated hour is in it.
        for (var slice = firstMidnight; slice < firstMidnight.AddHours(1); slice += Slice)
        {
            Assert.Equal(oct25, LocalDays.DayOf(slice, StJohns));
            Assert.Equal(oct25, LocalDays.DayOf(slice + Slice - Tick, StJohns));
        }
        Assert.Equal(oct24, LocalDays.DayOf(firstMidnight - Tick, StJohns));
        Assert.Equal(24, (firstMidnight - LocalDays.StartOf(oct24, StJohns)).TotalHours);
        // Moncton, 31 October 1993: 00:00 ADT (-3) is 03:00 UTC, the clock goes back to 23:01 AST at 03:01 UTC.
        Assert.Equal(new DateTimeOffset(1993, 10, 31, 3, 0, 0, TimeSpan.Zero), LocalDays.StartOf(new DateOnly(1993, 10, 31), Moncton));
        Assert.Equal(new DateOnly(1993, 10, 31), LocalDays.DayOf(new DateTimeOffset(1993, 10, 31, 3, 10, 0, TimeSpan.Zero), Moncton));
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

    // Every change of offset of every tzdb zone, as (zone, the instant it happens). Ids that are links
    // (US/Eastern) are the same zones again: cheap, and a link's own history is checked with it.
    private static IEnumerable<(DateTimeZone Zone, Instant At)> Transitions(int fromYear, int toYear)
    {
        Assert.True(Tzdb.Ids.Count > 400, $"tzdb {TzdbDateTimeZoneSource.Default.TzdbVersion} has only {Tzdb.Ids.Count} zones");
        var span = new Interval(Instant.FromUtc(fromYear, 1, 1, 0, 0), Instant.FromUtc(toYear, 1, 1, 0, 0));
        foreach (var id in Tzdb.Ids)
        {
            var zone = Tzdb[id];
            foreach (var interval in zone.GetZoneIntervals(span))
                if (interval.HasStart && span.Contains(interval.Start))
                    yield return (zone, interval.Start);
        }
    }

    // The dates a transition can touch: the clock's dates just before and at it, and one either side.
    private static IEnumerable<DateOnly> DaysAround(DateTimeZone zone, Instant at)
    {
        var before = (at - Duration.Epsilon).InZone(zone).Date.ToDateOnly();
        var after = at.InZone(zone).Date.ToDateOnly();
        var (first, last) = before <= after ? (before, after) : (after, before);
        for (var day = first.AddDays(-1); day <= last.AddDays(1); day = day.AddDays(1)) yield return day;
    }

    [Fact]
    public void Every_quarter_hour_of_utc_since_1980_lies_within_one_local_day_of_every_zone()
    {
        // Why a slice may be counted in one day: since 1980 every offset of every zone is whole quarter hours
        // (India +5:30, Nepal +5:45, Lord Howe's 30-minute summer time), so away from a change each midnight,
        // where a day begins, is a quarter hour of UTC; and every day a change touches begins on one too.
        var span = new Interval(Instant.FromUtc(1980, 1, 1, 0, 0), Instant.FromUtc(2100, 1, 1, 0, 0));
        foreach (var id in Tzdb.Ids)
            foreach (var interval in Tzdb[id].GetZoneIntervals(span))
                Assert.True(interval.WallOffset.Seconds % (15 * 60) == 0, $"{id}: {interval}");
        var transitions = 0;
        foreach (var (zone, at) in Transitions(1980, 2100))
        {
            transitions++;
            foreach (var day in DaysAround(zone, at))
            {
                var start = LocalDays.StartOf(day, zone);
                Assert.True(start == EnergyDays.SliceOf(start), $"{zone.Id}: {day} begins at {start:O}, inside a quarter hour");
                // The slices either side of the day's start lie wholly on their side.
                Assert.Equal(LocalDays.DayOf(start - Slice, zone), LocalDays.DayOf(start - Tick, zone));
                Assert.Equal(LocalDays.DayOf(start, zone), LocalDays.DayOf(start + Slice - Tick, zone));
            }
        }
        Assert.True(transitions > 20_000, $"only {transitions} transitions since 1980");
    }

    [Fact]
    [Trait("Speed", "Slow")] // every transition of every zone: half a minute on 2 cores
    public void The_day_of_every_instant_near_every_transition_of_every_zone_is_the_day_whose_range_holds_it()
    {
        // What reports rely on in any zone and year: a slice counted in a day (the day of its start) is one
        // that day's range [StartOf(day), StartOf(day + 1)) selects, and days follow each other without
        // overlap. Checked from 1850, through local mean times such as Monrovia's -0:44:30 and dates skipped whole.
        void Holds(DateTimeZone zone, DateTimeOffset at)
        {
            var day = LocalDays.DayOf(at, zone);
            var (start, end) = (LocalDays.StartOf(day, zone), LocalDays.StartOf(day.AddDays(1), zone));
            Assert.True(start <= at && at < end, $"{zone.Id}: {at:O} is given {day}, which runs from {start:O} to {end:O}");
        }
        foreach (var (zone, at) in Transitions(1850, 2100))
        {
            var change = at.ToDateTimeOffset();
            Holds(zone, change - Tick);
            Holds(zone, change);
            for (var slice = EnergyDays.SliceOf(change) - 4 * Slice; slice <= change + 4 * Slice; slice += Slice) Holds(zone, slice);
            foreach (var day in DaysAround(zone, at))
            {
                var start = LocalDays.StartOf(day, zone);
                Assert.True(start <= LocalDays.StartOf(day.AddDays(1), zone), $"{zone.Id}: {day.AddDays(1)} begins before {day}");
                Holds(zone, start - Tick);
                Holds(zone, start);
                Holds(zone, EnergyDays.SliceOf(start));
            }
        }
    }

    [Fact]
    public void Away_from_a_change_the_day_of_an_instant_is_the_date_on_the_clock()
    {
        // Between transitions there is nothing to list: random instants of random zones, 1900 to 2100.
        var zones = Tzdb.Ids.Select(id => Tzdb[id]).ToArray();
        var from = new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Gen.Select(Gen.Int[0, zones.Length - 1], Gen.Long[0, 200L * 365 * 86_400]).Sample((z, second) =>
        {
            var zone = zones[z];
            var at = from.AddSeconds(second);
            var interval = zone.GetZoneInterval(Instant.FromDateTimeOffset(at));
            // Within a day of a change the clock's date may be the day before (see the repeated hour above).
            var clear = (!interval.HasStart || at - interval.Start.ToDateTimeOffset() > TimeSpan.FromDays(1))
                        && (!interval.HasEnd || interval.End.ToDateTimeOffset() - at > TimeSpan.FromDays(1));
            if (clear) Assert.Equal(Instant.FromDateTimeOffset(at).InZone(zone).Date.ToDateOnly(), LocalDays.DayOf(at, zone));
        }, iter: 20_000);
    }
}
