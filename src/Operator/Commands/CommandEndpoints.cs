using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SmartElek.Actors.SiteView;
using SmartElek.Charger.Button;
using SmartElek.Operator.Api;
using SmartElek.Operator.Users;
using SmartElek.Site.View;
using static SmartElek.Actors.SiteView.ChargerCommandProtocol;

namespace SmartElek.Operator.Commands;

public sealed record CommandResultDto(bool Accepted, string? Reason);

public sealed record AvailabilityRequest(bool? Operative);

/// <param name="Action">reboot, restore-factory-settings (metering reset), factory-reset, firmware-update.</param>
/// <param name="Confirm">Must be true: these act on the charger as its SET button does.</param>
public sealed record SetActionRequest(string? Action, bool? Confirm);

/// <summary>The write side for one charger: settings, start and stop (operator, or the charger's driver), availability and SET actions (operator).</summary>
internal static class CommandEndpoints
{
    public static readonly IReadOnlyDictionary<string, SetButtonAction> Actions = new Dictionary<string, SetButtonAction>(StringComparer.Ordinal)
    {
        ["reboot"] = SetButtonAction.Reboot,
        ["restore-factory-settings"] = SetButtonAction.RestoreFactorySettings,
        ["factory-reset"] = SetButtonAction.FactoryResetAndLeaveNetwork,
        ["firmware-update"] = SetButtonAction.RequestFirmwareUpdate,
    };

    public static IEndpointRouteBuilder MapCommandEndpoints(this IEndpointRouteBuilder app)
    {
        var chargers = app.MapGroup("/api/chargers/{id}").WithTags("commands");
        chargers.MapPatch("/settings", UpdateSettingsAsync).RequireAuthorization(OperatorAuth.MayCommand)
            .WithName("UpdateSettings").WithSummary("Changes the given settings (name, auto-start, min/max current within 6-30 A and the charger's rating, EV battery); the allocation follows within a round");
        chargers.MapPost("/start", (string id, HttpContext http, OperatorApiSettings s, ChargerCommands c) =>
                SimpleAsync(id, http, s, c, ChargerCommandKind.Start)).RequireAuthorization(OperatorAuth.MayCommand)
            .WithName("StartCharging").WithSummary("Allows the plugged-in vehicle to charge");
        chargers.MapPost("/stop", (string id, HttpContext http, OperatorApiSettings s, ChargerCommands c) =>
                SimpleAsync(id, http, s, c, ChargerCommandKind.Stop)).RequireAuthorization(OperatorAuth.MayCommand)
            .WithName("StopCharging").WithSummary("Ends charging; the vehicle stays plugged in");
        chargers.MapPut("/availability", AvailabilityAsync).RequireAuthorization(OperatorAuth.OperatorOnly)
            .WithName("SetAvailability").WithSummary("Takes the charger out of service (a running session is stopped) or back in");
        chargers.MapPost("/actions", SetActionAsync).RequireAuthorization(OperatorAuth.OperatorOnly)
            .WithName("SetAction").WithSummary("The SET button's actions, confirmed: reboot, restore-factory-settings (metering reset), factory-reset, firmware-update");
        return app;
    }

    private static string By(HttpContext http) => http.User.Identity?.Name ?? "operator";

    private static async Task<IResult> UpdateSettingsAsync(string id, SettingsChangeDto change, HttpContext http, OperatorApiSettings settings,
        SiteViewStore store, ChargerCommands commands, TimeProvider clock)
    {
        if (!ChargerAccess.TryFind(settings.Topology, id, out var placement) || !ChargerAccess.Of(http).MaySee(placement.Id)) return SiteEndpoints.NotFound(id);
        var current = store.Current.Row(placement, clock.GetUtcNow()).Last?.Settings;
        if (current is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Settings not known yet",
                detail: $"Charger '{id}' has not told its settings yet; try again in a moment.");
        var (next, errors) = SettingsChange.Apply(current, change, placement.RatingAmps);
        if (next is null) return TypedResults.ValidationProblem(errors);
        var outcome = await commands.SendAsync(placement, new Request(placement.Id, ChargerCommandKind.UpdateSettings, By(http), Settings: next), http.RequestAborted);
        return outcome is ChargerCommands.Outcome.Answered { Reply: { Accepted: true, Settings: { } applied } }
            ? TypedResults.Ok(SiteReadModel.Settings(applied))
            : ChargerCommands.Failure(outcome, id);
    }

    private static async Task<IResult> SimpleAsync(string id, HttpContext http, OperatorApiSettings settings, ChargerCommands commands, ChargerCommandKind kind)
    {
        if (!ChargerAccess.TryFind(settings.Topology, id, out var placement) || !ChargerAccess.Of(http).MaySee(placement.Id)) return SiteEndpoints.NotFound(id);
        return Answer(await commands.SendAsync(placement, new Request(placement.Id, kind, By(http)), http.RequestAborted), id);
    }

    private static async Task<IResult> AvailabilityAsync(string id, AvailabilityRequest request, HttpContext http, OperatorApiSettings settings, ChargerCommands commands)
    {
        if (!ChargerAccess.TryFind(settings.Topology, id, out var placement)) return SiteEndpoints.NotFound(id);
        if (request.Operative is not { } operative)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["operative"] = ["is required: true (in service) or false (out of service)"] });
        return Answer(await commands.SendAsync(placement, new Request(placement.Id, ChargerCommandKind.SetAvailability, By(http), Operative: operative), http.RequestAborted), id);
    }

    private static async Task<IResult> SetActionAsync(string id, SetActionRequest request, HttpContext http, OperatorApiSettings settings, ChargerCommands commands)
    {
        if (!ChargerAccess.TryFind(settings.Topology, id, out var placement)) return SiteEndpoints.NotFound(id);
        var errors = new Dictionary<string, string[]>();
        if (request.Action is null || !Actions.TryGetValue(request.Action, out var action))
            errors["action"] = [$"'{request.Action}' is not one of {string.Join(", ", Actions.Keys)}"];
        if (request.Confirm != true) errors["confirm"] = ["must be true: the charger acts as if its SET button was used"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        return Answer(await commands.SendAsync(placement, new Request(placement.Id, ChargerCommandKind.SetAction, By(http), Action: Actions[request.Action!]), http.RequestAborted), id);
    }

    private static IResult Answer(ChargerCommands.Outcome outcome, string id) =>
        outcome is ChargerCommands.Outcome.Answered { Reply.Accepted: true } ? TypedResults.Ok(new CommandResultDto(true, null)) : ChargerCommands.Failure(outcome, id);
}
