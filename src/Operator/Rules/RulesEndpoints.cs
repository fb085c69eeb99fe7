using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SmartElek.Operator.Api;
using SmartElek.Operator.Users;

namespace SmartElek.Operator.Rules;

/// <summary>
/// Departure targets, the site's plan, weekly timers, energy budgets and the shortfall rule. Thin:
/// each request is read by <see cref="RuleRequests"/> and asked of the site's rules keeper through
/// <see cref="SiteRulesAccess"/>; a refusal is a 400 naming the field. Targets: a driver on their own
/// chargers, an operator on any; every other change: operators; reads: every role (a driver: their
/// own chargers' plans and their own budgets).
/// </summary>
internal static class RulesEndpoints
{
    public static IEndpointRouteBuilder MapRulesEndpoints(this IEndpointRouteBuilder app)
    {
        var target = app.MapGroup("/api/chargers/{id}").WithTags("planning");
        target.MapGet("/target", GetTargetAsync).RequireAuthorization(OperatorAuth.MayRead)
            .Produces<TargetDto>().WithName("GetTarget").WithSummary("The charger's departure target (404 when it has none)");
        target.MapPut("/target", SetTargetAsync).RequireAuthorization(OperatorAuth.MayCommand)
            .Produces<TargetDto>().ProducesValidationProblem().WithName("SetTarget").WithSummary("Sets the departure target: energyKwh or batteryToPercent, by HH:MM (site's clock) or an ISO instant, mode cheapest (default) or fastest; the site plans again");
        target.MapDelete("/target", RemoveTargetAsync).RequireAuthorization(OperatorAuth.MayCommand)
            .WithName("RemoveTarget").WithSummary("Removes the departure target: the charger charges as the site shares its circuits");
        target.MapGet("/plan", GetChargerPlanAsync).RequireAuthorization(OperatorAuth.MayRead)
            .Produces<PlanDto>().WithName("GetChargerPlan").WithSummary("The charger's plan: amps per quarter hour, expected finish, cost and what charging now would cost, and the rules' cap now with its reason");

        var read = app.MapGroup("/api").WithTags("planning").RequireAuthorization(OperatorAuth.MayRead);
        read.MapGet("/plan", GetPlanAsync)
            .Produces<PlanDto>().WithName("GetPlan").WithSummary("The site's plan: its quarter hours and, for every charger with a target the caller may see, amps per quarter hour, finish, cost, charge-now cost and any miss in words");
        read.MapGet("/timers", async (SiteRulesAccess rules, CancellationToken cancel) => Read(await rules.RulesAsync(cancel), r => r.Timers))
            .Produces<List<TimerDto>>().WithName("ListTimers").WithSummary("Every weekly timer window (scope, days, from-to on the site's clock, effect, cap)");
        read.MapGet("/budgets", ListBudgetsAsync)
            .Produces<List<BudgetDto>>().WithName("ListBudgets").WithSummary("Energy budgets with their use and what remains this period (a driver: their own and their group's)");
        read.MapGet("/planning/settings", async (SiteRulesAccess rules, CancellationToken cancel) => Read(await rules.RulesAsync(cancel), r => r.Settings))
            .Produces<PlanningSettingsDto>().WithName("GetPlanningSettings").WithSummary("How a shortfall is shared: earliestDepartureFirst or proportional");

        var write = app.MapGroup("/api").WithTags("planning").RequireAuthorization(OperatorAuth.OperatorOnly);
        write.MapPost("/timers", (TimerRequest r, HttpContext http, SiteRulesAccess rules, CancellationToken cancel) => Created("timers", rules.SaveTimerAsync(null, r, By(http), cancel)))
            .Produces<RuleChangedDto>(StatusCodes.Status201Created).ProducesValidationProblem().WithName("AddTimer").WithSummary("Adds a weekly timer window for a charger, a circuit or a driver group: allowed, blocked, or capped at capAmps");
        write.MapPut("/timers/{timerId}", async (string timerId, TimerRequest r, HttpContext http, SiteRulesAccess rules, CancellationToken cancel) => Answer(await rules.SaveTimerAsync(timerId, r, By(http), cancel)))
            .ProducesValidationProblem().WithName("UpdateTimer").WithSummary("Replaces a timer window");
        write.MapDelete("/timers/{timerId}", async (string timerId, HttpContext http, SiteRulesAccess rules, CancellationToken cancel) => Answer(await rules.RemoveTimerAsync(timerId, By(http), cancel)))
            .WithName("RemoveTimer").WithSummary("Removes a timer window");
        write.MapPost("/budgets", (BudgetRequest r, HttpContext http, SiteRulesAccess rules, CancellationToken cancel) => Created("budgets", rules.SaveBudgetAsync(null, r, By(http), cancel)))
            .Produces<RuleChangedDto>(StatusCodes.Status201Created).ProducesValidationProblem().WithName("AddBudget").WithSummary("Adds an energy budget: kwh per day, week or month for a driver (user name) or a driver group");
        write.MapPut("/budgets/{budgetId}", async (string budgetId, BudgetRequest r, HttpContext http, SiteRulesAccess rules, CancellationToken cancel) => Answer(await rules.SaveBudgetAsync(budgetId, r, By(http), cancel)))
            .ProducesValidationProblem().WithName("UpdateBudget").WithSummary("Replaces an energy budget");
        write.MapDelete("/budgets/{budgetId}", async (string budgetId, HttpContext http, SiteRulesAccess rules, CancellationToken cancel) => Answer(await rules.RemoveBudgetAsync(budgetId, By(http), cancel)))
            .WithName("RemoveBudget").WithSummary("Removes an energy budget");
        write.MapPost("/budgets/{budgetId}/lift", async (string budgetId, HttpContext http, SiteRulesAccess rules, CancellationToken cancel) => Answer(await rules.LiftBudgetAsync(budgetId, By(http), cancel)))
            .ProducesValidationProblem().WithName("LiftBudget").WithSummary("Lifts a budget until its period turns: the chargers it paused charge again");
        write.MapPut("/planning/settings", async (PlanningSettingsDto r, HttpContext http, SiteRulesAccess rules, CancellationToken cancel) => Answer(await rules.SetSettingsAsync(r, By(http), cancel)))
            .ProducesValidationProblem().WithName("SetPlanningSettings").WithSummary("Sets how a shortfall is shared: earliestDepartureFirst or proportional; the site plans again");
        return app;
    }

    private static async Task<IResult> GetTargetAsync(string id, HttpContext http, OperatorApiSettings settings, SiteRulesAccess rules, CancellationToken cancel)
    {
        if (!ChargerAccess.TryFind(settings.Topology, id, out var placement) || !ChargerAccess.Of(http).MaySee(placement.Id)) return SiteEndpoints.NotFound(id);
        var (plan, why) = await rules.PlanAsync(cancel);
        if (plan is null) return Unavailable(why);
        return plan.Chargers.FirstOrDefault(c => c.Charger == id)?.Target is { } target
            ? TypedResults.Ok(target)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No target", detail: $"Charger '{id}' has no departure target.");
    }

    private static async Task<IResult> SetTargetAsync(string id, TargetRequest request, HttpContext http, OperatorApiSettings settings, SiteRulesAccess rules, CancellationToken cancel)
    {
        if (!ChargerAccess.TryFind(settings.Topology, id, out var placement) || !ChargerAccess.Of(http).MaySee(placement.Id)) return SiteEndpoints.NotFound(id);
        var outcome = await rules.SetTargetAsync(placement, request, By(http), cancel);
        if (outcome is not RuleOutcome.Done) return Answer(outcome);
        var (plan, _) = await rules.PlanAsync(cancel);
        return plan?.Chargers.FirstOrDefault(c => c.Charger == id)?.Target is { } target ? TypedResults.Ok(target) : TypedResults.NoContent();
    }

    private static async Task<IResult> RemoveTargetAsync(string id, HttpContext http, OperatorApiSettings settings, SiteRulesAccess rules, CancellationToken cancel)
    {
        if (!ChargerAccess.TryFind(settings.Topology, id, out var placement) || !ChargerAccess.Of(http).MaySee(placement.Id)) return SiteEndpoints.NotFound(id);
        return Answer(await rules.RemoveTargetAsync(placement, By(http), cancel));
    }

    private static async Task<IResult> GetPlanAsync(HttpContext http, SiteRulesAccess rules, CancellationToken cancel)
    {
        var (plan, why) = await rules.PlanAsync(cancel);
        if (plan is null) return Unavailable(why);
        var access = ChargerAccess.Of(http);
        return TypedResults.Ok(plan with { Chargers = [.. plan.Chargers.Where(c => access.MaySee(new ChargerId(c.Charger)))] });
    }

    private static async Task<IResult> GetChargerPlanAsync(string id, HttpContext http, OperatorApiSettings settings, SiteRulesAccess rules, CancellationToken cancel)
    {
        if (!ChargerAccess.TryFind(settings.Topology, id, out var placement) || !ChargerAccess.Of(http).MaySee(placement.Id)) return SiteEndpoints.NotFound(id);
        var (plan, why) = await rules.PlanAsync(cancel);
        if (plan is null) return Unavailable(why);
        return TypedResults.Ok(plan with { Chargers = [.. plan.Chargers.Where(c => c.Charger == id)] });
    }

    private static async Task<IResult> ListBudgetsAsync(HttpContext http, SiteRulesAccess rules, UserStore users, CancellationToken cancel)
    {
        var (all, why) = await rules.RulesAsync(cancel);
        if (all is null) return Unavailable(why);
        if (!http.User.IsInRole(Roles.Driver)) return TypedResults.Ok(all.Budgets.ToList());
        var me = http.User.UserId() is { } userId ? await users.FindByIdAsync(userId, cancel) : null;
        return TypedResults.Ok(all.Budgets.Where(b => me is not null && ((b.Scope == "driver" && b.Name == me.Name) || (b.Scope == "group" && b.Name == me.Group))).ToList());
    }

    private static string By(HttpContext http) => http.User.Identity?.Name ?? "operator";

    private static IResult Read<T>((RulesDto? Rules, string? Why) read, Func<RulesDto, T> part) =>
        read.Rules is { } rules ? TypedResults.Ok(part(rules)) : Unavailable(read.Why);

    private static async Task<IResult> Created(string what, Task<RuleOutcome> change)
    {
        var outcome = await change;
        return outcome is RuleOutcome.Done { Id: { } id } ? TypedResults.Created($"/api/{what}/{id}", new RuleChangedDto(id)) : Answer(outcome);
    }

    public static IResult Answer(RuleOutcome outcome) => outcome switch
    {
        RuleOutcome.Done d when d.Id is null => TypedResults.NoContent(),
        RuleOutcome.Done { Id: { } id } => TypedResults.Ok(new RuleChangedDto(id)),
        RuleOutcome.Refused r => TypedResults.ValidationProblem(r.Errors),
        RuleOutcome.Missing m => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: m.What),
        RuleOutcome.Unavailable u => Unavailable(u.Why),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError),
    };

    private static IResult Unavailable(string? why) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Site rules unavailable", detail: why ?? "the site's rules keeper did not answer");
}

/// <summary>What a change made: the timer's or budget's id.</summary>
public sealed record RuleChangedDto(string Id);
