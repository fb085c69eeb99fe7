namespace SmartElek.Charger.Metering;

/// <summary>One sample of the metrology chip, at a time on the charger's monotonic clock.</summary>
public readonly record struct MeterReading(TimeSpan At, double Volts, double Amps, double ActivePowerW, double PowerFactor, double FrequencyHz);

/// <summary>
/// The charger's energy register in Wh. It never goes backwards (invariant 4): it integrates active power
/// between consecutive readings by the trapezoid rule, counts negative power as 0 and ignores a reading whose
/// time is not after the previous one or whose power is not a number. Only a factory-settings restore resets it.
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
            var hours = (reading.At - previous.At).TotalHours;
            Wh += (Math.Max(0, previous.ActivePowerW) + Math.Max(0, reading.ActivePowerW)) / 2 * hours;
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
