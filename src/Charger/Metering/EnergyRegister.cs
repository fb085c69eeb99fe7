namespace SmartElek.Charger.Metering;

/// <summary>One sample of the metrology chip, at a time on the charger's monotonic clock.</summary>
/// <param name="ActiveEnergyWh">
/// The chip's own active-energy accumulator since it powered up, Wh; NaN for a chip without one. The
/// chip integrates at its sampling rate, so energy between two reads is exact however late the second
/// read comes; the instantaneous power of two reads is not (a vehicle that stops just after one read
/// would be counted for half the gap).
/// </param>
public readonly record struct MeterReading(TimeSpan At, double Volts, double Amps, double ActivePowerW, double PowerFactor, double FrequencyHz,
    double ActiveEnergyWh = double.NaN);

/// <summary>
/// The charger's energy register in Wh. It never goes backwards (invariant 4). Between consecutive readings
/// it adds what the chip's accumulator moved by; when either reading has no accumulator value, or the
/// accumulator went down (the chip was reset), it integrates active power by the trapezoid rule instead,
/// counting negative power as 0. A reading whose time is not after the previous one, or whose power is not
/// a number, is ignored. Only a factory-settings restore resets it.
/// </summary>
public sealed class EnergyRegister
{
    private MeterReading? _previous;

    /// <param name="startWh">The value persisted before a restart, or 0 for a new unit.</param>
    public EnergyRegister(double startWh = 0)
    {
        if (!(startWh >= 0) || double.IsInfinity(startWh))
            throw new ArgumentOutOfRangeException(nameof(startWh), startWh, "An energy register starts at 0 Wh or more.");
        Wh = startWh;
    }

    public double Wh { get; private set; }

    /// <summary>The reading the next interval starts from; null before the first one or after a reset.</summary>
    public MeterReading? LastReading => _previous;

    public void Add(MeterReading reading)
    {
        if (!double.IsFinite(reading.ActivePowerW))
            return;
        if (_previous is { } previous)
        {
            if (reading.At <= previous.At)
                return;
            var accumulated = reading.ActiveEnergyWh - previous.ActiveEnergyWh;
            if (double.IsFinite(accumulated) && accumulated >= 0)
                Wh += accumulated;
            else
                Wh += (Math.Max(0, previous.ActivePowerW) + Math.Max(0, reading.ActivePowerW)) / 2 * (reading.At - previous.At).TotalHours;
        }
        _previous = reading;
    }

    /// <summary>Zeroes the register: only for "restore factory settings" (9 taps).</summary>
    public void Reset()
    {
        Wh = 0;
        _previous = null;
    }
}
