using System.Globalization;
using NodaTime;

namespace SmartElek.Tariffs;

/// <summary>A price per kWh and where it came from (the dashboard shows both).</summary>
public readonly record struct Price(double PerKWh, string Source)
{
    public override string ToString() => $"{PerKWh.ToString("0.####", CultureInfo.InvariantCulture)}/kWh ({Source})";
}

/// <summary>
/// One band of a season: on the given weekdays, from <see cref="From"/> (inclusive) to
/// <see cref="To"/> (exclusive; <see cref="LocalTime.Midnight"/> as <c>To</c> means the end of the day),
/// on the site's wall clock. Both on quarter hours, so a quarter hour of UTC never straddles two bands.
/// </summary>
public sealed record PriceBand(IReadOnlySet<IsoDayOfWeek> Days, LocalTime From, LocalTime To, double PerKWh)
{
    public bool Holds(IsoDayOfWeek day, LocalTime time) =>
        Days.Contains(day) && time >= From && (To == LocalTime.Midnight || time < To);

    public override string ToString() =>
        $"{WeekdaySet.Format(Days)} {From:HH:mm}-{(To == LocalTime.Midnight ? "24:00" : To.ToString("HH:mm", CultureInfo.InvariantCulture))}";
}

/// <summary>
/// A season: the dates it covers each year (month-day to month-day, both included; may wrap the
/// new year, "10-01" to "03-31"), its base price and its bands.
/// </summary>
public sealed record TariffSeason(string Name, AnnualDate From, AnnualDate To, double BasePerKWh, IReadOnlyList<PriceBand> Bands)
{
    public bool Covers(LocalDate date)
    {
        var d = new AnnualDate(date.Month, date.Day);
        return From.CompareTo(To) <= 0
            ? d.CompareTo(From) >= 0 && d.CompareTo(To) <= 0
            : d.CompareTo(From) >= 0 || d.CompareTo(To) <= 0;
    }
}

/// <summary>
/// A time-of-use tariff: prices per kWh by season, weekday and wall-clock time of the site's zone.
/// Wall-clock semantics across daylight saving: an hour the clocks repeat is priced twice as its
/// band says, an hour they skip does not happen. Validated when built from configuration
/// (<see cref="TariffConfiguration"/>): the seasons cover every date once, bands do not overlap.
/// </summary>
public sealed class TimeOfUseTariff(string name, IReadOnlyList<TariffSeason> seasons)
{
    public string Name { get; } = name;
    public IReadOnlyList<TariffSeason> Seasons { get; } = seasons;

    /// <summary>The price at a wall-clock moment of the site.</summary>
    public Price PriceAt(LocalDateTime local)
    {
        var season = SeasonOf(local.Date);
        foreach (var band in season.Bands)
            if (band.Holds(local.DayOfWeek, local.TimeOfDay))
                return new Price(band.PerKWh, $"tariff '{Name}', {season.Name} {band}");
        return new Price(season.BasePerKWh, $"tariff '{Name}', {season.Name} base");
    }

    public Price PriceAt(Instant at, DateTimeZone zone) => PriceAt(at.InZone(zone).LocalDateTime);

    /// <summary>
    /// The average price from <paramref name="start"/> for <paramref name="length"/> (a slot), time-weighted.
    /// Bands lie on quarter hours and offsets are whole quarter hours, so a quarter hour of UTC has one
    /// price, except where the clocks change inside it: St John's and Goose Bay changed at 00:01 from
    /// 1987 to 2010, so that quarter hour is one minute of one band and fourteen of another.
    /// </summary>
    public Price PriceOver(Instant start, Duration length, DateTimeZone zone)
    {
        var end = start + length;
        var first = PriceAt(start, zone);
        if (zone.GetZoneInterval(start).HasEnd && zone.GetZoneInterval(start).End < end)
        {
            var sum = 0.0;
            for (var at = start; at < end;)
            {
                var interval = zone.GetZoneInterval(at);
                var pieceEnd = interval.HasEnd && interval.End < end ? interval.End : end;
                sum += PriceAt(at, zone).PerKWh * (pieceEnd - at).TotalTicks;
                at = pieceEnd;
            }
            return first with { PerKWh = sum / length.TotalTicks, Source = first.Source + " (clocks change within: time-weighted)" };
        }
        return first;
    }

    public TariffSeason SeasonOf(LocalDate date)
    {
        foreach (var s in Seasons)
            if (s.Covers(date)) return s;
        // Validation makes the seasons cover every date; a tariff built in code without that is a bug.
        throw new InvalidOperationException($"tariff '{Name}' has no season for {date:MM-dd}");
    }
}

/// <summary>Weekday sets as written in configuration: "Mon-Fri", "Sat,Sun", "daily".</summary>
public static class WeekdaySet
{
    static readonly string[] Names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    public static IReadOnlySet<IsoDayOfWeek> Parse(string? text, out string error)
    {
        error = "";
        var set = new HashSet<IsoDayOfWeek>();
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Equals("daily", StringComparison.OrdinalIgnoreCase))
        {
            for (var d = 1; d <= 7; d++) set.Add((IsoDayOfWeek)d);
            return set;
        }
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length > 2 || !TryDay(ends[0], out var first) || !TryDay(ends[^1], out var last))
            {
                error = $"\"{part}\" is not a weekday or a range of them (Mon, Tue, Wed, Thu, Fri, Sat, Sun, e.g. \"Mon-Fri\", \"Sat,Sun\", \"daily\")";
                return set;
            }
            // A range may wrap the week: "Fri-Mon".
            for (var d = first; ; d = d == IsoDayOfWeek.Sunday ? IsoDayOfWeek.Monday : d + 1)
            {
                set.Add(d);
                if (d == last) break;
            }
        }
        return set;
    }

    static bool TryDay(string text, out IsoDayOfWeek day)
    {
        var i = Array.FindIndex(Names, n => n.Equals(text.Length >= 3 ? text[..3] : text, StringComparison.OrdinalIgnoreCase));
        day = i >= 0 ? (IsoDayOfWeek)(i + 1) : IsoDayOfWeek.None;
        return i >= 0;
    }

    public static string Format(IReadOnlySet<IsoDayOfWeek> days) =>
        days.Count == 7 ? "daily" : string.Join(",", days.Order().Select(d => Names[(int)d - 1]));
}
