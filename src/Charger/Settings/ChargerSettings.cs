namespace SmartElek.Charger.Settings;

/// <summary>One setting that is out of bounds, and why.</summary>
public sealed record SettingError(string Setting, string Reason)
{
    public override string ToString() => $"{Setting}: {Reason}";
}

/// <summary>Settings that failed validation; <see cref="Errors"/> names every bad setting.</summary>
public sealed class InvalidSettingsException(IReadOnlyList<SettingError> errors)
    : Exception("Invalid charger settings: " + string.Join("; ", errors))
{
    public IReadOnlyList<SettingError> Errors { get; } = errors;
}

/// <summary>
/// What the owner sets in the app. Currents in A, capacity in kWh, level in %, efficiency of the vehicle in km/kWh.
/// </summary>
public sealed record ChargerSettings(
    string Name,
    bool AutoStart,
    double MinCurrent,
    double MaxCurrent,
    double EvBatteryCapacityKwh,
    double EvStartingLevelPercent,
    double EvKmPerKwh)
{
    public const int NameMaxLength = 64;
    /// <summary>J1772 cannot offer less.</summary>
    public const double LowestCurrent = 6.0;
    /// <summary>The unit's continuous rating.</summary>
    public const double HighestCurrent = 30.0;
    public const double LowestCapacityKwh = 1.0;
    public const double HighestCapacityKwh = 250.0;
    public const double HighestKmPerKwh = 20.0;

    public static ChargerSettings Factory { get; } = new("SmartElek", true, 6, 30, 60, 20, 6);

    /// <summary>Every setting that is out of bounds; empty when the settings are valid.</summary>
    public IReadOnlyList<SettingError> Validate()
    {
        var errors = new List<SettingError>();
        if (string.IsNullOrWhiteSpace(Name))
            errors.Add(new(nameof(Name), "must not be empty"));
        else if (Name.Length > NameMaxLength)
            errors.Add(new(nameof(Name), $"is {Name.Length} characters, at most {NameMaxLength} allowed"));
        var currentsOk = true;
        if (!(MinCurrent is >= LowestCurrent and <= HighestCurrent))
        {
            errors.Add(new(nameof(MinCurrent), $"{MinCurrent} A is outside {LowestCurrent}–{HighestCurrent} A"));
            currentsOk = false;
        }
        if (!(MaxCurrent is >= LowestCurrent and <= HighestCurrent))
        {
            errors.Add(new(nameof(MaxCurrent), $"{MaxCurrent} A is outside {LowestCurrent}–{HighestCurrent} A"));
            currentsOk = false;
        }
        if (currentsOk && MinCurrent > MaxCurrent)
            errors.Add(new(nameof(MinCurrent), $"{MinCurrent} A is above the maximum current {MaxCurrent} A"));
        if (!(EvBatteryCapacityKwh is >= LowestCapacityKwh and <= HighestCapacityKwh))
            errors.Add(new(nameof(EvBatteryCapacityKwh), $"{EvBatteryCapacityKwh} kWh is outside {LowestCapacityKwh}–{HighestCapacityKwh} kWh"));
        if (!(EvStartingLevelPercent is >= 0 and <= 100))
            errors.Add(new(nameof(EvStartingLevelPercent), $"{EvStartingLevelPercent} % is outside 0–100 %"));
        if (!(EvKmPerKwh is > 0 and <= HighestKmPerKwh))
            errors.Add(new(nameof(EvKmPerKwh), $"{EvKmPerKwh} km/kWh must be above 0 and at most {HighestKmPerKwh}"));
        return errors;
    }

    /// <summary>These settings, or <see cref="InvalidSettingsException"/> naming every bad one.</summary>
    public ChargerSettings ValidOrThrow()
    {
        var errors = Validate();
        return errors.Count == 0 ? this : throw new InvalidSettingsException(errors);
    }
}

/// <summary>The app's approximate battery level and range: from the owner's input and the energy delivered.</summary>
public static class BatteryEstimate
{
    /// <summary>
    /// Level and range after <paramref name="energyDeliveredKwh"/> has been delivered in this session, of which
    /// <paramref name="chargingEfficiency"/> reaches the battery. The level is capped at 100 %.
    /// </summary>
    public static (double LevelPercent, double RangeKm) After(ChargerSettings s, double energyDeliveredKwh, double chargingEfficiency = 0.9)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!(energyDeliveredKwh >= 0) || double.IsInfinity(energyDeliveredKwh))
            throw new ArgumentOutOfRangeException(nameof(energyDeliveredKwh), energyDeliveredKwh, "Delivered energy must be 0 kWh or more.");
        if (!(chargingEfficiency is > 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(chargingEfficiency), chargingEfficiency, "Charging efficiency must be above 0 and at most 1.");
        var errors = s.Validate();
        if (errors.Count > 0)
            throw new InvalidSettingsException(errors);
        var level = Math.Min(100.0, s.EvStartingLevelPercent + energyDeliveredKwh * chargingEfficiency / s.EvBatteryCapacityKwh * 100.0);
        var rangeKm = level / 100.0 * s.EvBatteryCapacityKwh * s.EvKmPerKwh;
        return (level, rangeKm);
    }
}
