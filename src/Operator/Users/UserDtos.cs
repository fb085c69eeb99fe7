namespace SmartElek.Operator.Users;

public sealed record LoginRequest(string? Name, string? Password);

/// <param name="AntiforgeryToken">For a browser session: send it as X-XSRF-TOKEN with every change.</param>
/// <param name="Group">The user's driver group (residents, guests, fleet: config/tariffs.json's groups), if any.</param>
public sealed record MeDto(string Id, string Name, string Role, string? IdTag, IReadOnlyList<string>? Chargers, string? AntiforgeryToken, string? Group = null);

/// <param name="Chargers">A driver's assigned chargers (null for other roles).</param>
/// <param name="Group">The driver group (a group of the site's tariffs): its tariff, timers and budgets apply to the user's sessions.</param>
public sealed record UserDto(string Id, string Name, string Role, string? IdTag, IReadOnlyList<string>? Chargers, DateTimeOffset CreatedAt, string? Group = null);

public sealed record CreateUserRequest(string? Name, string? Role, string? Password, string? IdTag, string? Group = null);

/// <summary>Only the fields given change; an empty idTag or group removes it.</summary>
public sealed record UpdateUserRequest(string? Role, string? Password, string? IdTag, string? Group = null);

public sealed record AssignChargersRequest(IReadOnlyList<string>? Chargers);

public sealed record CreateTokenRequest(string? Name);

/// <param name="Token">Shown this once: only its SHA-256 is kept.</param>
public sealed record TokenCreatedDto(string Id, string Name, string Token, DateTimeOffset CreatedAt);

public sealed record TokenDto(string Id, string UserId, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

public sealed record SetupRequest(string? Token, string? Name, string? Password);

/// <summary>What a user may be called, what a password must be: errors by field.</summary>
public static class UserRules
{
    public const int MinPasswordLength = 10;

    public static void Name(string? name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(name)) errors["name"] = ["is required"];
        else if (name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
            errors["name"] = ["at most 64 letters, digits, '.', '-', '_' or '@'"];
    }

    public static void Password(string? password, Dictionary<string, string[]> errors, bool required)
    {
        if (password is null)
        {
            if (required) errors["password"] = ["is required"];
        }
        else if (password.Length < MinPasswordLength || password.Length > 200)
            errors["password"] = [$"must be {MinPasswordLength} to 200 characters long"];
    }

    public static void Role(string? role, Dictionary<string, string[]> errors, bool required)
    {
        if (role is null)
        {
            if (required) errors["role"] = ["is required"];
        }
        else if (!Roles.All.Contains(role)) errors["role"] = [$"'{role}' is not one of {string.Join(", ", Roles.All)}"];
    }

    /// <summary>A driver group: one of the site's tariff groups (empty: none).</summary>
    public static void Group(string? group, IReadOnlyCollection<string> known, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(group) || known.Contains(group)) return;
        errors["group"] = [known.Count == 0
            ? $"'{group}' is not a driver group: the site's tariffs (Site:Tariffs) name no groups"
            : $"'{group}' is not one of the site's driver groups: {string.Join(", ", known.Order(StringComparer.Ordinal))}"];
    }

    /// <summary>An OCPP 1.6 idTag: at most 20 characters.</summary>
    public static void IdTag(string? idTag, Dictionary<string, string[]> errors)
    {
        if (idTag is { Length: > 20 }) errors["idTag"] = ["an OCPP idTag has at most 20 characters"];
    }
}
