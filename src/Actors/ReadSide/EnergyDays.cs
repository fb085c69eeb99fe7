namespace SmartElek.Actors.ReadSide;

/// <summary>Energy a charger delivered on one day (UTC), Wh.</summary>
public readonly record struct DayEnergy(DateOnly Day, double EnergyWh);

/// <summary>The last durable register value the day buckets of one charger were counted up to.</summary>
public readonly record struct EnergyCursor(DateTimeOffset At, double RegisterWh);

/// <summary>
/// Folds a charger's durable register readings into energy per day (UTC days). A day's energy is the
/// register's growth within that day: the growth between two readings is spread evenly over the time
/// between them, so a session that runs across midnight is split by the hours on each side. A register
/// reset (factory restore) starts counting from 0 again; a reading lower than the cursor without a
/// reset is taken as a reset we did not see, never as negative energy. Pure: no database, no Akka.
/// </summary>
public static class EnergyDays
{
    /// <summary>Where a reset leaves the cursor: the register reads 0 from then on.</summary>
    public static EnergyCursor Reset(DateTimeOffset at) => new(at, 0);

    /// <summary>
    /// The next reading: the new cursor and the growth since <paramref name="cursor"/> by day. Without a
    /// cursor (the charger's first reading) the register is counted from 0 and its value lands on the
    /// reading's day: a unit's register starts at 0, so nothing before the first reading is lost.
    /// </summary>
    /// <param name="spreadLimit">
    /// The growth is spread over at most this span before the reading (null: over the whole gap). A charger
    /// makes its register durable once per interval only while it moves, so after a gap longer than that
    /// (no vehicle, a suspended session, a power loss) the growth happened just before the new reading,
    /// not over the idle days: twice the durable-reading interval keeps it on the right day.
    /// </param>
    public static (EnergyCursor Cursor, IReadOnlyList<DayEnergy> Days) Read(EnergyCursor? cursor, DateTimeOffset at, double registerWh, TimeSpan? spreadLimit = null)
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

    /// <summary>
    /// Spreads <paramref name="growthWh"/> evenly over [from, to] and cuts it at each UTC midnight.
    /// The parts add up to the growth exactly (the last part takes the rounding remainder).
    /// </summary>
    public static IReadOnlyList<DayEnergy> Split(DateTimeOffset from, DateTimeOffset to, double growthWh)
    {
        if (growthWh <= 0) return [];
        var start = from.UtcDateTime;
        var end = to.UtcDateTime;
        if (end <= start) return [new DayEnergy(DateOnly.FromDateTime(end), growthWh)];

        var total = (end - start).Ticks;
        var parts = new List<DayEnergy>();
        var assigned = 0.0;
        for (var dayStart = start.Date; dayStart < end; dayStart = dayStart.AddDays(1))
        {
            var dayEnd = dayStart.AddDays(1);
            var overlap = (Min(dayEnd, end) - Max(dayStart, start)).Ticks;
            if (overlap <= 0) continue;
            var day = DateOnly.FromDateTime(dayStart);
            if (dayEnd >= end)
            {
                parts.Add(new DayEnergy(day, growthWh - assigned));
                break;
            }
            var part = growthWh * overlap / total;
            assigned += part;
            parts.Add(new DayEnergy(day, part));
        }
        return parts;
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
