using Akka.Actor;
using Akka.Pattern;
using SmartElek.Site.Commissioning;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using SmartElek.Actors.Serialization;
using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;

namespace SmartElek.Actors.Site;

/// <summary>Starts the site's cluster part the same way on every node.</summary>
public static class SiteCluster
{
    public const string ManagerName = "site-allocator";
    public const string ProxyName = "site-allocator-proxy";

    /// <summary>
    /// Reads config/akka.site.hocon (or another file of that shape) with the project's one wire
    /// serializer behind it: every site message is an <see cref="IWireMessage"/>.
    /// </summary>
    public static Config LoadHocon(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Akka site configuration '{path}' not found", path);
        return ConfigurationFactory.ParseString(File.ReadAllText(path)).WithFallback(WireSerialization.Config);
    }

    /// <summary>
    /// How long the allocator is away when its node crashes or is cut off, at most: twice the split
    /// brain resolver's stable-after plus failure detection and the hand-over, 6-8 s as measured
    /// (docs/site.md: 46 s at 20 s, 21 s at 7 s, 14 s at 3 s).
    /// </summary>
    public static TimeSpan FailOverEstimate(Config hocon) =>
        TimeSpan.FromSeconds(8) + 2 * (hocon.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after", null, allowInfinite: false) is var s && s > TimeSpan.Zero
            ? s : TimeSpan.FromSeconds(20));

    /// <summary>
    /// Creates the singletons of the site, the topology keeper (seeded with <paramref name="topology"/>
    /// on the site's first start) and the allocator, with a proxy to each on this node, and returns
    /// the allocator's proxy: the address every <see cref="SiteMember"/> reports to.
    /// </summary>
    public static IActorRef StartAllocator(ActorSystem system, SiteTopology topology, LeasePolicy? lease = null,
        AllocationPolicy? allocation = null, TimeSpan? reallocateEvery = null, string? role = null, LiveTopology? live = null)
    {
        var managerSettings = ClusterSingletonManagerSettings.Create(system);
        var proxySettings = ClusterSingletonProxySettings.Create(system);
        if (role is not null)
        {
            managerSettings = managerSettings.WithRole(role);
            proxySettings = proxySettings.WithRole(role);
        }
        // The topology keeper first: the allocator asks its proxy for the current version.
        // A failed journal write or recovery stops a persistent actor: start it again, backing off.
        var keeper = BackoffSupervisor.Props(Backoff.OnStop(SiteTopologyKeeper.Props(SpecEdits.ToJson(topology.Spec)), "keeper",
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 0.2, -1));
        system.ActorOf(ClusterSingletonManager.Props(keeper, PoisonPill.Instance, managerSettings), SiteTopologyProtocol.KeeperName);
        system.ActorOf(ClusterSingletonProxy.Props($"/user/{SiteTopologyProtocol.KeeperName}", proxySettings), SiteTopologyProtocol.KeeperProxyName);
        system.ActorOf(ClusterSingletonManager.Props(
            SiteAllocator.Props(topology, lease, allocation, reallocateEvery, live),
            PoisonPill.Instance,
            managerSettings), ManagerName);
        return system.ActorOf(ClusterSingletonProxy.Props($"/user/{ManagerName}", proxySettings), ProxyName);
    }
}
