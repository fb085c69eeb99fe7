using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SmartElek.Operator.Api;

/// <summary>The read side of the API: the site, its circuits and chargers.</summary>
internal static class SiteEndpoints
{
    public static IEndpointRouteBuilder MapSiteEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("site");
        api.MapGet("/site", (OperatorApiSettings settings) => TypedResults.Ok(new SiteDto(
                settings.Topology.Name, settings.Topology.Phases.ToString(), settings.Topology.Chargers.Count, settings.Topology.Circuits.Count)))
            .WithName("GetSite").WithSummary("The site at a glance");
        return app;
    }
}
