using Akka.Hosting;
using Akka.Hosting.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SmartElek.Host.Chargers;
using SmartElek.Host.Configuration;
using HostOptions = SmartElek.Host.Configuration.HostOptions;
using SmartElek.Host.Console;
using SmartElek.Host.Ocpp;
using SmartElek.Host.Planning;
using SmartElek.Host.Simulation;
using SmartElek.Host.Site;
using SmartElek.Host.Storage;
using SmartElek.Actors.Site;
using SmartElek.Operator;
using SmartElek.Operator.Dashboard;
using SmartElek.Site.Topology;
using SmartElek.Tariffs;

namespace SmartElek.Host;

/// <summary>Builds and runs one node of a site from its configuration files.</summary>
public static class SiteHost
{
    /// <summary>The chargers' local ActorSystem (Akka.Hosting): the units' safety loops, never downed by the cluster.</summary>
    public const string ActorSystemName = "smartelek-unit";

    /// <summary>The clustered ActorSystem of the site (allocator, site members), restarted by <see cref="SiteNode"/> after a downing.</summary>
    public const string SiteSystemName = SiteNodeSettings.DefaultSystemName;

    /// <summary>Runs until <paramref name="stop"/> fires; 0 on a clean stop, 2 for a configuration the site refuses.</summary>
    public static async Task<int> RunAsync(FileInfo hostJson, CancellationToken stop)
    {
        HostOptions options;
        SiteTopology topology;
        TariffBook? tariffs;
        string topologyFile = "";
        try
        {
            options = HostConfiguration.Load(hostJson.FullName);
            topologyFile = Path.Combine(hostJson.DirectoryName ?? ".", options.Site.Topology);
            topology = SiteTopology.Load(topologyFile);
            tariffs = SiteTariffs.Load(hostJson.DirectoryName ?? ".", options.Site, hostJson.FullName);
        }
        catch (ConfigException e)
        {
            await System.Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        catch (TopologyException e)
        {
            await System.Console.Error.WriteLineAsync($"Bad configuration:\n  {Path.GetFullPath(topologyFile)}: {e.Message}");
            return 2;
        }

        var ids = SelectChargers(options, topology, out var unknown);
        if (unknown.Count > 0)
        {
            await System.Console.Error.WriteLineAsync(
                $"Bad configuration:\n  {hostJson.FullName}: Node:Chargers: {string.Join(", ", unknown)} not in the topology {topologyFile}");
            return 2;
        }

        var storage = await HostStorage.PrepareAsync(options.Storage, options.Ocpp.Enabled, hostJson.FullName, System.Console.Error);
        if (storage is null) return 2;
        await using var host = Build(options, ids, topology, hostJson.DirectoryName ?? ".", storage, tariffs);
        try
        {
            await host.RunAsync(stop);
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("bind", StringComparison.OrdinalIgnoreCase))
        {
            // Kestrel starts before the site: a taken port stops the start before any charger runs.
            await System.Console.Error.WriteLineAsync($"Bad configuration:\n  {new ConfigError(hostJson.FullName, "Api:Url", $"cannot listen on {options.Api.Url}: {e.Message}")}");
            return 2;
        }
        return 0;
    }

    private static List<ChargerId> SelectChargers(HostOptions options, SiteTopology topology, out List<string> unknown)
    {
        var all = topology.Chargers.Select(c => c.Id).ToList();
        var wanted = options.Node.Chargers;
        unknown = wanted.Where(w => all.All(a => a.Value != w)).ToList();
        return wanted.Count == 0 ? all : all.Where(a => wanted.Contains(a.Value)).ToList();
    }

    /// <summary>
    /// One node: the chargers' system, the site's cluster life, OCPP, the console, and the operator's
    /// API on Kestrel (<c>Api:Url</c>), all in one web application: one run command serves them all.
    /// </summary>
    /// <param name="storage">the database as <see cref="HostStorage.PrepareAsync"/> prepared it</param>
    /// <param name="tariffs">the site's tariffs from <c>Site:Tariffs</c>, null when none are configured</param>
    public static WebApplication Build(HostOptions options, IReadOnlyList<ChargerId> ids, SiteTopology topology, string configFolder, PreparedStorage storage,
        TariffBook? tariffs = null)
    {
        // Empty: no appsettings.json or ASPNETCORE_* variables; host.json is the configuration.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "smartelek-site", ContentRootPath = AppContext.BaseDirectory });
        var recentLog = new RecentLog();
        builder.Logging.AddSiteLogging(options.Console, recentLog);

        var chargers = new SiteChargers();
        // The last version this node heard, for a start while the site's database does not answer.
        var liveTopology = new LiveTopology(topology, Path.Combine(options.Storage.DataFolder, "topology.json"));
        builder.Services.AddSingleton(chargers);
        builder.Services.AddSingleton(new LiveTariffs(tariffs));
        builder.Services.AddSingleton(options.Console);
        builder.Services.AddSingleton(recentLog);
        builder.Services.AddSiteNode(options, topology, configFolder);
        builder.Services.AddSitePlanning(options, configFolder);
        builder.Services.AddHostedService<LiveStatusConsole>();
        builder.Services.AddAkka(ActorSystemName, (akka, services) =>
        {
            akka.AddSetup(new LoggerFactorySetup(services.GetRequiredService<ILoggerFactory>()))
                .AddHocon($"akka.stdout-logger-class = \"{SiteStdoutLogger.HoconName}\"", HoconAddMode.Prepend)
                .ConfigureLoggers(l =>
                {
                    l.LogLevel = Akka.Event.LogLevel.InfoLevel;
                    l.ClearLoggers();
                    l.AddLogger<AkkaLogBridge>();
                })
                .AddChargerPersistence(options.Storage, storage)
                .AddChargerUnits(ids, chargers, options.Simulation.Seed, HostStorage.Journal(options.Storage, options.Ocpp.Enabled),
                    id => topology.Chargers.First(c => c.Id == id).FailSafeAmps)
                .AddOcppGateway(options, chargers)
                .WithActors((system, registry) => registry.Register<VehicleTraffic>(
                    system.ActorOf(VehicleTraffic.Props(chargers.All, options.Simulation), "vehicle-traffic")));
        });
        var apiSettings = new OperatorApiSettings
        {
            Url = options.Api.Url,
            Live = liveTopology,
            Storage = HostStorage.ToPersistenceOptions(options.Storage),
            LoginAttemptsPerMinute = options.Api.LoginAttemptsPerMinute,
            SiteZone = SiteTime.ZoneOf(options.Site),
            SetupLinkLifetime = TimeSpan.FromMinutes(options.Api.SetupLinkMinutes),
        };
        builder.AddOperatorApi(apiSettings);
        builder.Services.AddSingleton<SmartElek.Operator.Commissioning.IUnitSimulator, UnitPowerUp>();
        builder.AddDashboard(apiSettings);
        var app = builder.Build();
        app.MapOperatorApi();
        app.MapDashboard();
        return app;
    }
}
