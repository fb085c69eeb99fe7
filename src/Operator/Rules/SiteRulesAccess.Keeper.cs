using Akka.Actor;
using SmartElek.Planning;
using static SmartElek.Actors.Planning.SiteRulesProtocol;
using static SmartElek.Planning.SiteRulesCommands;

namespace SmartElek.Operator.Rules;

/// <summary>
/// The conversation with the site's rules keeper (a cluster singleton, through this node's proxy
/// <see cref="KeeperProxyName"/>): commands answered with <see cref="RulesAnswer"/>, <see cref="GetRules"/>
/// and <see cref="GetPlan"/>. A refusal's field is renamed to the API request's own field.
/// </summary>
public sealed partial class SiteRulesAccess : IDriversListener
{
    /// <summary>Who the operator's app names as the author of the drivers it tells.</summary>
    public const string AppName = "operator-app";

    private async Task<T> AskAsync<T>(object message, CancellationToken cancel)
    {
        if (store.System is not { } system) throw new InvalidOperationException("this node is between cluster lives");
        return await system.ActorSelection($"/user/{KeeperProxyName}").Ask<T>(message, AnswerWithin, cancel);
    }

    private async Task<(T? Answer, string? Why)> TryAskAsync<T>(object message, CancellationToken cancel) where T : class
    {
        try
        {
            return (await AskAsync<T>(message, cancel), null);
        }
        catch (AskTimeoutException)
        {
            return (null, $"the site's rules keeper did not answer within {AnswerWithin.TotalSeconds:0} s");
        }
        catch (InvalidOperationException e)
        {
            return (null, e.Message);
        }
    }

    private async Task<(RulesDto? Rules, string? Why)> AskRulesAsync(CancellationToken cancel)
    {
        var (view, why) = await TryAskAsync<RulesView>(GetRules.Instance, cancel);
        return (view is null ? null : RulesReadModel.Rules(view), why);
    }

    private async Task<(PlanDto? Plan, string? Why)> AskPlanAsync(CancellationToken cancel)
    {
        var (rules, why) = await TryAskAsync<RulesView>(GetRules.Instance, cancel);
        if (rules is null) return (null, why);
        var (plan, planWhy) = await TryAskAsync<PlanView>(GetPlan.Instance, cancel);
        return plan is null ? (null, planWhy) : (RulesReadModel.Plan(plan, rules, settings.SiteZone), null);
    }

    /// <summary>Sends a command; the answer as an outcome, the refused field renamed by <paramref name="field"/>.</summary>
    private async Task<RuleOutcome> SendAsync(Command command, Func<string, string> field, string? madeId, CancellationToken cancel)
    {
        var (answer, why) = await TryAskAsync<RulesAnswer>(command, cancel);
        if (answer is null) return new RuleOutcome.Unavailable(why!);
        // A new timer's or budget's id is the keeper's: its answer names it.
        if (answer.Accepted) return new RuleOutcome.Done(madeId ?? answer.MadeId);
        var reason = answer.RefusedReason ?? "refused";
        if (answer.RefusedField is "timerId" or "budgetId" or "chargerId" && reason.StartsWith("there is no", StringComparison.Ordinal)
            || answer.RefusedField == "chargerId" && reason.Contains("has no departure target", StringComparison.Ordinal))
            return new RuleOutcome.Missing(char.ToUpperInvariant(reason[0]) + reason[1..] + ".");
        return new RuleOutcome.Refused(new Dictionary<string, string[]> { [field(answer.RefusedField ?? "")] = [reason] });
    }

    private static string TargetField(string field) => field switch
    {
        "kWh" => "energyKwh",
        "departure" => "by",
        "batteryKWh" or "batteryNowPercent" => "batteryToPercent",
        _ => field,
    };

    private static string Same(string field) => field;

    private Task<RuleOutcome> SendTargetAsync(DepartureTarget t, string by, CancellationToken cancel) =>
        SendAsync(new SetDepartureTarget(t.ChargerId, t.Departure.ToDateTimeOffset(), null, t.EnergyKWh, t.BatteryToPercent, t.BatteryNowPercent,
            t.BatteryKWh, null, t.Mode, by), TargetField, null, cancel);

    private Task<RuleOutcome> SendRemoveTargetAsync(string charger, string by, CancellationToken cancel) =>
        SendAsync(new ClearDepartureTarget(charger, by), Same, null, cancel);

    private Task<RuleOutcome> SendTimerAsync(string? id, WeeklyWindow w, string by, CancellationToken cancel) =>
        SendAsync(new SetTimer(id, w.Scope, w.Target, SmartElek.Tariffs.WeekdaySet.Format(w.Days), RuleRequests.Clock(w.From), RuleRequests.Clock(w.To),
            w.Effect, w.Effect == TimerEffect.Capped ? w.CapAmps : null, by), f => f == "timerId" ? "id" : f, id, cancel);

    private Task<RuleOutcome> SendRemoveTimerAsync(string id, string by, CancellationToken cancel) => SendAsync(new RemoveTimer(id, by), Same, null, cancel);

    private Task<RuleOutcome> SendBudgetAsync(string? id, EnergyBudget b, string by, CancellationToken cancel) =>
        SendAsync(new SetBudget(id, b.Scope, b.Name, b.Period, b.KWh, by), f => f switch { "kWh" => "kwh", "budgetId" => "id", _ => f }, id, cancel);

    private Task<RuleOutcome> SendRemoveBudgetAsync(string id, string by, CancellationToken cancel) => SendAsync(new RemoveBudget(id, by), Same, null, cancel);

    private Task<RuleOutcome> SendLiftBudgetAsync(string id, string by, CancellationToken cancel) =>
        SendAsync(new LiftBudget(id, by), f => f == "budgetId" ? "id" : f, null, cancel);

    private Task<RuleOutcome> SendSettingsAsync(ShortfallRule rule, string by, CancellationToken cancel) =>
        SendAsync(new SetShortfallRule(rule, by), f => f == "rule" ? "shortfallRule" : f, null, cancel);

    /// <summary>Tells the keeper whose session each charger's is (<see cref="SiteDrivers"/>); the keeper stores it only when it changed.</summary>
    public async Task SetDriversAsync(IReadOnlyList<ChargerDriver> drivers, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(drivers);
        var answer = await AskAsync<RulesAnswer>(new SetDrivers([.. drivers.Select(d => new SessionDriver(new ChargerId(d.Charger), d.Driver, d.Group))], AppName), cancel);
        if (!answer.Accepted) throw new InvalidOperationException($"the rules keeper refused the drivers: {answer.RefusedField}: {answer.RefusedReason}");
    }
}
