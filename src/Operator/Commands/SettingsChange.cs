using SmartElek.Charger.Settings;

namespace SmartElek.Operator.Commands;

/// <summary>A change of a charger's settings: only the fields given change (currents in A, capacity in kWh, level in %, km/kWh).</summary>
public sealed record SettingsChangeDto(string? Name, bool? AutoStart, double? MinCurrent, double? MaxCurrent, double? EvBatteryCapacityKwh,
    double? EvStartingLevelPercent, double? EvKmPerKwh);

/// <summary>Checks a settings change against the unit's rules and the charger's rating (pure).</summary>
public static class SettingsChange
{
    /// <summary>
    /// The settings after the change, or the errors keyed by the request's field names: each bad
    /// setting, a maximum below the minimum (named on the field the request changed), and currents
    /// above the charger's rating from the site topology.
    /// </summary>
    public static (ChargerSettings? Settings, Dictionary<string, string[]> Errors) Apply(ChargerSettings current, SettingsChangeDto change, double ratingAmps)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(change);
        var next = current with
        {
            Name = change.Name ?? current.Name,
            AutoStart = change.AutoStart ?? current.AutoStart,
            MinCurrent = change.MinCurrent ?? current.MinCurrent,
            MaxCurrent = change.MaxCurrent ?? current.MaxCurrent,
            EvBatteryCapacityKwh = change.EvBatteryCapacityKwh ?? current.EvBatteryCapacityKwh,
            EvStartingLevelPercent = change.EvStartingLevelPercent ?? current.EvStartingLevelPercent,
            EvKmPerKwh = change.EvKmPerKwh ?? current.EvKmPerKwh,
        };
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string reason)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(reason);
        }
        foreach (var error in next.Validate())
        {
            // The unit names a minimum above the maximum on MinCurrent; the caller who lowered the maximum hears it on maxCurrent.
            var field = error.Setting == nameof(ChargerSettings.MinCurrent) && next.MinCurrent > next.MaxCurrent && change.MaxCurrent is not null
                        && next.MinCurrent is >= ChargerSettings.LowestCurrent and <= ChargerSettings.HighestCurrent
                ? nameof(ChargerSettings.MaxCurrent)
                : error.Setting;
            var reason = field == error.Setting ? error.Reason : $"{next.MaxCurrent} A is below the minimum current {next.MinCurrent} A";
            Add(Camel(field), reason);
        }
        if (next.MaxCurrent > ratingAmps && next.MaxCurrent <= ChargerSettings.HighestCurrent)
            Add("maxCurrent", $"{next.MaxCurrent} A is above this charger's rating of {ratingAmps} A");
        if (next.MinCurrent > ratingAmps && next.MinCurrent <= ChargerSettings.HighestCurrent)
            Add("minCurrent", $"{next.MinCurrent} A is above this charger's rating of {ratingAmps} A");
        return errors.Count == 0 ? (next, []) : (null, errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    public static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
