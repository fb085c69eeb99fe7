using System.Collections.Immutable;
using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;

namespace SmartElek.Site.View;

/// <summary>What changes a node's view of the site. Times are the receiving node's own clock.</summary>
public abstract record SiteViewEvent
{
    private SiteViewEvent() { }

    /// <summary>
    /// A node's publisher sent its chargers' states: the changed ones (<paramref name="Full"/> false;
    /// the others are unchanged as of this batch, if no batch was missed) or all of them.
    /// </summary>
    public sealed record BatchReceived(string Node, Guid Publisher, long Seq, bool Full, IReadOnlyList<ChargerSnapshot> Chargers, DateTimeOffset ReceivedAt) : SiteViewEvent;

    public sealed record NodeUnreachable(string Node, DateTimeOffset At) : SiteViewEvent;

    public sealed record NodeReachable(string Node, DateTimeOffset At) : SiteViewEvent;

    /// <summary>The node left or was downed: its chargers stay, with their last-known state, until another node publishes them.</summary>
    public sealed record NodeRemoved(string Node, DateTimeOffset At) : SiteViewEvent;

    /// <summary>The allocator's ledger: every charger's grant, its reason and the amps it may be drawing.</summary>
    public sealed record AllocationReceived(bool Rebuilding, IReadOnlyList<LedgerView> Chargers, DateTimeOffset ReceivedAt) : SiteViewEvent;
}

/// <summary>What this node last heard from another node's publisher.</summary>
/// <param name="Gap">A batch was missed since the last full one: the unchanged chargers are not known to be current.</param>
public sealed record NodeState(string Node, Guid Publisher, long Seq, DateTimeOffset HeardAt, bool Gap, bool Unreachable, bool Removed);

/// <summary>A charger's last-known state and the node that published it.</summary>
public sealed record ChargerEntry(ChargerSnapshot Last, string Node);

/// <summary>The allocator's book on one charger.</summary>
public sealed record AllocationEntry(double GrantedAmps, LimitReason Reason, double MayDrawAmps, bool Silent);

/// <summary>
/// One node's view of the whole site ("one site, any node"): each charger's last-known state, the
/// node it runs on and when that node last confirmed it, and the allocator's grants. A pure
/// projection: the site view actor only holds it and applies events. A charger whose node is
/// unreachable, removed, silent for longer than <see cref="StaleAfter"/>, or owes a missed batch is
/// shown with its last-known state as unreachable, never as fresh; one never heard of is unknown.
/// </summary>
public sealed record SiteView
{
    public static SiteView Empty { get; } = new();

    /// <summary>How long a node may stay silent before its chargers count as unreachable (publishers confirm every second).</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(5);

    public ImmutableDictionary<ChargerId, ChargerEntry> Chargers { get; init; } = ImmutableDictionary<ChargerId, ChargerEntry>.Empty;

    public ImmutableDictionary<string, NodeState> Nodes { get; init; } = ImmutableDictionary<string, NodeState>.Empty.WithComparers(StringComparer.Ordinal);

    public ImmutableDictionary<ChargerId, AllocationEntry> Allocation { get; init; } = ImmutableDictionary<ChargerId, AllocationEntry>.Empty;

    /// <summary>When the allocator's ledger last arrived; null before the first.</summary>
    public DateTimeOffset? AllocationAt { get; init; }

    public bool AllocatorRebuilding { get; init; }

    public SiteView Apply(SiteViewEvent e) => e switch
    {
        SiteViewEvent.BatchReceived b => OnBatch(b),
        SiteViewEvent.NodeUnreachable u => WithNode(u.Node, n => n with { Unreachable = true }),
        SiteViewEvent.NodeReachable r => WithNode(r.Node, n => n with { Unreachable = false }),
        SiteViewEvent.NodeRemoved r => WithNode(r.Node, n => n with { Removed = true }),
        SiteViewEvent.AllocationReceived a => this with
        {
            Allocation = a.Chargers.ToImmutableDictionary(v => v.Charger, v => new AllocationEntry(v.GrantedAmps, v.Reason, v.ExposureAmps, v.Silent)),
            AllocationAt = a.ReceivedAt,
            AllocatorRebuilding = a.Rebuilding,
        },
        null => throw new ArgumentNullException(nameof(e)),
        _ => throw new ArgumentException($"Unknown site view event {e.GetType().Name}.", nameof(e)),
    };

    /// <summary>True when the node owes this view a full batch (it missed one of the node's batches).</summary>
    public bool NeedsFull(string node) => Nodes.TryGetValue(node, out var n) && n.Gap;

    private SiteView OnBatch(SiteViewEvent.BatchReceived b)
    {
        var known = Nodes.GetValueOrDefault(b.Node);
        var expected = known is not null && known.Publisher == b.Publisher ? known.Seq + 1 : 1;
        // A batch that follows the last one (or a full one) confirms every charger of the node; after
        // a missed batch only the ones it carries are current, so the node's confirmation waits.
        var gap = !b.Full && (b.Seq != expected || known?.Gap == true && known.Publisher == b.Publisher);
        var node = new NodeState(b.Node, b.Publisher, b.Seq, gap ? known?.HeardAt ?? DateTimeOffset.MinValue : b.ReceivedAt, gap,
            Unreachable: known?.Unreachable ?? false, Removed: false);
        var chargers = Chargers.ToBuilder();
        foreach (var snapshot in b.Chargers) chargers[snapshot.Charger] = new ChargerEntry(snapshot, b.Node);
        return this with { Nodes = Nodes.SetItem(b.Node, node), Chargers = chargers.ToImmutable() };
    }

    private SiteView WithNode(string node, Func<NodeState, NodeState> change)
    {
        var known = Nodes.GetValueOrDefault(node) ?? new NodeState(node, Guid.Empty, 0, DateTimeOffset.MinValue, false, false, false);
        return this with { Nodes = Nodes.SetItem(node, change(known)) };
    }
}
