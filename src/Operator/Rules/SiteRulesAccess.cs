using NodaTime;
using SmartElek.Actors.SiteView;
using SmartElek.Charger.Sessions;
using SmartElek.Operator.Users;
using SmartElek.Site.Topology;
using SmartElek.Site.View;

namespace SmartElek.Operator.Rules;

/// <summary>What a change of the site's rules came to.</summary>
public abstract record RuleOutcome
{
    private RuleOutcome() { }

    /// <param name="Id">The id of what was made (a timer, a budget), else null.</param>
    public sealed record Done(string? Id) : RuleOutcome;

    /// <summary>Refused, nothing changed: each bad field with its reason.</summary>
    public sealed record Refused(IReadOnlyDictionary<string, string[]> Errors) : RuleOutcome;

    /// <summary>No such timer or budget (404).</summary>
    public sealed record Missing(string What) : RuleOutcome;

    /// <summary>The rules keeper could not be asked (503).</summary>
    public sealed record Unavailable(string Why) : RuleOutcome;

    public static RuleOutcome Invalid(Dictionary<string, string[]> errors) => new Refused(errors);
}

/// <summary>
/// The site's rules as the operator's app reads and changes them: every change is read by
/// <see cref="RuleRequests"/> against the live topology, the users and the tariffs' groups, then
/// asked of the site's rules keeper (a cluster singleton, wherever it runs; SiteRulesAccess.Keeper.cs).
/// The API and the dashboard both go through here; each checks the caller's rights first.
/// </summary>
public sealed partial class SiteRulesAccess(SiteViewStore store, OperatorApiSettings settings, UserStore users, TimeProvider clock, IServiceProvider services)
{
    public static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(10);

    private Instant Now => Instant.FromDateTimeOffset(clock.GetUtcNow());

    /// <summary>Timers, budgets (with their use this period) and the planning settings; or why they cannot be read.</summary>
    public Task<(RulesDto? Rules, string? Why)> RulesAsync(CancellationToken cancel) => AskRulesAsync(cancel);

    /// <summary>The site's current plan; or why it cannot be read.</summary>
    public Task<(PlanDto? Plan, string? Why)> PlanAsync(CancellationToken cancel) => AskPlanAsync(cancel);

    /// <summary>A departure target for the charger's session; a battery target takes the battery's size and estimated level from the charger's state.</summary>
    public async Task<RuleOutcome> SetTargetAsync(ChargerPlacement placement, TargetRequest request, string by, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(placement);
        var state = store.Current.Row(placement, clock.GetUtcNow()).Last;
        var level = state is { Session: not SessionPhase.NoVehicle } ? state.EvLevelPercent : (double?)null;
        var (target, errors) = RuleRequests.Target(request, placement.Id.Value, Now, settings.SiteZone, state?.Settings?.EvBatteryCapacityKwh, level);
        return target is null ? RuleOutcome.Invalid(errors) : await SendTargetAsync(target, by, cancel);
    }

    public Task<RuleOutcome> RemoveTargetAsync(ChargerPlacement placement, string by, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(placement);
        return SendRemoveTargetAsync(placement.Id.Value, by, cancel);
    }

    /// <summary>Adds a timer (<paramref name="id"/> null) or replaces one.</summary>
    public async Task<RuleOutcome> SaveTimerAsync(string? id, TimerRequest request, string by, CancellationToken cancel)
    {
        var topology = settings.Topology;
        var (window, errors) = RuleRequests.Timer(request, c => topology.ChargerById.ContainsKey(new ChargerId(c)), topology.Circuits.ContainsKey,
            UserEndpoints.KnownGroups(services));
        return window is null ? RuleOutcome.Invalid(errors) : await SendTimerAsync(id, window, by, cancel);
    }

    public Task<RuleOutcome> RemoveTimerAsync(string id, string by, CancellationToken cancel) => SendRemoveTimerAsync(id, by, cancel);

    /// <summary>Adds a budget (<paramref name="id"/> null) or replaces one.</summary>
    public async Task<RuleOutcome> SaveBudgetAsync(string? id, BudgetRequest request, string by, CancellationToken cancel)
    {
        var drivers = (await users.ListUsersAsync(cancel)).Where(u => u.Role == Roles.Driver).Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
        var (budget, errors) = RuleRequests.Budget(request, drivers.Contains, UserEndpoints.KnownGroups(services));
        return budget is null ? RuleOutcome.Invalid(errors) : await SendBudgetAsync(id, budget, by, cancel);
    }

    public Task<RuleOutcome> RemoveBudgetAsync(string id, string by, CancellationToken cancel) => SendRemoveBudgetAsync(id, by, cancel);

    public Task<RuleOutcome> LiftBudgetAsync(string id, string by, CancellationToken cancel) => SendLiftBudgetAsync(id, by, cancel);

    public async Task<RuleOutcome> SetSettingsAsync(PlanningSettingsDto request, string by, CancellationToken cancel)
    {
        var (rule, errors) = RuleRequests.Settings(request);
        return rule is null ? RuleOutcome.Invalid(errors) : await SendSettingsAsync(rule.Value, by, cancel);
    }
}
