using Akka.Actor;
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
    /// Creates the allocator's singleton manager and a proxy to it on this node, and returns the
    /// proxy: the address every <see cref="SiteMember"/> reports to.
    /// </summary>
    public static IActorRef StartAllocator(ActorSystem system, SiteTopology topology, LeasePolicy? lease = null,
        AllocationPolicy? allocation = null, TimeSpan? reallocateEvery = null, string? role = null)
    {
        var managerSettings = ClusterSingletonManagerSettings.Create(system);
        var proxySettings = ClusterSingletonProxySettings.Create(system);
        if (role is not null)
        {
            managerSettings = managerSettings.WithRole(role);
            proxySettings = proxySettings.WithRole(role);
        }
        system.ActorOf(ClusterSingletonManager.Props(
            SiteAllocator.Props(topology, lease, allocation, reallocateEvery),
            PoisonPill.Instance,
            managerSettings), ManagerName);
        return system.ActorOf(ClusterSingletonProxy.Props($"/user/{ManagerName}", proxySettings), ProxyName);
    }
}
