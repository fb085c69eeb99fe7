using NodaTime;

namespace SmartElek.Actors.ReadSide;

/// <summary>
/// Days of a site's time zone as spans of time: a day begins the first time its date shows on the
/// site's clocks and lasts until the next day begins (23 or 25 hours across a daylight-saving change).
/// <para>
/// Why not simply the date on the clock: where summer time ended at local midnight (America/St_Johns and
/// America/Goose_Bay 1987-2010 at 00:01, America/Moncton 1993-2006) the clock shows the new date for a
/// minute and then the old one again for an hour, so the clock's date goes back and no range of time
/// could hold "the day". Here the repeated hour belongs to the new day, which has begun; so the day of
/// an instant (<see cref="DayOf"/>) is always the one whose range (<see cref="StartOf"/>) holds it, and a
/// report's days never overlap nor leave a gap.
/// </para>
/// Zones are NodaTime's tzdb, the same data on every machine (see <c>SiteTime</c>).
/// </summary>
public static class LocalDays
{
    /// <summary>The local day of <paramref name="zone"/> whose range holds <paramref name="at"/>.</summary>
    public static DateOnly DayOf(DateTimeOffset at, DateTimeZone zone)
    {
        var instant = Instant.FromDateTimeOffset(at);
        var day = instant.InZone(zone).Date;
        // The clock's date is the day, except in an hour a fall-back repeats after the next day began
        // (and, in case a zone ever jumps the other way, before its own day began).
        while (Start(day.PlusDays(1), zone) <= instant) day = day.PlusDays(1);
        while (Start(day, zone) > instant) day = day.PlusDays(-1);
        return day.ToDateOnly();
    }

    /// <summary>
    /// The first instant of <paramref name="day"/> in <paramref name="zone"/>: its local midnight, the first
    /// of two where midnight happens twice, and where a zone skips its midnight (a change at 00:00) the end of
    /// the skipped time. A date a zone skipped whole (Pacific/Apia 2011-12-30) begins and ends at once.
    /// </summary>
    public static DateTimeOffset StartOf(DateOnly day, DateTimeZone zone) =>
        Start(LocalDate.FromDateOnly(day), zone).ToDateTimeOffset();

    private static Instant Start(LocalDate day, DateTimeZone zone)
    {
        var midnight = zone.MapLocal(day.AtMidnight());
        return midnight.Count > 0 ? midnight.First().ToInstant() : midnight.LateInterval.Start;
    }
}
