using SmartElek.Actors.ReadSide;
using SmartElek.Operator.Users;

namespace SmartElek.Operator.Api;

/// <summary>
/// The drivers' groups for session costs, from the users: the user a session is attributed to (as
/// <see cref="SessionAttribution"/> attributes it: their name, or their idTag through OCPP) and that user's group.
/// Unattributed sessions (auto-start, an unknown tag) have no group: the default tariff.
/// <c>AddOperatorApi</c> registers it after the Host's <see cref="NoSessionGroups"/>, which it replaces.
/// </summary>
public sealed class UserSessionGroups(UserStore users, Func<OperatorUser, string?> groupOf) : ISessionGroups
{
    public async Task<string?> GroupOfAsync(string? authorisedBy, CancellationToken cancel)
    {
        if (string.IsNullOrEmpty(authorisedBy)) return null;
        var user = new SessionAttribution(await users.ListUsersAsync(cancel)).Of(authorisedBy);
        return user is null ? null : groupOf(user);
    }
}
