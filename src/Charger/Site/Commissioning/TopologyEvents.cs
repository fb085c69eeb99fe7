using SmartElek.Site.Topology;

namespace SmartElek.Site.Commissioning;

/// <summary>
/// What happened to the site's topology, as the site's topology keeper journals it. Each event was
/// validated (<see cref="SiteTopologyState.Decide"/>) before it was stored; replaying them from the
/// seed gives the same topology on every node.
/// </summary>
public static class TopologyEvents
{
    /// <summary>The first event: the topology read from config/site.json on the site's first start.</summary>
    [WireName("topology.seeded.v1")]
    public sealed record Seeded(string SiteJson, DateTimeOffset At) : IWireMessage;

    /// <summary>A circuit added under <paramref name="ParentId"/>, or an existing one's rating and per-line limits changed.</summary>
    [WireName("topology.circuit-set.v1")]
    public sealed record CircuitSet(string CircuitId, string? ParentId, double RatingAmps,
        IReadOnlyDictionary<string, double>? LineLimitAmps, DateTimeOffset At) : IWireMessage;

    /// <summary>A charger placed on a branch circuit (or its placement changed).</summary>
    [WireName("topology.charger-placed.v1")]
    public sealed record ChargerPlaced(ChargerId Charger, string CircuitId, double RatingAmps, string Lines,
        double FailSafeAmps, DateTimeOffset At) : IWireMessage;

    [WireName("topology.charger-removed.v1")]
    public sealed record ChargerRemoved(ChargerId Charger, DateTimeOffset At) : IWireMessage;

    [WireName("topology.permit-join-opened.v1")]
    public sealed record PermitJoinOpened(DateTimeOffset Until, DateTimeOffset At) : IWireMessage;

    [WireName("topology.permit-join-closed.v1")]
    public sealed record PermitJoinClosed(DateTimeOffset At) : IWireMessage;
}

/// <summary>
/// What an operator asks of the topology; <see cref="SiteTopologyState.Decide"/> turns it into events
/// or field errors. They travel from the node whose API was asked to the topology keeper.
/// </summary>
public static class TopologyCommands
{
    public abstract record Command : IWireMessage;

    /// <summary>Adds a circuit under <paramref name="ParentId"/> (when <paramref name="CircuitId"/> is new) or edits one.</summary>
    [WireName("topology.set-circuit.v1")]
    public sealed record SetCircuit(string? CircuitId, string? ParentId, double RatingAmps,
        IReadOnlyDictionary<string, double>? LineLimitAmps) : Command;

    /// <summary>
    /// Places a charger on branch <paramref name="CircuitId"/>. With <paramref name="NewBranch"/>
    /// the branch is created first, under <see cref="NewBranch.ParentId"/>, in the same change.
    /// </summary>
    [WireName("topology.place-charger.v1")]
    public sealed record PlaceCharger(string? ChargerId, string? CircuitId, double RatingAmps, string? Lines,
        double FailSafeAmps, NewBranch? NewBranch = null) : Command;

    public sealed record NewBranch(string? ParentId, double RatingAmps, IReadOnlyDictionary<string, double>? LineLimitAmps = null);

    [WireName("topology.remove-charger.v1")]
    public sealed record RemoveCharger(string? ChargerId) : Command;

    [WireName("topology.open-permit-join.v1")]
    public sealed record OpenPermitJoin(TimeSpan For) : Command;

    [WireName("topology.close-permit-join.v1")]
    public sealed record ClosePermitJoin : Command;
}

/// <summary>A refused change: each offending field of the command with the reason.</summary>
public sealed record TopologyRefusal(IReadOnlyDictionary<string, string[]> Errors)
{
    public static TopologyRefusal Of(string field, string reason) => new(new Dictionary<string, string[]> { [field] = [reason] });

    public override string ToString() => string.Join("; ", Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"));
}

/// <summary>A charger taken out of the topology, kept so that a restarted allocator still counts what its unit may draw.</summary>
public sealed record RemovedCharger(ChargerPlacement Placement, DateTimeOffset At);
