using CsCheck;
using SmartElek.Charger.Safety;
using SmartElek.Site.Allocation;
using SmartElek.Site.Grants;
using SmartElek.Site.Topology;
using SmartElek.Site.View;
using static SmartElek.Operator.Tests.SiteView.Snapshots;
using View = SmartElek.Site.View.SiteView;

namespace SmartElek.Operator.Tests.SiteView;

/// <summary>The site view projection: every charger always there, live only while its node confirms it.</summary>
[Trait("Speed", "Fast")]
public sealed class SiteViewTests
{
    private const string NodeA = "akka.tcp://smartelek-site@127.0.0.1:4501";
    private const string NodeB = "akka.tcp://smartelek-site@127.0.0.1:4502";
    private static readonly Guid PubA = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid PubB = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    private static ChargerRow Row(View view, string id, DateTimeOffset now) => view.Row(Topology.ChargerById[new ChargerId(id)], now);

    [Fact]
    public void A_charger_never_heard_of_is_unknown_not_missing()
    {
        var rows = View.Empty.Rows(Topology, T0);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(ChargerReach.Unknown, r.Reach));
        Assert.All(rows, r => Assert.Null(r.Last));
    }

    [Fact]
    public void A_published_charger_is_live_with_its_age_and_turns_unreachable_when_its_node_falls_silent()
    {
        var view = View.Empty.Apply(Batch(NodeA, PubA, 1, T0, full: true, Of("a1", drawn: 16)));
        var live = Row(view, "a1", T0.AddSeconds(2));
        Assert.Equal(ChargerReach.Live, live.Reach);
        Assert.Equal(TimeSpan.FromSeconds(2), live.Age);
        Assert.Equal(NodeA, live.Node);

        var silent = Row(view, "a1", T0 + view.StaleAfter + TimeSpan.FromSeconds(1));
        Assert.Equal(ChargerReach.Unreachable, silent.Reach);
        Assert.Equal(16, silent.Last!.DrawnAmps);
        Assert.Contains("no news", silent.Why, StringComparison.Ordinal);

        // An empty batch in sequence confirms every charger of the node again.
        var confirmed = view.Apply(Batch(NodeA, PubA, 2, T0.AddSeconds(10)));
        Assert.Equal(ChargerReach.Live, Row(confirmed, "a1", T0.AddSeconds(10.5)).Reach);
    }

    [Fact]
    public void An_unreachable_or_removed_node_shows_its_chargers_unreachable_with_their_last_state()
    {
        var view = View.Empty
            .Apply(Batch(NodeA, PubA, 1, T0, full: true, Of("a1", drawn: 12)))
            .Apply(Batch(NodeB, PubB, 1, T0, full: true, Of("b1", drawn: 7)))
            .Apply(new SiteViewEvent.NodeUnreachable(NodeB, T0.AddSeconds(1)));
        var b1 = Row(view, "b1", T0.AddSeconds(1));
        Assert.Equal(ChargerReach.Unreachable, b1.Reach);
        Assert.Equal(7, b1.Last!.DrawnAmps);
        Assert.Equal(TimeSpan.FromSeconds(1), b1.Age);
        Assert.Equal(ChargerReach.Live, Row(view, "a1", T0.AddSeconds(1)).Reach);

        var removed = view.Apply(new SiteViewEvent.NodeRemoved(NodeB, T0.AddSeconds(2)));
        Assert.Equal(ChargerReach.Unreachable, Row(removed, "b1", T0.AddSeconds(3)).Reach);
        Assert.Contains("left the site", Row(removed, "b1", T0.AddSeconds(3)).Why, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(3), Row(removed, "b1", T0.AddSeconds(3)).Age);

        // Its next life (a new publisher) is live again from its first full batch.
        var back = removed.Apply(new SiteViewEvent.NodeReachable(NodeB, T0.AddSeconds(4)))
            .Apply(Batch(NodeB, Guid.NewGuid(), 1, T0.AddSeconds(4), full: true, Of("b1", drawn: 8)));
        Assert.Equal(ChargerReach.Live, Row(back, "b1", T0.AddSeconds(4)).Reach);
        Assert.Equal(8, Row(back, "b1", T0.AddSeconds(4)).Last!.DrawnAmps);
    }

    [Fact]
    public void A_missed_batch_stops_the_confirmation_until_a_full_batch_arrives()
    {
        var view = View.Empty.Apply(Batch(NodeA, PubA, 1, T0, full: true, Of("a1"), Of("a2")))
            .Apply(Batch(NodeA, PubA, 3, T0.AddSeconds(6), chargers: Of("a2", drawn: 10)));
        Assert.True(view.NeedsFull(NodeA));
        // a2 came with the batch, but the node's confirmation stays at the last batch in sequence.
        Assert.Equal(ChargerReach.Unreachable, Row(view, "a1", T0.AddSeconds(6)).Reach);
        Assert.Equal(10, Row(view, "a2", T0.AddSeconds(6)).Last!.DrawnAmps);
        Assert.Equal(TimeSpan.FromSeconds(6), Row(view, "a1", T0.AddSeconds(6)).Age);

        var stillGap = view.Apply(Batch(NodeA, PubA, 4, T0.AddSeconds(7)));
        Assert.True(stillGap.NeedsFull(NodeA));

        var full = stillGap.Apply(Batch(NodeA, PubA, 5, T0.AddSeconds(7), full: true, Of("a1", drawn: 6), Of("a2", drawn: 10)));
        Assert.False(full.NeedsFull(NodeA));
        Assert.Equal(ChargerReach.Live, Row(full, "a1", T0.AddSeconds(7)).Reach);
    }

    [Fact]
    public void A_new_publishers_first_batch_must_be_full_or_in_sequence_from_one()
    {
        var view = View.Empty.Apply(Batch(NodeA, PubA, 5, T0, chargers: Of("a1")));
        Assert.True(view.NeedsFull(NodeA));
        Assert.False(View.Empty.Apply(Batch(NodeA, PubA, 1, T0, chargers: Of("a1"))).NeedsFull(NodeA));
    }

    [Fact]
    public void Circuits_sum_each_line_over_the_chargers_below_and_count_metered_current_only_while_live()
    {
        var ledger = new SiteViewEvent.AllocationReceived(false,
        [
            new LedgerView(new ChargerId("a1"), 16, new LimitReason(LimitKind.ChargerRating), 16, T0, false),
            new LedgerView(new ChargerId("a2"), 10, LimitReason.OnCircuit("branch-a", Line.L1), 12, T0, false),
            new LedgerView(new ChargerId("b1"), 20, new LimitReason(LimitKind.Silent), 20, T0, true),
        ], T0);
        var view = View.Empty
            .Apply(Batch(NodeA, PubA, 1, T0, full: true, Of("a1", drawn: 15), Of("a2", drawn: 9)))
            .Apply(Batch(NodeB, PubB, 1, T0, full: true, Of("b1", drawn: 19)))
            .Apply(ledger)
            .Apply(new SiteViewEvent.NodeUnreachable(NodeB, T0));
        var circuits = view.Circuits(Topology, T0).ToDictionary(c => c.Circuit.Id);

        var feederL1 = circuits["feeder"].Lines.Single(l => l.Line == Line.L1);
        Assert.Equal(48, feederL1.LimitAmps);
        Assert.Equal(46, feederL1.GrantedAmps);
        Assert.Equal(48, feederL1.MayDrawAmps);
        Assert.Equal(24, feederL1.DrawnAmps); // b1 is unreachable: its last meter reading is not counted as now
        Assert.Equal(3, circuits["feeder"].Chargers);
        Assert.Equal(1, circuits["feeder"].UnreachableChargers);
        Assert.Equal(28, circuits["branch-a"].Lines.Single(l => l.Line == Line.L2).MayDrawAmps);
        Assert.Equal(0, circuits["branch-b"].Lines.Single(l => l.Line == Line.L1).DrawnAmps);
    }

    // Any order of batches, gaps, reachability changes and removals, read at any time.
    private static readonly Gen<SiteViewEvent> AnyEvent =
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, 1], Gen.Int[1, 6], Gen.Bool, Gen.Int[0, 20], Gen.Int[0, 7]).Select(t =>
        {
            var (kind, n, seq, full, seconds, mask) = t;
            var node = n == 0 ? NodeA : NodeB;
            var at = T0.AddSeconds(seconds);
            var ids = (n == 0 ? new[] { "a1", "a2" } : ["b1"]).Where((_, i) => (mask >> i & 1) == 1).Select(id => Of(id, drawn: seconds)).ToArray();
            return kind switch
            {
                0 or 1 or 2 => (SiteViewEvent)Batch(node, n == 0 ? PubA : PubB, seq, at, full, ids),
                3 => new SiteViewEvent.NodeUnreachable(node, at),
                4 => new SiteViewEvent.NodeReachable(node, at),
                _ => new SiteViewEvent.NodeRemoved(node, at),
            };
        });

    [Fact]
    public void Every_charger_is_always_shown_and_is_live_only_when_its_node_confirmed_it_within_the_limit()
    {
        Gen.Select(AnyEvent.List[0, 30], Gen.Int[0, 40]).Sample((events, readAt) =>
        {
            var view = events.Aggregate(View.Empty, (v, e) => v.Apply(e));
            var now = T0.AddSeconds(readAt);
            var rows = view.Rows(Topology, now);
            Assert.Equal(Topology.Chargers.Select(c => c.Id), rows.Select(r => r.Placement.Id));
            foreach (var row in rows)
            {
                var everPublished = events.OfType<SiteViewEvent.BatchReceived>().Any(b => b.Chargers.Any(c => c.Charger == row.Placement.Id));
                Assert.Equal(everPublished, row.Last is not null);
                Assert.Equal(everPublished, row.Reach != ChargerReach.Unknown);
                if (row.Reach != ChargerReach.Live) continue;
                var node = view.Nodes[row.Node!];
                Assert.False(node.Unreachable || node.Removed || node.Gap);
                Assert.InRange(now - node.HeardAt, TimeSpan.MinValue, view.StaleAfter);
                // The last event about that node that is not a batch in sequence cannot be a loss of it.
                var last = events.LastOrDefault(e => e is SiteViewEvent.NodeUnreachable u && u.Node == row.Node
                    || e is SiteViewEvent.NodeRemoved r && r.Node == row.Node || e is SiteViewEvent.NodeReachable k && k.Node == row.Node
                    || e is SiteViewEvent.BatchReceived b && b.Node == row.Node);
                Assert.IsNotType<SiteViewEvent.NodeRemoved>(last);
                Assert.IsNotType<SiteViewEvent.NodeUnreachable>(last);
            }
        });
    }

    [Fact]
    public void A_fault_list_counts_in_the_snapshots_sameness_by_content()
    {
        var fault = new FaultView(FaultKind.GfciTrip, T0, "trip", false, T0.AddMinutes(15), FaultClearing.AutoRetry);
        var one = Of("a1", faults: [fault]);
        var other = Of("a1", faults: [fault with { }], at: T0.AddSeconds(1));
        Assert.True(one.SameAs(other));
        Assert.False(ChargerSnapshot.IsMajorChange(one, other));
        Assert.True(ChargerSnapshot.IsMajorChange(one, Of("a1")));
        Assert.True(ChargerSnapshot.IsMajorChange(one, one with { OfferedAmps = 10 }));
        Assert.False(ChargerSnapshot.IsMajorChange(one, one with { DrawnAmps = 3, Volts = 239 }));
    }
}
