using SmartElek.Operator.Api;
using SmartElek.Operator.Users;

namespace SmartElek.Operator.Rules;

/// <summary>Whose session a charger's is, for the site's rules: the driver's name and driver group.</summary>
public sealed record ChargerDriver(string Charger, string Driver, string? Group);

/// <summary>
/// Which driver each charger's session belongs to (pure): the user who started the running session
/// (by name from the app, or by the idTag presented at the charger), else the driver the charger is
/// assigned to (when several are, the first by name, so that the answer does not depend on the
/// database's row order). A charger with neither belongs to no one: no driver's budget or group applies.
/// </summary>
public static class ChargerDrivers
{
    /// <param name="assignments">Each driver's assigned chargers, by user id.</param>
    /// <param name="runningBy">Who authorised each charger's running session (<c>SessionRecord.AuthorisedBy</c>), by charger.</param>
    public static IReadOnlyList<ChargerDriver> Of(IReadOnlyList<OperatorUser> users, IReadOnlyDictionary<string, IReadOnlyList<string>> assignments,
        IReadOnlyDictionary<string, string?> runningBy)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(assignments);
        ArgumentNullException.ThrowIfNull(runningBy);
        var attribution = new SessionAttribution(users);
        var byCharger = new SortedDictionary<string, OperatorUser>(StringComparer.Ordinal);
        foreach (var driver in users.Where(u => u.Role == Roles.Driver).OrderBy(u => u.Name, StringComparer.Ordinal))
            foreach (var charger in assignments.GetValueOrDefault(driver.Id) ?? [])
                byCharger.TryAdd(charger, driver);
        foreach (var (charger, by) in runningBy)
            if (attribution.Of(by) is { } starter) byCharger[charger] = starter;
        return [.. byCharger.Select(p => new ChargerDriver(p.Key, p.Value.Name, p.Value.Group))];
    }
}
