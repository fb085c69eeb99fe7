using Microsoft.AspNetCore.Components.Authorization;
using SmartElek.Operator.Rules;
using SmartElek.Operator.Users;
using SmartElek.Site.Topology;

namespace SmartElek.Operator.Dashboard;

/// <summary>
/// The dashboard's changes of the site's rules (one per circuit), with the API's rights read from the
/// site's database at the moment of the change: a target on a charger the user may command; timers,
/// budgets and the shortfall rule by operators.
/// </summary>
public sealed class DashboardRules(SiteRulesAccess rules, UserStore users, AuthenticationStateProvider authentication)
{
    private async Task<(DashboardAccess Access, string Name)> WhoAsync(CancellationToken cancel)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        return (await DashboardAccess.OfAsync(user, users, cancel), user.Identity?.Name ?? "");
    }

    private static RuleOutcome NotAllowed(DashboardAccess access, string what) =>
        new RuleOutcome.Unavailable(access == DashboardAccess.Nobody
            ? "Your account no longer exists; sign in again."
            : $"Your role ({access.Role}) does not allow {what}; reload the page.");

    public async Task<RuleOutcome> SetTargetAsync(ChargerPlacement placement, TargetRequest request, CancellationToken cancel)
    {
        var (access, name) = await WhoAsync(cancel);
        return access.MayCommand && access.Chargers.MaySee(placement.Id)
            ? await rules.SetTargetAsync(placement, request, name, cancel)
            : NotAllowed(access, $"a target on {placement.Id}");
    }

    public async Task<RuleOutcome> RemoveTargetAsync(ChargerPlacement placement, CancellationToken cancel)
    {
        var (access, name) = await WhoAsync(cancel);
        return access.MayCommand && access.Chargers.MaySee(placement.Id)
            ? await rules.RemoveTargetAsync(placement, name, cancel)
            : NotAllowed(access, $"a target on {placement.Id}");
    }

    /// <summary>Any other change (timers, budgets, the shortfall rule): operators only.</summary>
    /// <param name="change">Given the rules and the user's name.</param>
    public async Task<RuleOutcome> AsOperatorAsync(Func<SiteRulesAccess, string, Task<RuleOutcome>> change, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(change);
        var (access, name) = await WhoAsync(cancel);
        return access.IsOperator ? await change(rules, name) : NotAllowed(access, "changing the site's rules");
    }
}
