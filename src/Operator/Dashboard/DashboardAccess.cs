using System.Security.Claims;
using SmartElek.Operator.Api;
using SmartElek.Actors.SiteView;
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

    /// <summary>
    /// The user's access as the site's database has it now, not as the session's claims had it at
    /// login: an open page of a user demoted, removed or unassigned since loses those rights.
    /// </summary>
    public static async Task<DashboardAccess> OfAsync(ClaimsPrincipal user, UserStore store, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(store);
        var current = user.UserId() is { } id ? await store.FindByIdAsync(id, cancel) : null;
        return current?.Role switch
        {
            Roles.Operator or Roles.Viewer => new(current.Role, ChargerAccess.All),
            Roles.Driver => new(current.Role, ChargerAccess.Only(await store.AssignmentsAsync(current.Id, cancel))),
            _ => Nobody,
        };
    }

    /// <summary>Whether a command of <paramref name="kind"/> on <paramref name="charger"/> is allowed: the API's policies.</summary>
    public bool Allows(ChargerCommandKind kind, ChargerId charger) => kind switch
    {
        ChargerCommandKind.SetAction or ChargerCommandKind.SetAvailability => IsOperator,
        _ => MayCommand && Chargers.MaySee(charger),
    };
}
