using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;

namespace SmartElek.Operator.Users;

/// <summary>
/// First start of a site without users: no default password. The first operator comes from the
/// environment (SMARTELEK_OPERATOR_PASSWORD, with SMARTELEK_OPERATOR_USER or "operator"), or the
/// console shows a one-time setup link (random token, only its hash stored, single use, expiring).
/// </summary>
public static class FirstOperator
{
    public const string UserVariable = "SMARTELEK_OPERATOR_USER";
    public const string PasswordVariable = "SMARTELEK_OPERATOR_PASSWORD";

    /// <summary>Prepares the tables and, on a site without users, the first operator or the setup link (the link's text, to print once).</summary>
    public static async Task<string?> EnsureAsync(UserStore store, IPasswordHasher<OperatorUser> hasher, OperatorApiSettings settings,
        Func<string> baseUrl, DateTimeOffset now, ILogger log, CancellationToken cancel = default)
    {
        await store.EnsureSchemaAsync(cancel);
        if (await store.CountUsersAsync(cancel) > 0) return null;
        var password = settings.Environment(PasswordVariable);
        if (!string.IsNullOrEmpty(password))
        {
            var name = settings.Environment(UserVariable) is { Length: > 0 } n ? n : "operator";
            var errors = new Dictionary<string, string[]>();
            UserRules.Name(name, errors);
            UserRules.Password(password, errors, required: true);
            if (errors.Count > 0)
            {
                log.LogError("The first operator from {UserVariable}/{PasswordVariable} was not created: {Errors}", UserVariable, PasswordVariable,
                    string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}")));
                return null;
            }
            if (await store.CreateFirstOperatorAsync(name, hasher.HashPassword(new OperatorUser("", name, Roles.Operator, null, null, now), password), now, cancel) is not null)
                log.LogInformation("First start: operator '{Name}' created from {PasswordVariable}", name, PasswordVariable);
            return null;
        }
        var token = Secrets.NewToken("setup_");
        var expires = now + settings.SetupLinkLifetime;
        await store.CreateSetupLinkAsync(Secrets.Hash(token), expires, cancel);
        // The token is printed on the console for the person starting the site, never logged.
        log.LogWarning("First start: the site has no users. A one-time setup link is printed on the console (valid until {Expires:u}); or set {PasswordVariable}", expires, PasswordVariable);
        return $"First start: no users yet. Create the first operator (once, until {expires:u}) at {baseUrl()}/setup#{token}";
    }
}
