using System.Globalization;

namespace SmartElek.Charger.Leds;

public enum LedColor { Off, Green, Red, Blue }

/// <summary>One part of a repeating pattern: lit or dark for a duration (positive).</summary>
public readonly record struct LedSegment(bool On, TimeSpan Duration);

/// <summary>
/// A time-based LED pattern that a UI (or the LED driver) renders: <see cref="Segments"/> repeat forever
/// from the moment the pattern is shown. Two patterns are equal when colour and segments are equal.
/// </summary>
public sealed record LedPattern(LedColor Color, IReadOnlyList<LedSegment> Segments)
{
    /// <summary>How long one lit blip lasts in <see cref="Blips"/>.</summary>
    public static readonly TimeSpan BlipLength = TimeSpan.FromMilliseconds(100);

    public IReadOnlyList<LedSegment> Segments { get; } = Checked(Segments);

    public static LedPattern Off { get; } = new(LedColor.Off, [new LedSegment(false, TimeSpan.FromSeconds(1))]);

    public static LedPattern Solid(LedColor color) =>
        color == LedColor.Off ? Off : new(color, [new LedSegment(true, TimeSpan.FromSeconds(1))]);

    /// <summary>Lit half of each period, <paramref name="hz"/> times a second.</summary>
    public static LedPattern Flashing(LedColor color, double hz)
    {
        if (!(hz > 0 && hz <= 50))
            throw new ArgumentOutOfRangeException(nameof(hz), hz, "An LED flashes between 0 (exclusive) and 50 Hz.");
        var half = TimeSpan.FromTicks((long)Math.Round(TimeSpan.TicksPerSecond / hz / 2));
        return new(color, [new LedSegment(true, half), new LedSegment(false, half)]);
    }

    /// <summary><paramref name="count"/> short blips at the start of every <paramref name="period"/>, dark for the rest.</summary>
    public static LedPattern Blips(LedColor color, int count, TimeSpan period)
    {
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, "A blip pattern needs at least one blip.");
        // Each blip and the gap after it take at most an equal share of the period.
        var blip = TimeSpan.FromTicks(Math.Min(BlipLength.Ticks, period.Ticks / (2 * count)));
        if (blip <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(period), period, "The blip period is too short for that many blips.");
        var segments = new List<LedSegment>(2 * count);
        for (var i = 0; i < count; i++)
        {
            segments.Add(new LedSegment(true, blip));
            segments.Add(new LedSegment(false, i < count - 1 ? blip : period - blip * (2 * count - 1)));
        }
        return new(color, segments);
    }

    /// <summary>One repetition of the segments.</summary>
    public TimeSpan Period => TimeSpan.FromTicks(Segments.Sum(s => s.Duration.Ticks));

    /// <summary>Whether the LED is lit <paramref name="sinceStart"/> after the pattern was first shown.</summary>
    public bool IsLitAt(TimeSpan sinceStart)
    {
        if (Color == LedColor.Off)
            return false;
        var t = sinceStart.Ticks % Period.Ticks;
        if (t < 0)
            t += Period.Ticks;
        foreach (var segment in Segments)
        {
            if (t < segment.Duration.Ticks)
                return segment.On;
            t -= segment.Duration.Ticks;
        }
        return false;
    }

    /// <summary>A short description, e.g. "green flashing 1 Hz", "blue 2 blips per 1 s", "off".</summary>
    public string Describe()
    {
        var lit = Segments.Count(s => s.On);
        var color = Color.ToString().ToLowerInvariant();
        if (Color == LedColor.Off || lit == 0)
            return "off";
        if (Segments.All(s => s.On))
            return $"{color} solid";
        var seconds = Period.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        if (lit == 1)
            return $"{color} flashing {(1 / Period.TotalSeconds).ToString("0.##", CultureInfo.InvariantCulture)} Hz";
        return $"{color} {lit} blips per {seconds} s";
    }

    public bool Equals(LedPattern? other) =>
        other is not null && Color == other.Color && Segments.SequenceEqual(other.Segments);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Color);
        foreach (var s in Segments)
            hash.Add(s);
        return hash.ToHashCode();
    }

    private static IReadOnlyList<LedSegment> Checked(IReadOnlyList<LedSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count == 0)
            throw new ArgumentException("An LED pattern needs at least one segment.", nameof(segments));
        if (segments.Any(s => s.Duration <= TimeSpan.Zero))
            throw new ArgumentException("Every LED segment must last a positive time.", nameof(segments));
        return segments.ToArray();
    }
}
