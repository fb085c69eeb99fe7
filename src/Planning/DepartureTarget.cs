using NodaTime;

namespace SmartElek.Planning;

/// <summary>How a target is charged: in the cheapest slots before departure (default), or as fast as the site allows.</summary>
public enum ChargeMode { Cheapest, Fastest }

/// <summary>
/// A driver's (or the operator's) target for a session: "N kWh, or battery to X %, by HH:MM".
/// Energy is counted at the meter; a battery target needs the battery's size and state of charge,
/// and the charger's efficiency (grid to battery, 0.9 unless said).
/// </summary>
public sealed record DepartureTarget(
    string ChargerId,
    Instant Departure,
    double? EnergyKWh = null,
    double? BatteryToPercent = null,
    double? BatteryNowPercent = null,
    double? BatteryKWh = null,
    double Efficiency = 0.9,
    ChargeMode Mode = ChargeMode.Cheapest,
    string? Driver = null,
    string? Group = null)
{
    /// <summary>The energy to deliver from the meter, or the reason the target cannot be read.</summary>
    public double MeterEnergyKWh()
    {
        if (EnergyKWh is { } kwh)
            return kwh >= 0 && double.IsFinite(kwh) ? kwh : throw new ArgumentException($"target energy must be at least 0 kWh, not {kwh}");
        if (BatteryToPercent is not { } to || BatteryNowPercent is not { } now || BatteryKWh is not { } size)
            throw new ArgumentException("a target needs either kWh, or battery to %, the battery's % now and its size in kWh");
        if (to is < 0 or > 100 || now is < 0 or > 100) throw new ArgumentException($"battery percentages must be 0-100, not {now} to {to}");
        if (!(size > 0)) throw new ArgumentException($"battery size must be above 0 kWh, not {size}");
        if (!(Efficiency is > 0 and <= 1)) throw new ArgumentException($"efficiency must be above 0 and at most 1, not {Efficiency}");
        return Math.Max(0, (to - now) / 100 * size / Efficiency);
    }

    /// <summary>Slots from <paramref name="planStart"/> that end no later than the departure.</summary>
    public int SlotsBefore(Instant planStart) =>
        Departure <= planStart ? 0 : (int)((Departure - planStart).BclCompatibleTicks / SiteClock.Slot.BclCompatibleTicks);
}
