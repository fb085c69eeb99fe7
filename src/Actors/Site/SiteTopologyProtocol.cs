using SmartElek.Site.Commissioning;
using SmartElek.Site.Topology;

namespace SmartElek.Actors.Site;

/// <summary>
/// Messages of the site's topology keeper (a persistent cluster singleton) and the nodes that
/// follow it. Changes are the pure <see cref="TopologyCommands"/>; each is answered with
/// <see cref="ChangeAnswer"/>.
/// </summary>
public static class SiteTopologyProtocol
{
    /// <summary>The distributed pub-sub topic every version is published on.</summary>
    public const string Topic = "site-topology";

    public const string KeeperName = "site-topology";
    public const string KeeperProxyName = "site-topology-proxy";

    /// <summary>Answered with the current <see cref="TopologyPublished"/> (a node asks when it joins).</summary>
    [WireName("topology.get.v1")]
    public sealed record GetTopology : IWireMessage
    {
        public static GetTopology Instance { get; } = new();
    }

    /// <summary>
    /// The topology at <paramref name="Version"/> (in site.json's shape), permit-join, the chargers
    /// taken out (where they hung, for a restarted allocator) and the units waiting to join.
    /// </summary>
    [WireName("topology.published.v1")]
    public sealed record TopologyPublished(long Version, string SiteJson, DateTimeOffset? PermitJoinUntil,
        IReadOnlyList<TopologyEvents.ChargerPlaced> Removed, IReadOnlyList<PendingCharger> Pending) : IWireMessage;

    /// <summary>A unit that announced itself while permit-join was open and is not in the topology.</summary>
    public sealed record PendingCharger(ChargerId Charger, string Node, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

    /// <summary>The answer to a change: the version it made, or each bad field with its reason (nothing changed).</summary>
    [WireName("topology.change-answer.v1")]
    public sealed record ChangeAnswer(long Version, IReadOnlyDictionary<string, string[]>? Errors) : IWireMessage;

    /// <summary>From a node: its unit <paramref name="Charger"/> is powered, not in the topology, and asks to join.</summary>
    [WireName("topology.announce.v1")]
    public sealed record Announce(ChargerId Charger, string Node) : IWireMessage;
}

/// <summary>One version of the live topology as a node holds it.</summary>
public sealed record TopologySnapshot(long Version, SiteTopology Topology, DateTimeOffset? PermitJoinUntil,
    IReadOnlyList<ChargerPlacement> Removed, IReadOnlyList<SiteTopologyProtocol.PendingCharger> Pending)
{
    public bool PermitJoinOpen(DateTimeOffset now) => PermitJoinUntil is { } until && now < until;

    /// <summary>Before the keeper has answered: the configuration file's topology, version 0.</summary>
    public static TopologySnapshot Seed(SiteTopology topology) => new(0, topology, null, [], []);

    public static TopologySnapshot From(SiteTopologyProtocol.TopologyPublished p) =>
        new(p.Version, SiteTopology.Parse(p.SiteJson), p.PermitJoinUntil,
            [.. p.Removed.Select(r => new ChargerPlacement(r.Charger, r.CircuitId, LinePair.TryParse(r.Lines, out _) ?? new LinePair(Line.L1, Line.L2),
                r.RatingAmps, r.FailSafeAmps, ""))],
            p.Pending);

    public static SiteTopologyProtocol.TopologyPublished Publish(SiteTopologyState state, IReadOnlyList<SiteTopologyProtocol.PendingCharger> pending) =>
        new(state.Version, state.Export(), state.PermitJoinUntil,
            [.. state.Removed.Select(r => new TopologyEvents.ChargerPlaced(r.Placement.Id, r.Placement.CircuitId, r.Placement.RatingAmps,
                r.Placement.Lines.ToString(), r.Placement.FailSafeAmps, r.At))],
            pending);
}

/// <summary>
/// The node's current topology version, for everything outside the actors (the operator's API,
/// the dashboard, the console). Survives the node's cluster lives; a version only ever replaces an
/// older one (or the same one with other pending units or permit-join).
/// </summary>
public sealed class LiveTopology
{
    readonly object gate = new();
    readonly string? cacheFile;
    volatile TopologySnapshot current;

    /// <param name="cacheFile">Where the node keeps the last version it heard, so that it knows it at its next start even
    /// when the site's database does not answer then (null: no cache).</param>
    public LiveTopology(SiteTopology seed, string? cacheFile = null)
    {
        this.cacheFile = cacheFile;
        current = TopologySnapshot.Seed(seed);
        if (cacheFile is null || !File.Exists(cacheFile)) return;
        try
        {
            var cached = System.Text.Json.JsonSerializer.Deserialize<SiteTopologyProtocol.TopologyPublished>(File.ReadAllText(cacheFile), CacheJson);
            if (cached is not null) current = TopologySnapshot.From(cached) with { Pending = [] };
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or TopologyException or UnauthorizedAccessException)
        {
            // A cache that cannot be read is no worse than none: the keeper's version replaces the file's.
        }
    }

    static readonly System.Text.Json.JsonSerializerOptions CacheJson = new() { Converters = { new ChargerIdJsonConverter() } };

    /// <summary>Takes a version as the keeper published it and keeps it in the cache file.</summary>
    public bool Offer(SiteTopologyProtocol.TopologyPublished published)
    {
        if (!Offer(TopologySnapshot.From(published))) return false;
        if (cacheFile is null) return true;
        try
        {
            var temp = cacheFile + ".tmp";
            File.WriteAllText(temp, System.Text.Json.JsonSerializer.Serialize(published with { Pending = [] }, CacheJson));
            File.Move(temp, cacheFile, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only the next start's first guess is lost.
        }
        return true;
    }

    public TopologySnapshot Current => current;

    /// <summary>Raised (on the caller's thread) after a newer snapshot was taken.</summary>
    public event Action<TopologySnapshot>? Changed;

    /// <summary>Takes <paramref name="next"/> unless it is older than the current one; true when taken.</summary>
    public bool Offer(TopologySnapshot next)
    {
        lock (gate)
        {
            var now = current;
            if (next.Version < now.Version) return false;
            if (next.Version == now.Version && next.PermitJoinUntil == now.PermitJoinUntil && next.Pending.SequenceEqual(now.Pending)) return false;
            current = next;
        }
        Changed?.Invoke(next);
        return true;
    }
}
