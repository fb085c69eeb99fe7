using NodaTime;

namespace SmartElek.Planning;

/// <summary>
/// The planner's time: slots are quarter hours of UTC (every zone's offset since 1980 is a whole
/// number of quarter hours, so a slot lies in one local quarter hour); local answers come from the
/// site's zone (<c>Site:TimeZone</c>, NodaTime's tzdb).
/// </summary>
public static class SiteClock
{
    public static readonly Duration Slot = Duration.FromMinutes(15);

    /// <summary>The start of the slot that holds <paramref name="at"/>.</summary>
    public static Instant SlotOf(Instant at)
    {
        var ticks = at.ToUnixTimeTicks();
        var size = Slot.BclCompatibleTicks;
        return Instant.FromUnixTimeTicks(ticks - (((ticks % size) + size) % size));
    }

    /// <summary>
    /// The instant of the next wall-clock <paramref name="time"/> after <paramref name="now"/> ("by 07:30").
    /// Where the clocks show it twice (a fall-back), the first; where they skip it (a spring-forward),
    /// the moment they jump: the driver never finds the car later than the time said.
    /// </summary>
    public static Instant NextWallClock(LocalTime time, Instant now, DateTimeZone zone)
    {
        var date = now.InZone(zone).Date;
        for (var i = 0; i < 3; i++, date = date.PlusDays(1))
        {
            var at = Earliest(date + time, zone);
            if (at > now) return at;
        }
        throw new InvalidOperationException($"no {time} in the two days after {now} in {zone.Id}");
    }

    /// <summary>The first instant the clocks of <paramref name="zone"/> show <paramref name="local"/>, or the jump over it.</summary>
    public static Instant Earliest(LocalDateTime local, DateTimeZone zone)
    {
        var mapping = zone.MapLocal(local);
        return mapping.Count > 0 ? mapping.First().ToInstant() : mapping.LateInterval.Start;
    }

    /// <summary>
    /// The local day that holds <paramref name="at"/>: a day begins the first time its date shows on
    /// the clocks (where midnight repeats, the repeated hour is the new day's), as the energy reports count days.
    /// </summary>
    public static LocalDate DayOf(Instant at, DateTimeZone zone)
    {
        var day = at.InZone(zone).Date;
        while (StartOf(day.PlusDays(1), zone) <= at) day = day.PlusDays(1);
        while (StartOf(day, zone) > at) day = day.PlusDays(-1);
        return day;
    }

    public static Instant StartOf(LocalDate day, DateTimeZone zone) => Earliest(day.AtMidnight(), zone);
}
