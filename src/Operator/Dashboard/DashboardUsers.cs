using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace SmartElek.Operator.Dashboard;

/// <summary>The dashboard's roles (issue 11): operator does everything, driver sees and commands only their chargers, viewer only reads.</summary>
public static class DashboardRoles
{
    public const string Operator = "operator";
    public const string Driver = "driver";
    public const string Viewer = "viewer";

    /// <summary>A claim per charger assigned to a driver.</summary>
    public const string ChargerClaim = "smartelek:charger";

    public static bool MayWrite(ClaimsPrincipal user) => user.IsInRole(Operator) || user.IsInRole(Driver);

    public static bool IsOperator(ClaimsPrincipal user) => user.IsInRole(Operator);

    public static ClaimsPrincipal Principal(string name, string role, IEnumerable<string> chargers) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role), .. chargers.Select(c => new Claim(ChargerClaim, c))],
            CookieAuthenticationDefaults.AuthenticationScheme));
}

/// <summary>Checks a login; null for a wrong name or password (the page says only that).</summary>
public interface IDashboardSignIn
{
    Task<ClaimsPrincipal?> CheckAsync(string user, string password, CancellationToken cancel);
}
