using Akka.Configuration;
using Akka.Hosting.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SmartElek.Actors.Persistence;
using SmartElek.Actors.Site;
using SmartElek.Host.Storage;
using SmartElek.Host.Configuration;
using SmartElek.Site.Topology;

namespace SmartElek.Host.Site;

public static class SiteNodeHosting
{
    /// <summary>
    /// Adds this node's cluster life (<see cref="SiteNode"/>): the allocator singleton, a site
    /// member and link per local charger unit, in a second, clustered ActorSystem named
    /// <see cref="SiteNodeSettings.DefaultSystemName"/> that rejoins by itself after a downing.
    /// </summary>
    public static IServiceCollection AddSiteNode(this IServiceCollection services, HostOptions options, SiteTopology topology, string configFolder)
    {
        var hocon = SiteCluster.LoadHocon(Path.Combine(configFolder, options.Node.AkkaHocon))
            // The topology keeper journals in the site's database, beside the chargers.
            .WithFallback(PersistenceHocon.For(HostStorage.ToPersistenceOptions(options.Storage)));
        var lease = HostConfiguration.Lease(options.Site);
        services.AddSingleton(sp => new SiteNodeSettings
        {
            Lease = lease,
            Live = sp.GetRequiredService<LiveTopology>(),
            // The cluster system logs through the host's logger factory, like the chargers' system.
            Hocon = ConfigurationFactory.ParseString($"""
                akka.loggers = ["{Console.AkkaLogBridge.HoconName}"]
                akka.stdout-logger-class = "{Console.SiteStdoutLogger.HoconName}"
                akka.stdout-loglevel = OFF
                akka.loglevel = INFO
                """).WithFallback(hocon),
            Setups = [new LoggerFactorySetup(sp.GetRequiredService<ILoggerFactory>())],
            Hostname = options.Node.Hostname,
            Port = options.Node.Port,
            Seeds = options.Node.Seeds,
            Topology = topology,
            RejoinDelay = TimeSpan.FromSeconds(options.Node.RejoinDelaySeconds),
            // More that runs in every life (the operator's site view), registered by other features.
            LifeServices = [.. sp.GetServices<ISiteLifeService>()],
        });
        services.AddSingleton<SiteNode>();
        services.AddHostedService(sp => sp.GetRequiredService<SiteNode>());
        return services;
    }
}
