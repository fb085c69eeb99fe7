using Akka.Actor;
using SmartElek.Site.Topology;

namespace SmartElek.Actors.Site;

/// <summary>One charger unit of this node as a life of the site cluster joins it to the site.</summary>
/// <param name="Link">The <see cref="ChargerSiteLink"/> that tells the member the unit's status (and its settings).</param>
public sealed record SiteLifeUnit(ChargerId Id, IActorRef Unit, IActorRef Member, IActorRef Link);

/// <summary>What a life of the site cluster gives the services that run in it.</summary>
/// <param name="Units">The node's units in the topology, joined to the site.</param>
/// <param name="AllUnits">Every unit of the node, pending ones (not in the topology) too.</param>
public sealed record SiteLifeStart(int Number, ActorSystem System, IActorRef AllocatorProxy, SiteTopology Topology, IReadOnlyList<SiteLifeUnit> Units,
    IReadOnlyList<SiteUnit> AllUnits);

/// <summary>
/// Something more that runs in every life of the node's cluster system, beside the allocator and
/// the members (the operator's site view and command routing): started once per life, right after
/// the members; it ends with the life's ActorSystem.
/// </summary>
public interface ISiteLifeService
{
    void Start(SiteLifeStart life);
}
