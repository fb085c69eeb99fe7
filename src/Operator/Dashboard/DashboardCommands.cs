using Microsoft.AspNetCore.Components.Authorization;
using SmartElek.Actors.SiteView;
using SmartElek.Operator.Commands;
using SmartElek.Operator.Users;
using SmartElek.Site.Topology;

namespace SmartElek.Operator.Dashboard;

/// <summary>
/// The dashboard's way to send a command (one per circuit): the signed-in user's rights are read
/// from the site's database at the moment of the command, so a page opened before the user was
/// demoted or unassigned cannot still command what the API would refuse.
/// </summary>
public sealed class DashboardCommands(ChargerCommands commands, UserStore users, AuthenticationStateProvider authentication)
{
    public async Task<ChargerCommands.Outcome> SendAsync(ChargerPlacement placement, ChargerCommandProtocol.Request request, CancellationToken cancel)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        var access = await DashboardAccess.OfAsync(user, users, cancel);
        if (!access.Allows(request.Kind, placement.Id))
            return new ChargerCommands.Outcome.NotAllowed(access == DashboardAccess.Nobody
                ? "Your account no longer exists; sign in again."
                : $"Your role ({access.Role}) does not allow this on {placement.Id} any more; reload the page.");
        return await commands.SendAsync(placement, request, cancel);
    }
}
