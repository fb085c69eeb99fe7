using SmartElek.Operator.Users;

namespace SmartElek.Operator.Api;

/// <summary>
/// Whose a charging session is, one rule for the session list, its cost's tariff and the site's budgets and
/// plans. Who authorised it: a start from the API or the dashboard is authorised by the user's name; a start at
/// the charger through OCPP by <c>ocpp:</c> and the idTag the driver presented (their RFID card). A session no
/// user authorised (auto-start, an unknown tag) is the session of the driver the charger is assigned to (when
/// several are, the first by name, so that the answer does not depend on the database's row order). Pure.
/// </summary>
public sealed class SessionAttribution
{
    public const string OcppPrefix = "ocpp:";

    private readonly Dictionary<string, OperatorUser> _byName;
    private readonly Dictionary<string, OperatorUser> _byIdTag;
    private readonly SortedDictionary<string, OperatorUser> _byCharger = new(StringComparer.Ordinal);

    /// <param name="assignments">Each user's assigned chargers, by user id; only drivers' count.</param>
    public SessionAttribution(IEnumerable<OperatorUser> users, IReadOnlyDictionary<string, IReadOnlyList<string>>? assignments = null)
    {
        var all = users.ToList();
        _byName = all.ToDictionary(u => u.Name, StringComparer.Ordinal);
        // idTags are compared as OCPP compares them: case-insensitively.
        _byIdTag = all.Where(u => u.IdTag is { Length: > 0 }).GroupBy(u => u.IdTag!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        foreach (var driver in all.Where(u => u.Role == Roles.Driver).OrderBy(u => u.Name, StringComparer.Ordinal))
            foreach (var charger in assignments?.GetValueOrDefault(driver.Id) ?? [])
                _byCharger.TryAdd(charger, driver);
    }

    /// <summary>The user who authorised a session, or null (auto-start, an unknown tag, a removed user).</summary>
    public OperatorUser? Of(string? authorisedBy) => authorisedBy switch
    {
        null or "" => null,
        _ when authorisedBy.StartsWith(OcppPrefix, StringComparison.Ordinal) =>
            _byIdTag.GetValueOrDefault(authorisedBy[OcppPrefix.Length..]),
        _ => _byName.GetValueOrDefault(authorisedBy),
    };

    /// <summary>The driver of a session on <paramref name="charger"/>: who authorised it, else the charger's own driver; null: nobody's.</summary>
    public OperatorUser? DriverOf(string charger, string? authorisedBy) => Of(authorisedBy) ?? _byCharger.GetValueOrDefault(charger);

    /// <summary>The chargers assigned to a driver, each with its first driver by name.</summary>
    public IEnumerable<string> AssignedChargers => _byCharger.Keys;
}
