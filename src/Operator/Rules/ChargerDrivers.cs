using SmartElek.Operator.Api;
using SmartElek.Operator.Users;

namespace SmartElek.Operator.Rules;

/// <summary>Whose session a charger's is, for the site's rules: the driver's name and driver group.</summary>
public sealed record ChargerDriver(string Charger, string Driver, string? Group);

/// <summary>
/// Which driver each charger's session belongs to (pure), by <see cref="SessionAttribution.DriverOf"/>: the user
/// who started the running session, else the driver the charger is assigned to. A charger with neither belongs to
/// no one: no driver's budget or group applies.
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
        var attribution = new SessionAttribution(users, assignments);
        var drivers = new List<ChargerDriver>();
        foreach (var charger in attribution.AssignedChargers.Union(runningBy.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
            if (attribution.DriverOf(charger, runningBy.GetValueOrDefault(charger)) is { } driver)
                drivers.Add(new ChargerDriver(charger, driver.Name, driver.Group));
        return drivers;
    }
}
