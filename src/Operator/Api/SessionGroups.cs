using SmartElek.Actors.ReadSide;
using SmartElek.Operator.Users;

namespace SmartElek.Operator.Api;

/// <summary>
/// The drivers' groups for session costs, from the users, by the rule the site's budgets and plans follow
/// (<see cref="SessionAttribution.DriverOf"/>): the user who authorised the session (their name, or their idTag through
/// OCPP), else the driver the charger is assigned to; that driver's group. A session of neither (auto-start on
/// a charger no driver has, an unknown tag) has no group: the default tariff. Asked once per authorisation.
/// <c>AddOperatorApi</c> registers it after the Host's <see cref="NoSessionGroups"/>, which it replaces.
/// </summary>
public sealed class UserSessionGroups(UserStore users) : ISessionGroups
{
    public async Task<string?> GroupOfAsync(ChargerId charger, string? authorisedBy, CancellationToken cancel) =>
        new SessionAttribution(await users.ListUsersAsync(cancel), await users.AllAssignmentsAsync(cancel)).DriverOf(charger.Value, authorisedBy)?.Group;
}
