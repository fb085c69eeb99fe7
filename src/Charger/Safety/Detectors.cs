namespace SmartElek.Charger.Safety;

/// <summary>
/// Over-current: metered current above offer x 1.1 + 0.5 A for longer than the vehicle's 5 s
/// response window plus a margin. Measured against the offer in force now, so a vehicle that
/// follows a lower offer within its window is never faulted.
/// </summary>
public sealed record OverCurrentDetector(TimeSpan Window, TimeSpan? ExceedingSince)
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(7);

    public static readonly OverCurrentDetector Initial = new(DefaultWindow, null);

    public static double LimitFor(double offeredAmps) => offeredAmps * 1.1 + 0.5;

    /// <returns>The next detector and whether the fault is due now.</returns>
    public (OverCurrentDetector Next, bool Fault) Observe(TimeSpan at, double meteredAmps, double offeredAmps)
    {
        if (meteredAmps <= LimitFor(offeredAmps))
            return (this with { ExceedingSince = null }, false);
        var since = ExceedingSince ?? at;
        return (this with { ExceedingSince = since }, at - since > Window);
    }
}

/// <summary>The supply range: 208-240 V nominal with a tolerance, 50 or 60 Hz.</summary>
public sealed record GridLimits(double MinVolts, double MaxVolts, double FrequencyToleranceHz)
{
    /// <summary>208 V - 10 % and 240 V + 10 %; +-1 Hz.</summary>
    public static readonly GridLimits Default = new(187.2, 264.0, 1.0);

    public FaultKind? Check(double volts, double frequencyHz)
    {
        if (volts > MaxVolts) return FaultKind.OverVoltage;
        if (volts < MinVolts) return FaultKind.UnderVoltage;
        var near50 = Math.Abs(frequencyHz - 50) <= FrequencyToleranceHz;
        var near60 = Math.Abs(frequencyHz - 60) <= FrequencyToleranceHz;
        return near50 || near60 ? null : FaultKind.FrequencyOutOfRange;
    }
}

public enum ThermalLevel { Normal, Half, Quarter, Stop }

/// <summary>Over-temperature derating with hysteresis: each step down needs the temperature below its threshold minus the hysteresis.</summary>
public sealed record ThermalDerating(double HalfAtCelsius, double QuarterAtCelsius, double StopAtCelsius, double HysteresisCelsius)
{
    public static readonly ThermalDerating Default = new(70, 80, 90, 5);

    public static double Factor(ThermalLevel level) => level switch
    {
        ThermalLevel.Normal => 1.0,
        ThermalLevel.Half => 0.5,
        ThermalLevel.Quarter => 0.25,
        _ => 0.0,
    };

    public ThermalLevel Next(ThermalLevel current, double celsius)
    {
        var rising = celsius >= StopAtCelsius ? ThermalLevel.Stop
            : celsius >= QuarterAtCelsius ? ThermalLevel.Quarter
            : celsius >= HalfAtCelsius ? ThermalLevel.Half
            : ThermalLevel.Normal;
        if (rising >= current)
            return rising;
        // Falling: leave a level only once below its threshold minus the hysteresis.
        var level = current;
        while (level > ThermalLevel.Normal && celsius < Threshold(level) - HysteresisCelsius)
            level--;
        return level;
    }

    private double Threshold(ThermalLevel level) => level switch
    {
        ThermalLevel.Half => HalfAtCelsius,
        ThermalLevel.Quarter => QuarterAtCelsius,
        ThermalLevel.Stop => StopAtCelsius,
        _ => double.NegativeInfinity,
    };
}
