namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// ClockAlignedDataInterval: evenly spaced intervals per day starting at 00:00:00 (UTC, the
/// charge point's clock). An interval that does not divide the day ends its last period at the
/// next midnight, where the count starts again. Pure.
/// </summary>
public static class ClockAlignment
{
    /// <summary>The first interval boundary strictly after <paramref name="after"/>.</summary>
    public static DateTimeOffset Next(DateTimeOffset after, int intervalSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intervalSeconds);
        var utc = after.ToUniversalTime();
        var midnight = new DateTimeOffset(utc.Date, TimeSpan.Zero);
        var interval = TimeSpan.FromSeconds(intervalSeconds);
        var k = (long)Math.Floor((utc - midnight) / interval) + 1;
        var next = midnight + k * interval;
        var nextMidnight = midnight.AddDays(1);
        return next < nextMidnight ? next : nextMidnight;
    }
}
