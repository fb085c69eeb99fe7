using SmartElek.Operator.Users;

namespace SmartElek.Operator.Api;

/// <summary>
/// Whose a charging session was, from who authorised it: a start from the API or the dashboard is
/// authorised by the user's name; a start at the charger through OCPP by <c>ocpp:</c> and the idTag
/// the driver presented (their RFID card). Pure.
/// </summary>
public sealed class SessionAttribution
{
    public const string OcppPrefix = "ocpp:";

    private readonly Dictionary<string, OperatorUser> _byName;
    private readonly Dictionary<string, OperatorUser> _byIdTag;

    public SessionAttribution(IEnumerable<OperatorUser> users)
    {
        var all = users.ToList();
        _byName = all.ToDictionary(u => u.Name, StringComparer.Ordinal);
        // idTags are compared as OCPP compares them: case-insensitively.
        _byIdTag = all.Where(u => u.IdTag is { Length: > 0 }).GroupBy(u => u.IdTag!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The user a session is attributed to, or null (auto-start, an unknown tag, a removed user).</summary>
    public OperatorUser? Of(string? authorisedBy) => authorisedBy switch
    {
        null or "" => null,
        _ when authorisedBy.StartsWith(OcppPrefix, StringComparison.Ordinal) =>
            _byIdTag.GetValueOrDefault(authorisedBy[OcppPrefix.Length..]),
        _ => _byName.GetValueOrDefault(authorisedBy),
    };
}
