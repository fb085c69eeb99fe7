using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using Akka.Pattern;
using SmartElek.Actors.Site;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Sessions;
using SmartElek.Planning;
using SmartElek.Site.View;

namespace SmartElek.Actors.Planning;

/// <summary>
/// Starts the rules keeper (with its planner) as a cluster singleton, and a proxy to it, in every life of the
/// node's cluster system, beside the allocator; the proxy is <c>/user/site-rules-proxy</c> on every node.
/// </summary>
public sealed class SiteRulesLife(SiteRulesSettings settings) : ISiteLifeService
{
    public void Start(SiteLifeStart life) => StartKeeper(life.System, settings);

    /// <summary>The singleton and this node's proxy to it; returns the proxy.</summary>
    public static IActorRef StartKeeper(ActorSystem system, SiteRulesSettings settings)
    {
        // A failed journal write or recovery stops a persistent actor: start it again, backing off.
        var keeper = BackoffSupervisor.Props(Backoff.OnStop(SiteRulesKeeper.Props(settings), "keeper",
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 0.2, -1));
        system.ActorOf(ClusterSingletonManager.Props(keeper, PoisonPill.Instance, ClusterSingletonManagerSettings.Create(system)),
            SiteRulesProtocol.KeeperName);
        return system.ActorOf(ClusterSingletonProxy.Props($"/user/{SiteRulesProtocol.KeeperName}", ClusterSingletonProxySettings.Create(system)),
            SiteRulesProtocol.KeeperProxyName);
    }
}

/// <summary>The chargers as the rules and the planner see them, from a node's site view.</summary>
public static class LiveChargers
{
    public static IReadOnlyDictionary<ChargerId, LiveCharger> From(SmartElek.Site.View.SiteView view) =>
        view.Chargers.ToDictionary(c => c.Key, c => Of(c.Value.Last));

    public static LiveCharger Of(ChargerSnapshot s)
    {
        var plugged = s.Session != SessionPhase.NoVehicle || s.Pilot is PilotState.B or PilotState.C;
        // The level is the app's estimate from the owner's battery settings: only with a vehicle and a battery size.
        double? level = plugged && s.Settings is { EvBatteryCapacityKwh: > 0 } ? s.EvLevelPercent : null;
        return new LiveCharger(s.Charger, plugged, s.Pilot == PilotState.C, plugged ? s.SessionId : null, s.SessionWh,
            s.DrawnAmps, s.OfferedAmps, level, s.Settings?.MaxCurrent, s.LastSessionId, s.LastSessionWh);
    }
}
