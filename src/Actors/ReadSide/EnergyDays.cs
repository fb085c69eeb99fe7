using NodaTime;

namespace SmartElek.Actors.ReadSide;

/// <summary>Energy a charger delivered on one day of the site's time zone, Wh.</summary>
public readonly record struct DayEnergy(DateOnly Day, double EnergyWh);

/// <summary>Energy delivered within one quarter hour [Start, Start + 15 min) of UTC, Wh.</summary>
public readonly record struct EnergySlice(DateTimeOffset Start, double EnergyWh);

/// <summary>The last durable register value the energy slices of one charger were counted up to.</summary>
public readonly record struct EnergyCursor(DateTimeOffset At, double RegisterWh);

/// <summary>
/// Folds a charger's durable register readings into energy per quarter hour, and quarter hours into the
/// site's local days. The growth between two readings is spread evenly over the time between them, so
/// a session that runs across midnight is split by the time on each side. A register reset (factory
/// restore) starts counting from 0 again; a reading lower than the cursor without a reset is taken as a
/// reset we did not see, never as negative energy. Pure: no database, no Akka.
/// <para>
/// Why quarter hours of UTC and not days: the tables hold slices and the day a slice belongs to is
/// decided when reading, in the zone asked for, so a site that sets or corrects its zone sees its history
/// in the new days without re-projecting, and a 23 h or 25 h day of a daylight-saving change simply has
/// fewer or more slices. A slice counts in the local day of its start (<see cref="LocalDays.DayOf"/>),
/// the same day whose range (<see cref="LocalDays.StartOf"/>) selects it. Since 1980 every local day of
/// every zone begins on a quarter hour of UTC (a test checks every transition of every tzdb zone), so a
/// slice also lies wholly in that day; before, a few zones (Monrovia until 1972, Kiritimati until 1979)
/// had offsets such as -0:44:30, and the part of a slice after such a day's start counts in the day before.
/// </para>
/// </summary>
public static class EnergyDays
{
    /// <summary>The length of one slice.</summary>
    public static readonly TimeSpan SliceLength = TimeSpan.FromMinutes(15);

    /// <summary>Where a reset leaves the cursor: the register reads 0 from then on.</summary>
    public static EnergyCursor Reset(DateTimeOffset at) => new(at, 0);

    /// <summary>
    /// The next reading: the new cursor and the growth since <paramref name="cursor"/> by quarter hour.
    /// Without a cursor (the charger's first reading) the register is counted from 0 and its value lands
    /// in the reading's quarter hour: a unit's register starts at 0, so nothing before the first reading is lost.
    /// </summary>
    /// <param name="spreadLimit">
    /// The growth is spread over at most this span before the reading (null: over the whole gap). A charger
    /// makes its register durable once per interval only while it moves, so after a gap longer than that
    /// (no vehicle, a suspended session, a power loss) the growth happened just before the new reading,
    /// not over the idle days: twice the durable-reading interval keeps it on the right day.
    /// </param>
    public static (EnergyCursor Cursor, IReadOnlyList<EnergySlice> Slices) Read(EnergyCursor? cursor, DateTimeOffset at, double registerWh, TimeSpan? spreadLimit = null)
    {
        if (!double.IsFinite(registerWh) || registerWh < 0)
            return (cursor ?? new EnergyCursor(at, 0), []);
        var from = cursor ?? new EnergyCursor(at, 0);
        // Lower than before without a reset: a reset we did not see; the register counts from 0 again.
        var growth = registerWh >= from.RegisterWh ? registerWh - from.RegisterWh : registerWh;
        // A clock that went backwards (a restart on a bad RTC) must not move the cursor back in time.
        var next = new EnergyCursor(at > from.At ? at : from.At, registerWh);
        var spreadFrom = spreadLimit is { } limit && at - from.At > limit ? at - limit : from.At;
        return (next, Split(spreadFrom, at, growth));
    }

    /// <summary>The quarter hour of UTC that holds <paramref name="at"/>.</summary>
    public static DateTimeOffset SliceOf(DateTimeOffset at)
    {
        var utc = at.UtcTicks;
        return new DateTimeOffset(utc - utc % SliceLength.Ticks, TimeSpan.Zero);
    }

    /// <summary>
    /// Spreads <paramref name="growthWh"/> evenly over [from, to] and cuts it at each quarter hour.
    /// The parts add up to the growth exactly (the last part takes the rounding remainder).
    /// </summary>
    public static IReadOnlyList<EnergySlice> Split(DateTimeOffset from, DateTimeOffset to, double growthWh)
    {
        if (growthWh <= 0) return [];
        if (to <= from) return [new EnergySlice(SliceOf(to), growthWh)];

        var total = (to - from).Ticks;
        var parts = new List<EnergySlice>();
        var assigned = 0.0;
        for (var sliceStart = SliceOf(from); sliceStart < to; sliceStart += SliceLength)
        {
            var sliceEnd = sliceStart + SliceLength;
            var overlap = ((sliceEnd < to ? sliceEnd : to) - (sliceStart > from ? sliceStart : from)).Ticks;
            if (overlap <= 0) continue;
            if (sliceEnd >= to)
            {
                parts.Add(new EnergySlice(sliceStart, growthWh - assigned));
                break;
            }
            var part = growthWh * overlap / total;
            assigned += part;
            parts.Add(new EnergySlice(sliceStart, part));
        }
        return parts;
    }

    /// <summary>The slices summed per local day of <paramref name="zone"/> (each in the day of its start), by day.</summary>
    public static IReadOnlyList<DayEnergy> ByDay(IEnumerable<EnergySlice> slices, DateTimeZone zone) =>
        slices.GroupBy(s => LocalDays.DayOf(s.Start, zone))
            .OrderBy(g => g.Key)
            .Select(g => new DayEnergy(g.Key, g.Sum(s => s.EnergyWh)))
            .ToList();
}
