using NodaTime;
using SmartElek.Planning;
using SmartElek.Tariffs;

namespace SmartElek.Charger.Tests.Tariffs;

/// <summary>
/// Local time on every transition, not on samples: for each zone below, every change of offset from
/// 1980 to 2040 in NodaTime's tzdb is walked, with the tariff, a timer and departures checked on it.
/// The zones: the site's usual ones, the three whose midnight repeats (St John's, Goose Bay, Moncton),
/// Lord Howe (30-minute changes), Kathmandu (+05:45) and Apia (skipped a whole day).
/// </summary>
public class DaylightSavingTests
{
    public static readonly TheoryData<string> Zones = new()
    {
        "Europe/Berlin", "Europe/London", "America/New_York", "America/St_Johns", "America/Goose_Bay",
        "America/Moncton", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Apia", "America/Sao_Paulo",
    };

    static readonly Instant From = Instant.FromUtc(1980, 1, 1, 0, 0);
    static readonly Instant To = Instant.FromUtc(2040, 1, 1, 0, 0);

    static IEnumerable<Instant> Transitions(DateTimeZone zone) =>
        zone.GetZoneIntervals(From, To).Skip(1).Select(i => i.Start).Where(t => t > From && t < To);

    // Bands on quarter hours all day long: a price for each quarter hour of the local day (96 different prices).
    static readonly TimeOfUseTariff EveryQuarter = new("quarters", [new TariffSeason("all", new AnnualDate(1, 1), new AnnualDate(12, 31), -1,
        [.. Enumerable.Range(0, 96).Select(q => new PriceBand(WeekdaySet.Parse("daily", out _), LocalTime.Midnight.PlusMinutes(15 * q),
            q == 95 ? LocalTime.Midnight : LocalTime.Midnight.PlusMinutes(15 * q + 15), q))])]);

    [Fact]
    public void Since_1980_every_zone_of_the_tzdb_is_offset_from_UTC_by_whole_quarter_hours()
    {
        // Why slots are quarter hours of UTC: each lies within one quarter hour of every site's clock.
        foreach (var id in DateTimeZoneProviders.Tzdb.Ids)
            foreach (var interval in DateTimeZoneProviders.Tzdb[id].GetZoneIntervals(From, To))
                Assert.True(interval.WallOffset.Seconds % 900 == 0, $"{id} {interval.Name} is at {interval.WallOffset}");
    }

    [Theory]
    [MemberData(nameof(Zones))]
    public void Around_every_transition_each_slot_costs_the_average_of_its_minutes_local_quarter_hours(string id)
    {
        var zone = DateTimeZoneProviders.Tzdb[id];
        var count = 0;
        var straddling = 0;
        foreach (var transition in Transitions(zone))
        {
            count++;
            for (var slot = SiteClock.SlotOf(transition - Duration.FromHours(3)); slot < transition + Duration.FromHours(3); slot += SiteClock.Slot)
            {
                var price = EveryQuarter.PriceOver(slot, SiteClock.Slot, zone).PerKWh;
                // The price of each minute from the offset alone: the local quarter hour the clock shows then.
                var minutes = Enumerable.Range(0, 15).Select(m =>
                {
                    var at = slot + Duration.FromMinutes(m);
                    var local = (at + Duration.FromSeconds(zone.GetUtcOffset(at).Seconds)).InUtc().TimeOfDay;
                    return (double)((local.Hour * 60 + local.Minute) / 15);
                }).ToList();
                // A slot's price is its minutes' average, and where the clocks do not change inside it, one band all through.
                Assert.Equal(minutes.Average(), price, 9);
                if (minutes.Distinct().Count() > 1)
                {
                    straddling++;
                    Assert.True(zone.GetZoneInterval(slot).End < slot + SiteClock.Slot, $"{id}: slot {slot} has two prices without a change of clocks");
                }
            }
        }
        // Only the zones that changed their clocks at 00:01 (St John's and Goose Bay 1987-2010, Moncton 1993-2006) have slots across a change.
        Assert.Equal(id is "America/St_Johns" or "America/Goose_Bay" or "America/Moncton", straddling > 0);
        Assert.True(count > 0 || id == "Asia/Kathmandu", $"{id} has no transition since 1980?");
    }

    [Theory]
    [MemberData(nameof(Zones))]
    public void A_local_day_holds_as_many_slots_as_its_clocks_run_and_a_nightly_timer_blocks_every_slot_the_clocks_show_it_in(string id)
    {
        var zone = DateTimeZoneProviders.Tzdb[id];
        var night = new WeeklyTimers([new WeeklyWindow(TimerScopeKind.Charger, "c", WeekdaySet.Parse("daily", out _),
            new LocalTime(0, 0), new LocalTime(3, 0), TimerEffect.Blocked)]);
        foreach (var transition in Transitions(zone))
        {
            var day = SiteClock.DayOf(transition, zone);
            foreach (var d in new[] { day.PlusDays(-1), day, day.PlusDays(1) })
            {
                var start = SiteClock.StartOf(d, zone);
                var end = SiteClock.StartOf(d.PlusDays(1), zone);
                // The day's length from the offsets at its two ends: 24 h less what the clocks jumped forward.
                var expected = Duration.FromHours(24) - Duration.FromSeconds((zone.GetUtcOffset(end) - zone.GetUtcOffset(start)).Seconds);
                if (zone.MapLocal(d.AtMidnight()).Count == 0 || zone.MapLocal(d.PlusDays(1).AtMidnight()).Count == 0)
                    expected = end - start; // a skipped midnight (Apia, Sao Paulo): the day begins where the clocks land
                Assert.Equal(expected, end - start);
                Assert.Equal(0, (end - start).BclCompatibleTicks % SiteClock.Slot.BclCompatibleTicks);
                // A timer blocking 00:00-03:00 of the clock blocks a slot exactly when the clock shows 00:00-02:59 in some minute of it.
                for (var s = start; s < end; s += SiteClock.Slot)
                {
                    var slot = s;
                    var blocked = night.Over(slot, SiteClock.Slot, zone, "c", [], null).CapAmps == 0;
                    var anyMinute = Enumerable.Range(0, 15).Any(m => (slot + Duration.FromMinutes(m)).InZone(zone).Hour < 3);
                    Assert.True(blocked == anyMinute, $"{id} {slot}: blocked {blocked}, a minute before 03:00 {anyMinute}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Zones))]
    public void A_departure_by_a_wall_clock_time_is_its_first_showing_or_the_jump_over_it_never_later(string id)
    {
        var zone = DateTimeZoneProviders.Tzdb[id];
        foreach (var transition in Transitions(zone))
        {
            var now = transition - Duration.FromHours(6);
            for (var q = 0; q < 96; q++)
            {
                var time = LocalTime.Midnight.PlusMinutes(15 * q);
                var at = SiteClock.NextWallClock(time, now, zone);
                Assert.True(at > now);
                var shown = at.InZone(zone).TimeOfDay;
                if (shown != time)
                {
                    // Skipped: the clocks jumped over the time at this very instant.
                    Assert.Equal(at, zone.GetZoneInterval(at).Start);
                    Assert.True(shown > time || shown < LocalTime.Midnight.PlusHours(2), $"{id}: {time} resolved to {shown}");
                }
                // No earlier quarter hour after now showed that time (offsets are whole quarter hours).
                for (var m = SiteClock.SlotOf(now) + SiteClock.Slot; m < at; m += SiteClock.Slot)
                    Assert.NotEqual(time, m.InZone(zone).TimeOfDay);
            }
        }
    }
}
