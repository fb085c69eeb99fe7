using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SmartElek.Actors.Site;
using SmartElek.Operator.Users;
using SmartElek.Site.Commissioning;
using static SmartElek.Site.Commissioning.TopologyCommands;

namespace SmartElek.Operator.Commissioning;

/// <summary>
/// Commissioning: the live topology (exported in config/site.json's shape), permit-join, pending
/// units, placing and removing chargers, adding and editing circuits. Reads for everyone signed in;
/// every change for operators only. Each change is validated by the rules of config/site.json; a
/// refusal is a 400 naming the field.
/// </summary>
internal static class CommissioningEndpoints
{
    public static IEndpointRouteBuilder MapCommissioningEndpoints(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api").WithTags("commissioning").RequireAuthorization(OperatorAuth.MayRead);
        read.MapGet("/topology", (LiveTopology live) =>
                Results.Text(SpecEdits.ToJson(live.Current.Topology.Spec), "application/json"))
            .WithName("ExportTopology").WithSummary("The live topology in config/site.json's shape (save it as the file to seed another site)");
        read.MapGet("/commissioning", (LiveTopology live, TimeProvider clock, IServiceProvider services) => TypedResults.Ok(Dto(live.Current, clock.GetUtcNow(), services)))
            .WithName("GetCommissioning").WithSummary("The topology version, permit-join, units waiting to join (pending), removed chargers, the branches to place on");

        var write = app.MapGroup("/api").WithTags("commissioning").RequireAuthorization(OperatorAuth.OperatorOnly);
        write.MapPost("/commissioning/permit-join", (PermitJoinRequest r, TopologyChanges changes, CancellationToken cancel) =>
                r.Minutes is not { } minutes || !double.IsFinite(minutes)
                    ? Task.FromResult<IResult>(TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["minutes"] = ["is required: how long permit-join stays open (1-60)"] }))
                    : SendAsync(changes, new OpenPermitJoin(TimeSpan.FromMinutes(minutes)), cancel))
            .WithName("OpenPermitJoin").WithSummary("Opens permit-join for the given minutes: units not in the topology announce themselves and show as pending");
        write.MapDelete("/commissioning/permit-join", (TopologyChanges changes, CancellationToken cancel) => SendAsync(changes, new ClosePermitJoin(), cancel))
            .WithName("ClosePermitJoin").WithSummary("Closes permit-join");
        write.MapPost("/commissioning/chargers", PlaceAsync)
            .WithName("PlaceCharger").WithSummary("Places a (pending) charger on a branch circuit, existing or new, and optionally assigns it to a driver");
        write.MapDelete("/commissioning/chargers/{id}", (string id, TopologyChanges changes, CancellationToken cancel) => SendAsync(changes, new RemoveCharger(id), cancel))
            .WithName("RemoveCharger").WithSummary("Takes a charger out of the topology: it is offered 0 A; its amps go to others after its lease and the 5 s window");
        write.MapPut("/circuits/{id}", (string id, CircuitRequest r, TopologyChanges changes, CancellationToken cancel) =>
                r.RatingAmps is not { } rating
                    ? Task.FromResult<IResult>(TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["ratingAmps"] = ["is required: the breaker rating in amps"] }))
                    : SendAsync(changes, new SetCircuit(id, r.ParentId, rating, r.LineLimitAmps), cancel))
            .WithName("SetCircuit").WithSummary("Adds a circuit under parentId, or changes a circuit's rating and per-line limits; a lowered limit lowers grants first");
        write.MapPost("/demo/units", async (IServiceProvider services, CancellationToken cancel) =>
                services.GetService<IUnitSimulator>() is { } simulator
                    ? Results.Ok(new PoweredUpDto(await simulator.PowerUpAsync(cancel)))
                    : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No simulator", detail: "This site runs no simulated units."))
            .WithName("PowerUpSimulatedUnit").WithSummary("Demo: the simulator powers up a new unit, in no topology: it waits to join");
        return app;
    }

    static CommissioningDto Dto(TopologySnapshot s, DateTimeOffset now, IServiceProvider services) => new(
        s.Version, s.PermitJoinOpen(now), s.PermitJoinUntil,
        [.. s.Pending.Where(p => !s.Topology.ChargerById.ContainsKey(p.Charger)).Select(p => new PendingChargerDto(p.Charger.Value, p.Node, p.FirstSeen, p.LastSeen))],
        [.. s.Removed.Select(r => r.Id.Value)],
        [.. s.Topology.CircuitsInOrder.Where(c => c.ChildIds.Count == 0 && c.ParentId is not null)
            .Select(c => new BranchDto(c.Id, c.ParentId, c.RatingAmps, [.. c.ChargerIds.Select(id => id.Value)]))],
        [.. s.Topology.CircuitsInOrder.Where(c => c.ChargerIds.Count == 0 && (c.ChildIds.Count > 0 || c.ParentId is null)).Select(c => c.Id)],
        services.GetService<IUnitSimulator>() is not null);

    static async Task<IResult> PlaceAsync(PlaceChargerRequest r, TopologyChanges changes, UserStore users, Rules.SiteDrivers drivers, CancellationToken cancel)
    {
        var errors = new Dictionary<string, string[]>();
        if (r.RatingAmps is null) errors["ratingAmps"] = ["is required: the charger's rating in amps (a SmartElek #4500: 30)"];
        if (r.NewBranch is { RatingAmps: null }) errors["newBranch.ratingAmps"] = ["is required: the new branch breaker's rating in amps"];
        OperatorUser? driver = null;
        if (!string.IsNullOrWhiteSpace(r.DriverId))
        {
            driver = await users.FindByIdAsync(r.DriverId, cancel);
            if (driver is null) errors["driverId"] = [$"there is no user '{r.DriverId}'"];
            else if (driver.Role != Roles.Driver) errors["driverId"] = [$"'{driver.Name}' is a {driver.Role}: only drivers have chargers assigned"];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var branch = r.NewBranch is { } b ? new NewBranch(b.ParentId, b.RatingAmps!.Value, b.LineLimitAmps) : null;
        var result = await SendAsync(changes, new PlaceCharger(r.ChargerId, r.CircuitId, r.RatingAmps!.Value, r.Lines, r.FailSafeAmps ?? 0, branch), cancel);
        if (driver is not null && result is Microsoft.AspNetCore.Http.HttpResults.Ok<TopologyChangedDto>)
        {
            var assigned = (await users.AssignmentsAsync(driver.Id, cancel)).Append(r.ChargerId!.Trim()).Distinct(StringComparer.Ordinal).ToList();
            await users.SetAssignmentsAsync(driver.Id, assigned, cancel);
            drivers.Changed();
        }
        return result;
    }

    static async Task<IResult> SendAsync(TopologyChanges changes, Command command, CancellationToken cancel) =>
        await changes.SendAsync(command, cancel) switch
        {
            TopologyChanges.Outcome.Done d => TypedResults.Ok(new TopologyChangedDto(d.Version)),
            TopologyChanges.Outcome.Refused r => TypedResults.ValidationProblem(r.Errors),
            TopologyChanges.Outcome.Unavailable u => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Topology unavailable", detail: u.Why),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError),
        };
}
