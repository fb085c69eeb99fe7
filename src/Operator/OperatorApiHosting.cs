using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SmartElek.Actors.Site;
using SmartElek.Actors.SiteView;
using SmartElek.Operator.Api;

namespace SmartElek.Operator;

/// <summary>Puts the operator's app (HTTP API; later the dashboard) into the Host's web application.</summary>
public static class OperatorApiHosting
{
    /// <summary>The path of the OpenAPI document (stable: clients and tests read it).</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    /// <summary>Kestrel on <see cref="OperatorApiSettings.Url"/>, JSON by source generation, problem details, OpenAPI.</summary>
    public static WebApplicationBuilder AddOperatorApi(this WebApplicationBuilder builder, OperatorApiSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        builder.WebHost.UseKestrelCore().UseUrls(settings.Url);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        // This node's view of the whole site, kept by actors in every life of its cluster system.
        builder.Services.AddSingleton<SiteViewStore>();
        builder.Services.AddSingleton<ISiteLifeService>(sp => new SiteViewLife(sp.GetRequiredService<SiteViewStore>()));
        builder.Services.AddRouting();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, OperatorJson.Default));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi("v1");
        return builder;
    }

    /// <summary>Maps the endpoints; call once on the built application.</summary>
    public static WebApplication MapOperatorApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapSiteEndpoints();
        app.Lifetime.ApplicationStarted.Register(() => AnnounceAddresses(app));
        return app;
    }

    /// <summary>The addresses Kestrel really listens on (a configured port 0 becomes a real one).</summary>
    public static IReadOnlyList<string> Addresses(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    private static void AnnounceAddresses(WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SmartElek.Operator");
        foreach (var address in Addresses(app.Services))
            log.LogInformation("Operator dashboard and API at {Url}/ (OpenAPI: {Url}{OpenApi})", address, address, OpenApiPath);
    }
}
