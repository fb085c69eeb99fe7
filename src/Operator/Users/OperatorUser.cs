using System.Security.Cryptography;
using System.Text;

namespace SmartElek.Operator.Users;

/// <summary>The three roles of the operator's app: operator (everything), driver (their own chargers), viewer (read-only).</summary>
public static class Roles
{
    /// <summary>Everything: users, circuits, commissioning, every charger.</summary>
    public const string Operator = "operator";
    /// <summary>Only the chargers assigned to them: see, start and stop, their settings.</summary>
    public const string Driver = "driver";
    /// <summary>Reads everything, changes nothing.</summary>
    public const string Viewer = "viewer";

    public static readonly IReadOnlyList<string> All = [Operator, Driver, Viewer];
}

/// <summary>A user of the site. <see cref="PasswordHash"/> is ASP.NET Core's PasswordHasher format (PBKDF2), never the password.</summary>
/// <param name="IdTag">A driver's RFID idTag, so sessions can be attributed to them.</param>
/// <param name="Group">A driver group of the site's tariffs (residents, guests, fleet): its tariff, timers and budgets apply.</param>
public sealed record OperatorUser(string Id, string Name, string Role, string? PasswordHash, string? IdTag, DateTimeOffset CreatedAt, string? Group = null);

/// <summary>An API token's record: only the SHA-256 of the token is kept; the token itself is shown once.</summary>
public sealed record ApiToken(string Id, string UserId, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Random secrets and their hashes at rest.</summary>
public static class Secrets
{
    /// <summary>A new random secret (256 bits, URL-safe), with a prefix that makes a leaked one recognisable.</summary>
    public static string NewToken(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The SHA-256 of a token as lower-case hex: what the database holds. Tokens are random, so no salt or slow KDF is needed.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string NewId() => Guid.NewGuid().ToString("N");
}
