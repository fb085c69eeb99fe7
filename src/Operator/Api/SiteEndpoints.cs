using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SmartElek.Actors.SiteView;
using SmartElek.Site.View;

namespace SmartElek.Operator.Api;

/// <summary>The read side of the API: the site, its circuits and chargers, from this node's site view.</summary>
internal static class SiteEndpoints
{
    public const int MaxPageSize = 200;
    public const int DefaultPageSize = 50;

    public static IEndpointRouteBuilder MapSiteEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("site").RequireAuthorization(Users.OperatorAuth.MayRead);
        api.MapGet("/site", (SiteAggregates aggregates) => TypedResults.Ok(aggregates.Site()))
            .WithName("GetSite").WithSummary("The site at a glance: chargers live, unreachable or unknown, the nodes and the allocator, as this node sees them");
        api.MapGet("/circuits", (SiteAggregates aggregates) => TypedResults.Ok(aggregates.Circuits()))
            .WithName("GetCircuits").WithSummary("Every circuit with each line's load (granted, may draw, drawn) against its limit");
        api.MapGet("/chargers", ListChargers)
            .WithName("ListChargers").WithSummary("Chargers in topology order: filter by circuit (and everything under it), search id or name, page through them");
        api.MapGet("/chargers/{id}", GetCharger)
            .WithName("GetCharger").WithSummary("One charger: its live state, faults with how they clear, settings, estimated battery level and range, and the allocator's grant");
        return app;
    }

    private static Results<Ok<ChargerPageDto>, ValidationProblem> ListChargers(
        OperatorApiSettings settings, SiteViewStore store, TimeProvider clock, HttpContext http,
        string? circuit = null, string? search = null, string? reach = null, string? page = null, string? pageSize = null)
    {
        var errors = new Dictionary<string, string[]>();
        var topology = settings.Topology;
        if (circuit is not null && !topology.Circuits.ContainsKey(circuit))
            errors["circuit"] = [$"'{circuit}' is not a circuit of site '{topology.Name}'"];
        if (search is { Length: > 100 }) errors["search"] = [$"is {search.Length} characters, at most 100 allowed"];
        if (reach is not null && reach is not ("live" or "unreachable" or "unknown")) errors["reach"] = [$"'{reach}' is not one of live, unreachable, unknown"];
        var pageNumber = ParseInt(page, "page", 1, int.MaxValue, 1, errors);
        var size = ParseInt(pageSize, "pageSize", 1, MaxPageSize, DefaultPageSize, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var now = clock.GetUtcNow();
        var access = ChargerAccess.Of(http);
        var under = circuit is null ? null : SmartElek.Site.Topology.SiteTopology.ChargersUnder(topology, topology.Circuits[circuit!]).Select(c => c.Id).ToHashSet();
        var rows = topology.Chargers
            .Where(c => access.MaySee(c.Id) && (under is null || under.Contains(c.Id)))
            .Select(c => store.Current.Row(c, now))
            .Where(r => reach is null || Reach(r) == reach)
            .Where(r => string.IsNullOrEmpty(search) || r.Placement.Id.Value.Contains(search, StringComparison.OrdinalIgnoreCase)
                        || (r.Last?.Name.Contains(search, StringComparison.OrdinalIgnoreCase) ?? false))
            .ToList();
        var items = rows.Skip((int)Math.Min(int.MaxValue, (long)(pageNumber - 1) * size)).Take(size).Select(r => SiteReadModel.Summary(r, now)).ToList();
        return TypedResults.Ok(new ChargerPageDto(rows.Count, pageNumber, size, items));
    }

    private static Results<Ok<ChargerDetailDto>, ProblemHttpResult> GetCharger(
        string id, OperatorApiSettings settings, SiteViewStore store, TimeProvider clock, HttpContext http)
    {
        if (!ChargerAccess.TryFind(settings.Topology, id, out var placement) || !ChargerAccess.Of(http).MaySee(placement.Id))
            return NotFound(id);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(SiteReadModel.Detail(store.Current.Row(placement, now), now));
    }

    /// <summary>The same answer for a charger that does not exist and one the caller may not see: nothing leaks.</summary>
    public static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such charger", detail: $"There is no charger '{id}' you may see.");

    private static string Reach(ChargerRow r) => r.Reach switch { ChargerReach.Live => "live", ChargerReach.Unreachable => "unreachable", _ => "unknown" };

    private static int ParseInt(string? text, string field, int min, int max, int fallback, Dictionary<string, string[]> errors)
    {
        if (text is null) return fallback;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        errors[field] = [$"'{text}' must be a whole number in {min}..{max}"];
        return fallback;
    }
}
