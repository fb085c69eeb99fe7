using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SmartElek.Actors.Planning;
using SmartElek.Actors.Site;
using SmartElek.Actors.SiteView;
using SmartElek.Host.Storage;
using SmartElek.Tariffs;
using HostOptions = SmartElek.Host.Configuration.HostOptions;

namespace SmartElek.Host.Planning;

public static class SitePlanningHosting
{
    /// <summary>
    /// Adds the site's rules and planning (docs/planning.md): the rules keeper and its planner as a singleton in every
    /// life of the node's cluster system (they read the node's live topology, site view and tariffs), and the day-ahead
    /// price feed's refresh. Needs the node's <see cref="LiveTariffs"/>, <see cref="LiveTopology"/> and
    /// <see cref="SiteViewStore"/> registered (the Host and the operator's API do).
    /// </summary>
    public static IServiceCollection AddSitePlanning(this IServiceCollection services, HostOptions options, string configFolder)
    {
        var zone = SiteTime.ZoneOf(options.Site);
        services.AddSingleton<ISiteLifeService>(sp =>
        {
            var topology = sp.GetRequiredService<LiveTopology>();
            var view = sp.GetRequiredService<SiteViewStore>();
            return new SiteRulesLife(new SiteRulesSettings(zone, () => topology.Current.Topology, () => LiveChargers.From(view.Current),
                sp.GetRequiredService<LiveTariffs>()));
        });
        services.AddHostedService(sp => new PriceFeedRefresh(sp.GetRequiredService<LiveTariffs>(), configFolder,
            sp.GetRequiredService<ILogger<PriceFeedRefresh>>()));
        return services;
    }
}
