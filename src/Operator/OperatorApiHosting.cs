using SmartElek.Actors.ReadSide;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SmartElek.Actors.Site;
using SmartElek.Actors.SiteView;
using Microsoft.AspNetCore.Identity;
using SmartElek.Operator.Api;
using SmartElek.Operator.Commands;
using SmartElek.Operator.Users;

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
        builder.Services.AddOperatorAuth(settings);
        builder.Services.AddSingleton<ChargerCommands>();
        builder.Services.AddSingleton<SiteAggregates>();
        builder.Services.AddSingleton(new ReadStore(settings.Storage, settings.Environment, siteZone: settings.SiteZone));
        builder.Services.AddSingleton(sp => new SessionCostsLive(sp.GetRequiredService<ReadStore>(), sp.GetService<SmartElek.Tariffs.LiveTariffs>(),
            settings.SiteZone, sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<SessionCostsLive>>()));
        // Session costs by the driver's group (the Host's default prices every session at the default tariff).
        builder.Services.AddSingleton<SmartElek.Actors.ReadSide.ISessionGroups>(sp =>
            new Api.UserSessionGroups(sp.GetRequiredService<UserStore>()));
        builder.Services.AddSingleton(settings.Live);
        builder.Services.AddSingleton(new Commissioning.LiveTopologyAccess(settings.Live));
        builder.Services.AddSingleton<Commissioning.TopologyChanges>();
        builder.Services.AddSingleton<Rules.SiteRulesAccess>();
        builder.Services.AddSingleton<Rules.IDriversListener>(sp => sp.GetRequiredService<Rules.SiteRulesAccess>());
        builder.Services.AddSingleton<Rules.SiteDrivers>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Rules.SiteDrivers>());
        builder.Services.AddOpenApi("v1");
        return builder;
    }

    /// <summary>Maps the endpoints; call once on the built application.</summary>
    public static WebApplication MapOperatorApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseOperatorAuth();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapAuthEndpoints();
        app.MapUserEndpoints();
        app.MapSiteEndpoints();
        app.MapCommandEndpoints();
        app.MapSessionEndpoints();
        Commissioning.CommissioningEndpoints.MapCommissioningEndpoints(app);
        Rules.RulesEndpoints.MapRulesEndpoints(app);
        app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(() => StartUsersAsync(app)));
        return app;
    }

    /// <summary>The addresses Kestrel really listens on (a configured port 0 becomes a real one).</summary>
    public static IReadOnlyList<string> Addresses(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    // The users' tables (and on a first start the first operator or the setup link) before the
    // address is announced; a database that does not answer yet is tried again in the background.
    private static async Task StartUsersAsync(WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SmartElek.Operator");
        var settings = app.Services.GetRequiredService<OperatorApiSettings>();
        var store = app.Services.GetRequiredService<UserStore>();
        var hasher = app.Services.GetRequiredService<IPasswordHasher<OperatorUser>>();
        var clock = app.Services.GetRequiredService<TimeProvider>();
        string? setupLink = null;
        var announced = false;
        for (var attempt = 1; !app.Lifetime.ApplicationStopping.IsCancellationRequested; attempt++)
        {
            try
            {
                setupLink = await FirstOperator.EnsureAsync(store, hasher, settings, () => Addresses(app.Services).FirstOrDefault() ?? settings.Url,
                    clock.GetUtcNow(), log, app.Lifetime.ApplicationStopping);
                break;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or IOException or InvalidOperationException or TimeoutException)
            {
                if (attempt == 1) log.LogWarning("Users: the site's database does not answer yet ({Reason}); sign-in waits for it, retrying every 5 s", e.Message);
                if (!announced) AnnounceAddresses(app);
                announced = true;
                try { await Task.Delay(TimeSpan.FromSeconds(5), app.Lifetime.ApplicationStopping); }
                catch (OperationCanceledException) { return; }
            }
        }
        // The link is a secret, not a log line: on stderr, so that stdout stays the log stream (one
        // JSON object per line in the JSON format) that collectors keep.
        if (setupLink is not null) await System.Console.Error.WriteLineAsync(setupLink);
        if (!announced) AnnounceAddresses(app);
    }

    private static void AnnounceAddresses(WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SmartElek.Operator");
        foreach (var address in Addresses(app.Services))
            log.LogInformation("Operator dashboard and API at {Url}/ (OpenAPI: {Url}{OpenApi})", address, address, OpenApiPath);
    }
}
