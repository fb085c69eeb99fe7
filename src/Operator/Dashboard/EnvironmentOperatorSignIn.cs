using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;

namespace SmartElek.Operator.Dashboard;

/// <summary>
/// Seam until the site's user store lands (issue 11, milestone 3 of the API): the first operator
/// from SMARTELEK_OPERATOR_USER / SMARTELEK_OPERATOR_PASSWORD. Compared in constant time; nothing logged.
/// </summary>
internal sealed class EnvironmentOperatorSignIn(OperatorApiSettings settings) : IDashboardSignIn
{
    public Task<ClaimsPrincipal?> CheckAsync(string user, string password, CancellationToken cancel)
    {
        var name = settings.Environment("SMARTELEK_OPERATOR_USER");
        var secret = settings.Environment("SMARTELEK_OPERATOR_PASSWORD");
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(secret)) return Task.FromResult<ClaimsPrincipal?>(null);
        var ok = Same(user, name) & Same(password, secret);
        return Task.FromResult(ok ? DashboardRoles.Principal(name, DashboardRoles.Operator, []) : null);
    }

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
