using SmartElek.Actors.ReadSide;
using SmartElek.Operator.Users;

namespace SmartElek.Operator.Api;

/// <summary>
/// The drivers' groups for session costs, from the users: the user a session is attributed to (as
/// <see cref="SessionAttribution"/> attributes it: their name, or their idTag through OCPP) and that user's group.
/// Unattributed sessions (auto-start, an unknown tag) have no group: the default tariff.
/// To plug it in once users have a group, register it in <c>AddOperatorApi</c>:
/// <c>services.AddSingleton&lt;ISessionGroups&gt;(sp =&gt; new UserSessionGroups(sp.GetRequiredService&lt;UserStore&gt;(), u =&gt; u.Group))</c>
/// (it then replaces the Host's <see cref="NoSessionGroups"/>).
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
