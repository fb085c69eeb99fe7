using System.Security.Claims;
using SmartElek.Operator.Api;
using SmartElek.Operator.Users;

namespace SmartElek.Operator.Dashboard;

/// <summary>
/// What a signed-in user may see and do on the dashboard: the same rules as the API's policies
/// (<see cref="OperatorAuth"/>) and its <see cref="ChargerAccess"/> (a driver: the chargers assigned to them).
/// </summary>
public sealed record DashboardAccess(string Role, ChargerAccess Chargers)
{
    public static DashboardAccess Nobody { get; } = new("", ChargerAccess.Only([]));

    /// <summary>Start, stop and settings (the API's <see cref="OperatorAuth.MayCommand"/>).</summary>
    public bool MayCommand => Role is Roles.Operator or Roles.Driver;

    /// <summary>Availability and the SET actions (<see cref="OperatorAuth.OperatorOnly"/>).</summary>
    public bool IsOperator => Role == Roles.Operator;

    public bool SeesWholeSite => ReferenceEquals(Chargers, ChargerAccess.All);

    public static async Task<DashboardAccess> OfAsync(ClaimsPrincipal user, UserStore store, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(store);
        var role = Roles.All.FirstOrDefault(user.IsInRole);
        return role switch
        {
            Roles.Operator or Roles.Viewer => new(role, ChargerAccess.All),
            Roles.Driver when user.UserId() is { } id => new(role, ChargerAccess.Only(await store.AssignmentsAsync(id, cancel))),
            _ => Nobody,
        };
    }
}
