using System.Security.Claims;
using SmartElek.Operator.Api;

namespace SmartElek.Operator.Dashboard;

/// <summary>What a signed-in user may see and do on the dashboard, from their role (the API's <see cref="ChargerAccess"/> for the chargers).</summary>
public sealed record DashboardAccess(ChargerAccess Chargers, bool MayCommand, bool IsOperator)
{
    public static DashboardAccess Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsInRole(DashboardRoles.Operator)) return new(ChargerAccess.All, true, true);
        if (user.IsInRole(DashboardRoles.Driver))
            return new(ChargerAccess.Only(user.FindAll(DashboardRoles.ChargerClaim).Select(c => c.Value)), true, false);
        if (user.IsInRole(DashboardRoles.Viewer)) return new(ChargerAccess.All, false, false);
        // Signed in without a known role: nothing to see.
        return new(ChargerAccess.Only([]), false, false);
    }
}
